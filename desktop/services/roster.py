"""The roster (应登记名单) as pages of plain rows, limited by role.

A class head sees the classes they head, a college admin their college and
a school admin everything; gate staff have no roster. The scope is applied
here, in the query, so no screen or export can widen it. Rows carry the
document number masked, never in full.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Exists,
    Row,
    Select,
    and_,
    cast,
    exists,
    false,
    func,
    or_,
    select,
    true,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop.clock import Clock, SystemClock, today
from desktop.models import (
    CheckIn,
    College,
    Observation,
    Registration,
    ReturnApproval,
    SchoolClass,
    Student,
)
from desktop.models.base import UtcDateTime
from desktop.services import observation
from desktop.services.approvals import Flag, FlagFacts, flags
from desktop.services.auth import Actor, Permission, Role
from desktop.services.masking import mask_document
from desktop.services.settings import CampaignSettings, load_settings

MAX_PAGE = 1000
_DOC_TAIL = re.compile(r"^\d{3}[\dXx]$")


class ApprovalFilter(enum.StrEnum):
    """The return-approval states one can filter on."""

    CAMPUS = "campus"
    BEIJING_ONLY = "beijing_only"
    NONE = "none"


@dataclass(frozen=True)
class RosterQuery:
    """Filters of the roster; None means "any".

    Attributes:
        college_id: only this college.
        class_id: only this class.
        registered: registered (True) or not (False).
        approval: the current return approval's kind, or none at all.
        checked_in: checked in (True) or not (False).
        search: a student-number prefix, a name fragment, or the last four
            characters of the document number.
        flag: only students with this flag (late, arrived unapproved).
        observing: under observation now (True) or released (False).
    """

    college_id: int | None = None
    class_id: int | None = None
    registered: bool | None = None
    approval: ApprovalFilter | None = None
    checked_in: bool | None = None
    search: str = ""
    flag: Flag | None = None
    observing: bool | None = None


@dataclass(frozen=True)
class RosterRow:
    """One student as the roster shows them.

    Attributes:
        student_no: the student number.
        name: the student's name.
        gender: 男 or 女.
        class_name: the class.
        college_name: the class's college.
        registered: whether a current registration exists.
        approval: "campus", "beijing_only" or None.
        approved_from: the day the approval takes effect.
        checked_in_at: when the student checked in, if they did.
        gate: where they checked in.
        masked_document: the document number, masked.
        flags: what the console flags about the student (see
            :func:`desktop.services.approvals.flags`).
        observation: the observation state with its dates, for a student
            who has checked in (see :mod:`desktop.services.observation`).
    """

    student_no: str
    name: str
    gender: str
    class_name: str
    college_name: str
    registered: bool
    approval: str | None
    approved_from: date | None
    checked_in_at: datetime | None
    gate: str | None
    masked_document: str
    flags: frozenset[Flag] = frozenset()
    observation: str = ""


@dataclass(frozen=True)
class ClassOption:
    """A class the actor may filter on."""

    id: int
    name: str
    college_id: int


@dataclass(frozen=True)
class CollegeOption:
    """A college the actor may filter on, with its visible classes."""

    id: int
    name: str
    classes: tuple[ClassOption, ...]


@dataclass(frozen=True)
class _Context:
    """What one roster statement needs besides the query itself."""

    settings: CampaignSettings
    clock: Clock
    today: date
    dialect: str


def _context(session: Session, clock: Clock | None) -> _Context:
    clock = clock or SystemClock()
    return _Context(
        settings=load_settings(session),
        clock=clock,
        today=today(clock),
        dialect=session.get_bind().dialect.name,
    )


# Per-student facts as correlated subqueries: each is one indexed look-up
# for the row at hand, so a filter costs nothing when it is not used and
# the page query never aggregates the whole table.


def _approval_column(column: Any) -> Any:
    """The student's current (newest live) approval's ``column``."""
    return (
        select(column)
        .where(
            ReturnApproval.student_id == Student.id,
            ReturnApproval.revoked_at.is_(None),
        )
        .order_by(ReturnApproval.approved_at.desc(), ReturnApproval.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def _current_registration_column(column: Any) -> Any:
    return (
        select(column)
        .where(Registration.student_id == Student.id, Registration.is_current)
        .scalar_subquery()
    )


def _first_registered_at() -> Any:
    return (
        select(func.min(Registration.submitted_at))
        .where(Registration.student_id == Student.id)
        .scalar_subquery()
    )


def _registered_clause() -> Exists:
    return exists().where(
        Registration.student_id == Student.id, Registration.is_current
    )


def _checked_in_clause() -> Exists:
    return exists().where(CheckIn.student_id == Student.id)


def _scope(statement: Select, actor: Actor) -> Select:
    """Limit ``statement`` (joined to SchoolClass) to what ``actor`` sees."""
    actor.require(Permission.ROSTER_VIEW)
    if actor.role is Role.SCHOOL_ADMIN:
        return statement
    if actor.role is Role.COLLEGE_ADMIN:
        if actor.college_id is None:
            return statement.where(false())
        return statement.where(SchoolClass.college_id == actor.college_id)
    if actor.role is Role.CLASS_HEAD and actor.operator_id is not None:
        return statement.where(SchoolClass.head_operator_id == actor.operator_id)
    return statement.where(false())


def _number_prefix(text: str, dialect: str) -> ColumnElement[bool]:
    if dialect == "sqlite":
        # SQLite's LIKE ignores case and so cannot use the index; a range
        # over the binary collation can. U+10FFFF sorts after any text.
        return and_(
            Student.student_no >= text, Student.student_no < text + "\U0010ffff"
        )
    return Student.student_no.startswith(text, autoescape=True)


def _search_clause(text: str, dialect: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() or _DOC_TAIL.match(text):
        clauses = [_number_prefix(text, dialect)]
        if _DOC_TAIL.match(text):
            clauses.append(Student.doc_tail == text.upper())
        return or_(*clauses)
    return Student.name.contains(text, autoescape=True)


def _beijing_day(moment: Any, dialect: str) -> ColumnElement[Any]:
    """The Beijing calendar day of a stored UTC timestamp, in SQL."""
    if dialect == "sqlite":
        return func.date(moment, "+8 hours")
    return cast(func.timezone("Asia/Shanghai", moment), Date)


def _flag_clause(flag: Flag, context: _Context) -> ColumnElement[bool]:
    """SQL twin of :func:`desktop.services.approvals.flags` for one flag."""
    kind = _approval_column(ReturnApproval.kind)
    approved_from = _approval_column(ReturnApproval.approved_from)
    if flag is Flag.ARRIVED_UNAPPROVED:
        return and_(
            _current_registration_column(Registration.left_beijing) == true(),
            _current_registration_column(Registration.arrival_date) <= context.today,
            kind.is_(None),
        )
    deadline = context.settings.registration_deadline
    first_at = _first_registered_at()
    registered_on = _beijing_day(first_at, context.dialect)
    early_approval = and_(approved_from.is_not(None), approved_from < deadline)
    return and_(
        first_at.is_not(None),
        or_(
            and_(early_approval, registered_on >= approved_from),
            and_(~early_approval, registered_on > deadline),
        ),
    )


def _filtered(statement: Select, query: RosterQuery, context: _Context) -> Select:
    conditions = []
    if query.college_id is not None:
        conditions.append(SchoolClass.college_id == query.college_id)
    if query.class_id is not None:
        conditions.append(Student.class_id == query.class_id)
    if query.registered is not None:
        registered = _registered_clause()
        conditions.append(registered if query.registered else ~registered)
    wanted = None if query.approval is None else ApprovalFilter(query.approval)
    if wanted is ApprovalFilter.NONE:
        conditions.append(_approval_column(ReturnApproval.kind).is_(None))
    elif wanted is not None:
        conditions.append(_approval_column(ReturnApproval.kind) == wanted.value)
    if query.checked_in is not None:
        checked_in = _checked_in_clause()
        conditions.append(checked_in if query.checked_in else ~checked_in)
    if query.flag is not None:
        conditions.append(_flag_clause(Flag(query.flag), context))
    if query.observing is not None:
        released = Observation.released_at.is_not(None)
        conditions.append(
            exists().where(
                Observation.student_id == Student.id,
                ~released if query.observing else released,
            )
        )
    search = _search_clause(query.search, context.dialect)
    if search is not None:
        conditions.append(search)
    return statement.where(and_(*conditions)) if conditions else statement


def _matching(
    statement: Select, actor: Actor, query: RosterQuery, context: _Context
) -> Select:
    statement = statement.select_from(Student).join(
        SchoolClass, Student.class_id == SchoolClass.id
    )
    return _filtered(_scope(statement, actor), query, context)


def count(
    session: Session, actor: Actor, query: RosterQuery, *, clock: Clock | None = None
) -> int:
    """How many students match ``query`` within the actor's scope.

    ``clock`` gives today's date for the arrival flag (default: wall clock).
    """
    context = _context(session, clock)
    statement = _matching(select(func.count(Student.id)), actor, query, context)
    return session.scalar(statement) or 0


def fetch_page(
    session: Session,
    actor: Actor,
    query: RosterQuery,
    offset: int,
    limit: int,
    *,
    clock: Clock | None = None,
) -> list[RosterRow]:
    """One page of matching students, ordered by student number.

    Two steps: the page's students are found on the student table alone
    (scope and filters, in student-number order), then their details are
    read for those students only, a handful of indexed queries per page
    whatever the size of the school.

    Raises:
        PermissionDenied: when the actor's role has no roster.
    """
    context = _context(session, clock)
    page = _matching(select(Student.id), actor, query, context)
    page = (
        page.order_by(Student.student_no)
        .offset(max(0, offset))
        .limit(max(0, min(limit, MAX_PAGE)))
    )
    ids = list(session.scalars(page))
    if not ids:
        return []
    return _details(session, ids, context)


def _by_student(session: Session, statement: Select) -> dict[int, Row[Any]]:
    return {row.student_id: row for row in session.execute(statement)}


def _details(session: Session, ids: list[int], context: _Context) -> list[RosterRow]:
    students = session.execute(
        select(
            Student.id,
            Student.student_no,
            Student.name,
            Student.gender,
            Student.doc_number,
            SchoolClass.name.label("class_name"),
            College.name.label("college_name"),
        )
        .join(SchoolClass, Student.class_id == SchoolClass.id)
        .join(College, SchoolClass.college_id == College.id)
        .where(Student.id.in_(ids))
        .order_by(Student.student_no)
    ).all()
    registrations = _by_student(
        session,
        select(
            Registration.student_id,
            Registration.left_beijing,
            Registration.arrival_date,
        ).where(Registration.student_id.in_(ids), Registration.is_current),
    )
    first_at = {
        row.student_id: row.first_at
        for row in session.execute(
            select(
                Registration.student_id,
                type_coerce(func.min(Registration.submitted_at), UtcDateTime).label(
                    "first_at"
                ),
            )
            .where(Registration.student_id.in_(ids))
            .group_by(Registration.student_id)
        )
    }
    approvals: dict[int, Row[Any]] = {}
    for row in session.execute(
        select(
            ReturnApproval.student_id,
            ReturnApproval.kind,
            ReturnApproval.approved_from,
        )
        .where(ReturnApproval.student_id.in_(ids), ReturnApproval.revoked_at.is_(None))
        .order_by(ReturnApproval.approved_at, ReturnApproval.id)
    ):
        approvals[row.student_id] = row  # the newest one stays
    check_ins = _by_student(
        session,
        select(CheckIn.student_id, CheckIn.checked_in_at, CheckIn.gate).where(
            CheckIn.student_id.in_(ids)
        ),
    )
    observed = observation.statuses(
        session, context.clock, student_ids=list(check_ins), settings=context.settings
    )
    return [
        replace(
            _row(
                student,
                registrations.get(student.id),
                first_at.get(student.id),
                approvals.get(student.id),
                check_ins.get(student.id),
                context,
            ),
            observation=observed[student.id].describe()
            if student.id in observed
            else "",
        )
        for student in students
    ]


def _row(
    student: Row[Any],
    registration: Row[Any] | None,
    first_at: datetime | None,
    approval: Row[Any] | None,
    check_in: Row[Any] | None,
    context: _Context,
) -> RosterRow:
    facts = FlagFacts(
        first_registered_at=first_at,
        approval_kind=approval.kind if approval else None,
        approved_from=approval.approved_from if approval else None,
        left_beijing=registration.left_beijing if registration else None,
        arrival_date=registration.arrival_date if registration else None,
    )
    return RosterRow(
        student_no=student.student_no,
        name=student.name,
        gender=student.gender,
        class_name=student.class_name,
        college_name=student.college_name,
        registered=registration is not None,
        approval=approval.kind if approval else None,
        approved_from=approval.approved_from if approval else None,
        checked_in_at=check_in.checked_in_at if check_in else None,
        gate=check_in.gate if check_in else None,
        masked_document=mask_document(student.doc_number),
        flags=frozenset(flags(facts, context.settings, context.today)),
    )


def filter_options(session: Session, actor: Actor) -> list[CollegeOption]:
    """The colleges and classes the actor may filter on."""
    statement = select(College.id, College.name, SchoolClass.id, SchoolClass.name).join(
        SchoolClass, SchoolClass.college_id == College.id
    )
    statement = _scope(statement, actor).order_by(College.id, SchoolClass.name)
    colleges: dict[int, tuple[str, list[ClassOption]]] = {}
    for college_id, college_name, class_id, class_name in session.execute(statement):
        entry = colleges.setdefault(college_id, (college_name, []))
        entry[1].append(ClassOption(class_id, class_name, college_id))
    return [
        CollegeOption(college_id, name, tuple(classes))
        for college_id, (name, classes) in colleges.items()
    ]
