"""The gate use case against a real database (SQLite, and PostgreSQL if set)."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from desktop.clock import BEIJING, FixedClock
from desktop.models import AuditEvent, CheckIn, GateScan, Observation
from desktop.services.auth import (
    Actor,
    PermissionDenied,
    Role,
    actor_for,
    create_operator,
)
from desktop.services.gate import GateService, code_digest
from desktop.services.verdict import Verdict


@pytest.fixture
def gate_actor(db) -> Actor:
    """A real gate operator (audit rows and check-ins point at it)."""
    with db.sessions() as session, session.begin():
        operator = create_operator(
            session,
            FixedClock(datetime(2020, 3, 1, tzinfo=BEIJING)),
            login="gate",
            display_name="东门门岗",
            password="not-used-here",
            role=Role.GATE_STAFF,
        )
        return actor_for(operator, "gate-pc-1")


def count(db, model) -> int:
    with db.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def gate(db, keyring, clock, gate_actor) -> GateService:
    return GateService(db, keyring, clock, gate_actor, "东门")


def test_admit_records_one_check_in_with_audit(gate, factory, db) -> None:
    student = factory.student()

    result = gate.handle(student.pass_text)

    assert result.verdict is Verdict.ADMIT
    assert result.check_in_recorded
    assert result.student_no == student.student_no
    assert result.masked_document == "110***********1239"
    with db.sessions() as session:
        check_in = session.scalars(select(CheckIn)).one()
        assert (check_in.gate, check_in.workstation) == ("东门", "gate-pc-1")
        assert session.scalars(select(Observation)).one().student_id == student.id
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "check_in")
        ).one()
        assert (event.operator_login, event.workstation) == ("gate", "gate-pc-1")


def test_second_scan_says_already_with_time_and_gate(gate, factory, db, clock) -> None:
    student = factory.student()
    gate.handle(student.pass_text)
    clock.advance(minutes=30)

    result = gate.handle(student.pass_text)

    assert result.verdict is Verdict.ALREADY
    assert "10:00在东门报到" in result.reasons[0]
    assert not result.check_in_recorded
    assert count(db, CheckIn) == 1
    assert count(db, GateScan) == 2


def test_every_scan_is_kept_with_reasons_but_not_the_code(gate, factory, db) -> None:
    refused = factory.student(registered=False)

    gate.handle(refused.pass_text)
    gate.handle("https://example.com/")

    with db.sessions() as session:
        scans = session.scalars(select(GateScan).order_by(GateScan.id)).all()
    assert [s.verdict for s in scans] == ["refuse", "refuse"]
    assert "未完成信息登记" in json.loads(scans[0].reasons)
    assert scans[0].pass_serial is not None and scans[0].student_id == refused.id
    assert scans[1].kind == "unknown" and scans[1].student_id is None
    assert scans[0].code_digest == code_digest(refused.pass_text)
    assert count(db, CheckIn) == 0


@pytest.mark.parametrize(
    ("state", "verdict"),
    [
        ({"registered": False}, Verdict.REFUSE),
        ({"approval": None}, Verdict.REFUSE),
        ({"approval": "beijing_only"}, Verdict.REFUSE),
        ({"province": "湖北省"}, Verdict.REFUSE),
        ({"fever": True}, Verdict.REFUSE),
        ({"abroad": True}, Verdict.ADMIT),
    ],
)
def test_student_state_reaches_the_verdict(gate, factory, db, state, verdict) -> None:
    student = factory.student(**state)

    assert gate.handle(student.pass_text).verdict is verdict
    assert count(db, CheckIn) == (1 if verdict is Verdict.ADMIT else 0)


def test_not_yet_then_admitted_when_the_day_comes(gate, factory, clock) -> None:
    student = factory.student(approved_from=clock.now().date() + timedelta(days=2))

    assert gate.handle(student.pass_text).verdict is Verdict.NOT_YET
    clock.advance(days=2)
    assert gate.handle(student.pass_text).verdict is Verdict.ADMIT


def test_reissued_pass_revokes_the_old_one(gate, factory, db, keyring, clock) -> None:
    from desktop.models import Student
    from desktop.services.auth import SYSTEM
    from desktop.services.issuing import issue_pass

    student = factory.student()
    with db.sessions() as session, session.begin():
        _pass, new_text = issue_pass(
            session, clock, keyring, SYSTEM, session.get(Student, student.id)
        )

    old = gate.handle(student.pass_text)
    new = gate.handle(new_text)

    assert old.verdict is Verdict.REFUSE and "已作废" in old.reasons[0]
    assert new.verdict is Verdict.ADMIT


def test_expired_pass_is_refused(gate, factory, clock) -> None:
    student = factory.student()
    clock.advance(days=181)

    result = gate.handle(student.pass_text)

    assert result.verdict is Verdict.REFUSE
    assert "已过期" in result.reasons[0]


def test_counters(gate, factory, clock) -> None:
    earlier = factory.student(
        checked_in_at=clock.now() - timedelta(days=1), gate="西门"
    )
    gate.handle(factory.student().pass_text)
    gate.handle(factory.student(approval=None).pass_text)
    gate.handle(earlier.pass_text)

    counters = gate.counters()

    assert counters.admitted_here_today == 1
    assert counters.checked_in_total == 2
    assert counters.refused_here_today == 1


def test_gate_needs_the_scan_permission(db, keyring, clock) -> None:
    head = Actor(3, "head", "王老师", Role.CLASS_HEAD)

    with pytest.raises(PermissionDenied):
        GateService(db, keyring, clock, head, "东门")


def test_json_line_has_the_documented_fields(gate, factory) -> None:
    line = gate.handle(factory.student().pass_text).to_json()

    assert set(line) == {
        "time",
        "gate",
        "kind",
        "verdict",
        "reasons",
        "student_no",
        "ms",
    }
    assert datetime.fromisoformat(str(line["time"])).utcoffset() == timedelta(hours=8)
    assert line["kind"] == "pass" and line["verdict"] == "admit"


FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def lone_student(sqlite_db, keyring, clock):
    """A gate and one admissible student on SQLite, shared by fuzz examples."""
    from tests.helpers import Factory

    actor = Actor(None, "gate", "东门门岗", Role.GATE_STAFF)
    gate = GateService(sqlite_db, keyring, clock, actor, "东门")
    return gate, Factory(sqlite_db, clock, keyring).student().pass_text


@FUZZ
@given(
    position=st.integers(0, 217),
    delta=st.integers(1, 9),
    kind=st.sampled_from(["replace", "delete", "insert", "swap"]),
)
def test_altered_passes_never_check_in(
    lone_student, sqlite_db, position: int, delta: int, kind: str
) -> None:
    gate, genuine = lone_student
    digit = str((int(genuine[position]) + delta) % 10)
    following = min(position + 1, len(genuine) - 1)
    altered = {
        "replace": genuine[:position] + digit + genuine[position + 1 :],
        "delete": genuine[:position] + genuine[position + 1 :],
        "insert": genuine[:position] + digit + genuine[position:],
        "swap": genuine[:position]
        + genuine[following]
        + genuine[position + 1 : following]
        + genuine[position]
        + genuine[following + 1 :],
    }[kind]
    if altered == genuine:
        return  # swapping two equal digits changes nothing

    result = gate.handle(altered)

    assert result.verdict is Verdict.REFUSE
    assert count(sqlite_db, CheckIn) == 0


def test_parallel_gates_record_exactly_one_check_in(
    db, keyring, clock, factory, gate_actor
) -> None:
    """Four gates on four connections scan one student at the same instant."""
    student = factory.student()
    gates = [
        GateService(db, keyring, clock, gate_actor, name)
        for name in ("东门", "西门", "南门", "北门")
    ]
    barrier = threading.Barrier(len(gates))
    results = []

    def scan(gate: GateService) -> None:
        barrier.wait()
        results.append(gate.handle(student.pass_text))

    threads = [threading.Thread(target=scan, args=(g,)) for g in gates]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    verdicts = sorted(r.verdict.value for r in results)
    assert verdicts == ["admit", "already", "already", "already"]
    assert count(db, CheckIn) == 1
    assert count(db, GateScan) == 4


def test_checked_in_time_is_kept_in_beijing_terms(gate, factory, db) -> None:
    gate.handle(factory.student().pass_text)

    with db.sessions() as session:
        stored = session.scalars(select(CheckIn.checked_in_at)).one()
    assert stored.astimezone(BEIJING).hour == 10


def test_manual_lookup_finds_by_number_name_and_document_tail(
    gate, factory, db
) -> None:
    student = factory.student()

    by_number = gate.find_students(student.student_no[:6])
    by_name = gate.find_students("小明")
    by_tail = gate.find_students("1239")

    for matches in (by_number, by_name, by_tail):
        assert [m.student_no for m in matches] == [student.student_no]
    assert by_tail[0].masked_document == "110***********1239"
    with db.sessions() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("gate.lookup") == 3


def test_manual_check_in_applies_the_student_rules(gate, factory, db) -> None:
    ready = factory.student()
    unapproved = factory.student(approval=None)

    admitted = gate.handle_student(ready.id)
    refused = gate.handle_student(unapproved.id)

    assert admitted.verdict is Verdict.ADMIT and admitted.kind == "manual"
    assert refused.verdict is Verdict.REFUSE
    assert count(db, CheckIn) == 1
    with db.sessions() as session:
        actions = session.scalars(select(AuditEvent.action)).all()
    assert "gate.manual" in actions and "check_in" in actions


def test_lookup_is_limited_by_role(db, keyring, clock, monkeypatch) -> None:
    from desktop.services import auth

    scan_only = frozenset({auth.Permission.GATE_SCAN})
    monkeypatch.setitem(auth._GRANTS, Role.GATE_STAFF, scan_only)
    gate = GateService(
        db, keyring, clock, Actor(None, "g", "门岗", Role.GATE_STAFF), "东门"
    )

    with pytest.raises(PermissionDenied):
        gate.find_students("张")
    with pytest.raises(PermissionDenied):
        gate.handle_student(1)


def test_hand_scanner_in_full_width_mode_is_understood(gate, factory, db) -> None:
    student = factory.student()
    full_width = student.pass_text.translate(
        str.maketrans("0123456789", "０１２３４５６７８９")
    )

    from_camera = gate.handle(full_width, source="camera")
    typed = gate.handle(full_width + "\r\n", source="hand")

    assert from_camera.verdict is Verdict.REFUSE
    assert typed.verdict is Verdict.ADMIT
