"""The roster query: filters, search and the role scope."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from desktop.clock import FixedClock, today
from desktop.models import Operator, SchoolClass, Student
from desktop.services import approvals, roster
from desktop.services.approvals import Flag
from desktop.services.auth import SYSTEM, Actor, PermissionDenied, Role, actor_for
from desktop.services.db import Database, open_database
from desktop.services.demo import build_demo
from desktop.services.keys import Keyring, load_keyring
from desktop.services.masking import mask_document
from desktop.services.roster import ApprovalFilter, RosterQuery
from desktop.services.settings import load_settings
from tests.helpers import Factory

STUDENTS = 60


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Database:
    folder: Path = tmp_path_factory.mktemp("roster")
    database = open_database(f"sqlite:///{folder / 'roster.sqlite3'}")
    keyring = load_keyring(folder / "keys")
    clock = FixedClock(datetime(2020, 3, 20, 9, 0))
    with database.sessions() as session, session.begin():
        build_demo(session, clock, keyring, students=STUDENTS)
    yield database
    database.dispose()


def _actor(db: Database, login: str) -> Actor:
    with db.sessions() as session:
        operator = session.scalars(
            select(Operator).where(Operator.login == login)
        ).one()
        return actor_for(operator, "test")


def _all(db: Database, actor: Actor, query: RosterQuery) -> list[roster.RosterRow]:
    with db.sessions() as session:
        return roster.fetch_page(session, actor, query, 0, roster.MAX_PAGE)


def _count(db: Database, actor: Actor, query: RosterQuery) -> int:
    with db.sessions() as session:
        return roster.count(session, actor, query)


def test_school_admin_sees_every_student_in_order(db: Database) -> None:
    admin = _actor(db, "admin")

    rows = _all(db, admin, RosterQuery())

    assert len(rows) == STUDENTS == _count(db, admin, RosterQuery())
    numbers = [row.student_no for row in rows]
    assert numbers == sorted(numbers)


def test_pages_do_not_overlap(db: Database) -> None:
    admin = _actor(db, "admin")

    with db.sessions() as session:
        first = roster.fetch_page(session, admin, RosterQuery(), 0, 25)
        second = roster.fetch_page(session, admin, RosterQuery(), 25, 25)

    assert len(first) == len(second) == 25
    assert not {r.student_no for r in first} & {r.student_no for r in second}


def test_class_head_sees_only_their_classes(db: Database) -> None:
    head = _actor(db, "head")
    with db.sessions() as session:
        own = set(
            session.scalars(
                select(SchoolClass.name).where(
                    SchoolClass.head_operator_id == head.operator_id
                )
            )
        )

    rows = _all(db, head, RosterQuery())

    assert rows
    assert {row.class_name for row in rows} <= own
    assert _count(db, head, RosterQuery()) == len(rows) < STUDENTS


def test_college_admin_sees_only_their_college(db: Database) -> None:
    college = _actor(db, "college")

    rows = _all(db, college, RosterQuery())

    assert rows
    assert {row.college_name for row in rows} == {"经济学院"}


def test_gate_staff_has_no_roster(db: Database) -> None:
    gate = _actor(db, "gate")

    with db.sessions() as session, pytest.raises(PermissionDenied):
        roster.fetch_page(session, gate, RosterQuery(), 0, 10)
    with db.sessions() as session, pytest.raises(PermissionDenied):
        roster.count(session, gate, RosterQuery())


def test_class_head_without_classes_sees_nothing(db: Database) -> None:
    stranger = Actor(99999, "x", "x", Role.CLASS_HEAD)

    assert _all(db, stranger, RosterQuery()) == []


def test_search_by_document_tail(db: Database) -> None:
    admin = _actor(db, "admin")
    with db.sessions() as session:
        student = session.scalars(select(Student).order_by(Student.id)).first()
        tail, number = student.doc_tail, student.doc_number

    rows = _all(db, admin, RosterQuery(search=tail))

    assert student.student_no in {row.student_no for row in rows}
    found = next(row for row in rows if row.student_no == student.student_no)
    assert found.masked_document == mask_document(number)
    assert number not in found.masked_document


def test_search_by_number_prefix_and_name(db: Database) -> None:
    admin = _actor(db, "admin")
    everyone = _all(db, admin, RosterQuery())
    target = everyone[7]

    by_number = _all(db, admin, RosterQuery(search=target.student_no))
    by_name = _all(db, admin, RosterQuery(search=target.name[1:]))

    assert [row.student_no for row in by_number] == [target.student_no]
    assert target.student_no in {row.student_no for row in by_name}
    assert all(target.name[1:] in row.name for row in by_name)


def test_search_treats_like_wildcards_literally(db: Database) -> None:
    admin = _actor(db, "admin")

    assert _all(db, admin, RosterQuery(search="%")) == []
    assert _all(db, admin, RosterQuery(search="_")) == []


def test_filters_partition_the_roster(db: Database) -> None:
    admin = _actor(db, "admin")
    everyone = _count(db, admin, RosterQuery())

    for name in ("registered", "checked_in"):
        yes = _count(db, admin, RosterQuery(**{name: True}))
        no = _count(db, admin, RosterQuery(**{name: False}))
        assert yes and no and yes + no == everyone
    states = [_count(db, admin, RosterQuery(approval=a)) for a in ApprovalFilter]
    assert all(states) and sum(states) == everyone


def test_filtered_rows_agree_with_the_filter(db: Database) -> None:
    admin = _actor(db, "admin")

    unregistered = _all(db, admin, RosterQuery(registered=False))
    checked_in = _all(db, admin, RosterQuery(checked_in=True))
    beijing = _all(db, admin, RosterQuery(approval=ApprovalFilter.BEIJING_ONLY))

    assert unregistered and not any(row.registered for row in unregistered)
    assert checked_in and all(row.checked_in_at and row.gate for row in checked_in)
    assert beijing and {row.approval for row in beijing} == {"beijing_only"}


def test_filter_options_follow_the_scope(db: Database) -> None:
    admin, head = _actor(db, "admin"), _actor(db, "head")

    with db.sessions() as session:
        all_options = roster.filter_options(session, admin)
        head_options = roster.filter_options(session, head)

    assert len(all_options) == 4
    assert sum(len(c.classes) for c in head_options) == 2


def test_college_and_class_filters(db: Database) -> None:
    admin = _actor(db, "admin")
    with db.sessions() as session:
        options = roster.filter_options(session, admin)
    college = options[1]
    school_class = college.classes[0]

    in_college = _all(db, admin, RosterQuery(college_id=college.id))
    in_class = _all(db, admin, RosterQuery(class_id=school_class.id))

    assert in_college and {r.college_name for r in in_college} == {college.name}
    assert in_class and {r.class_name for r in in_class} == {school_class.name}


# Flags (逾期登记, 未经批准抵京), read in bulk with the page.


def _flags_one_by_one(db: Database, clock: FixedClock) -> dict[str, set[Flag]]:
    with db.sessions() as session:
        settings = load_settings(session)
        return {
            student.student_no: approvals.flags(
                approvals.flag_facts(session, student), settings, today(clock)
            )
            for student in session.scalars(select(Student))
        }


def test_page_flags_match_the_flags_of_each_student(db: Database) -> None:
    admin = _actor(db, "admin")
    clock = FixedClock(datetime(2020, 3, 20, 9, 0))
    expected = _flags_one_by_one(db, clock)

    with db.sessions() as session:
        rows = roster.fetch_page(
            session, admin, RosterQuery(), 0, roster.MAX_PAGE, clock=clock
        )

    assert {row.student_no: set(row.flags) for row in rows} == expected


@pytest.mark.parametrize("flag", list(Flag))
def test_flag_filter_agrees_with_the_row_flags(db: Database, flag: Flag) -> None:
    admin = _actor(db, "admin")
    clock = FixedClock(datetime(2020, 3, 20, 9, 0))
    with db.sessions() as session:
        everyone = roster.fetch_page(
            session, admin, RosterQuery(), 0, roster.MAX_PAGE, clock=clock
        )
        flagged = roster.fetch_page(
            session, admin, RosterQuery(flag=flag), 0, roster.MAX_PAGE, clock=clock
        )
        total = roster.count(session, admin, RosterQuery(flag=flag), clock=clock)

    expected = {row.student_no for row in everyone if flag in row.flags}
    assert {row.student_no for row in flagged} == expected
    assert total == len(expected)


@pytest.fixture
def flag_factory(db_url: str, keyring: Keyring) -> Iterator[Factory]:
    """A factory on each engine under test (the day is computed in SQL)."""
    database = open_database(db_url)
    yield Factory(database, FixedClock(datetime(2020, 3, 20, 10, 0)), keyring)
    database.dispose()


def _flags_by_number(factory: Factory, query: RosterQuery) -> dict[str, set[Flag]]:
    with factory.db.sessions() as session:
        rows = roster.fetch_page(
            session, SYSTEM, query, 0, roster.MAX_PAGE, clock=factory.clock
        )
    return {row.student_no: set(row.flags) for row in rows}


def test_flags_of_each_case(flag_factory: Factory) -> None:
    # Registered on 17 March (three days before the clock) in every case.
    approved_later = flag_factory.student(approved_from=date(2020, 3, 19))
    approved_earlier = flag_factory.student(approved_from=date(2020, 3, 16))
    arrived_unapproved = flag_factory.student(approval=None)
    unregistered = flag_factory.student(registered=False, approval=None)
    flag_factory.clock.set(datetime(2020, 3, 31, 10, 0))
    after_deadline = flag_factory.student(approved_from=date(2020, 4, 2))

    flags_of = _flags_by_number(flag_factory, RosterQuery())
    late = _flags_by_number(flag_factory, RosterQuery(flag=Flag.LATE))
    arrived = _flags_by_number(flag_factory, RosterQuery(flag=Flag.ARRIVED_UNAPPROVED))

    assert flags_of[approved_later.student_no] == set()
    assert flags_of[approved_earlier.student_no] == {Flag.LATE}
    assert flags_of[arrived_unapproved.student_no] == {Flag.ARRIVED_UNAPPROVED}
    assert flags_of[unregistered.student_no] == set()
    assert flags_of[after_deadline.student_no] == {Flag.LATE}
    assert set(late) == {approved_earlier.student_no, after_deadline.student_no}
    assert set(arrived) == {arrived_unapproved.student_no}
