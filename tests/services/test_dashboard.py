"""The dashboard's counts on a small school built for the purpose."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.clock import BEIJING
from desktop.models import GateScan, HealthReport, Observation
from desktop.services.auth import Actor, PermissionDenied, Role
from desktop.services.dashboard import dashboard

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2020, 3, day, hour, minute, tzinfo=BEIJING)


def scan(student_id: int | None, gate: str, verdict: str, when: datetime) -> GateScan:
    return GateScan(
        scanned_at=when,
        gate=gate,
        workstation="test",
        source="camera",
        kind="pass",
        verdict=verdict,
        reasons="[]",
        student_id=student_id,
        code_digest="0" * 16,
    )


def report(student_id: int, day: date, temperature: float) -> HealthReport:
    return HealthReport(
        student_id=student_id,
        day=day,
        temperature=temperature,
        symptoms="",
        reported_at=datetime.combine(day, datetime.min.time(), BEIJING),
    )


@pytest.fixture
def school(db, factory):
    """Six students; today is 20 March 2020, 10:00 in Beijing."""
    made = {
        "a": factory.student(checked_in_at=at(20, 8, 30), gate="东门"),
        "b": factory.student(checked_in_at=at(20, 9, 15), gate="西门"),
        "c": factory.student(checked_in_at=at(17, 9), gate="东门"),
        "d": factory.student(registered=False, approval=None),
        "e": factory.student(approved_from=date(2020, 3, 16)),  # registered 3-17
        "f": factory.student(checked_in_at=at(5, 10), gate="西门"),
    }
    a, b, c, d, f = (made[k].id for k in "abcdf")
    with db.sessions() as session, session.begin():
        session.add_all(
            [
                # a: admitted at 东门, the same code read again, then at 西门.
                scan(a, "东门", "admit", at(20, 8, 30)),
                scan(a, "东门", "admit", at(20, 8, 31)),
                scan(a, "西门", "already", at(20, 9)),
                scan(b, "西门", "admit", at(20, 9, 15)),
                scan(d, "东门", "refuse", at(20, 9, 20)),
                scan(d, "东门", "refuse", at(20, 9, 21)),
                scan(None, "东门", "refuse", at(20, 9, 30)),
                scan(b, "西门", "refuse", at(19, 9)),  # yesterday
                Observation(student_id=c, started_at=at(17, 9), released_at=at(20, 9)),
                report(a, date(2020, 3, 20), 37.8),
                report(b, date(2020, 3, 20), 36.5),
            ]
        )
        session.add_all(report(f, date(2020, 3, d), 36.5) for d in range(5, 20))
    return made


def test_counts_at_a_glance(db, clock, school) -> None:
    with db.sessions() as session:
        found = dashboard(session, clock, ADMIN)

    assert (found.expected, found.registered, found.missing) == (6, 5, 1)
    assert found.late == 1  # e: approved from 3-16, registered 3-17
    assert found.approved == 5
    assert (found.checked_in_today, found.checked_in_total) == (2, 4)
    # 观察中 counts those not yet eligible, as the release page does.
    assert (found.under_observation, found.eligible, found.released) == (2, 1, 1)
    assert found.abnormal_today == 1
    assert found.per_hour[8] == 1 and found.per_hour[9] == 1
    assert sum(found.per_hour) == 2 and len(found.per_hour) == 24


def test_gates_count_each_student_once(db, clock, school) -> None:
    with db.sessions() as session:
        gates = {g.gate: g for g in dashboard(session, clock, ADMIN).gates}

    east, west = gates["东门"], gates["西门"]
    assert (east.checked_in_today, east.checked_in_total) == (1, 2)
    assert (west.checked_in_today, west.checked_in_total) == (1, 2)
    assert east.admitted_today == 1  # two admit scans of one student
    assert west.admitted_today == 1  # a's second gate said "already"
    assert east.refused_today == 1  # d refused twice
    assert west.refused_today == 0  # b's refusal was yesterday
    assert east.unknown_today == 1


def test_scope_limits_every_count(db, clock, school) -> None:
    stranger = Actor(999, "head2", "李老师", Role.CLASS_HEAD)

    with db.sessions() as session:
        found = dashboard(session, clock, stranger)

    assert found.expected == 0 and found.checked_in_total == 0
    assert found.gates == () and sum(found.per_hour) == 0
    assert (found.under_observation, found.released, found.abnormal_today) == (0, 0, 0)


def test_gate_staff_see_no_dashboard(db, clock, school) -> None:
    gate = Actor(None, "gate", "东门门岗", Role.GATE_STAFF)

    with db.sessions() as session, pytest.raises(PermissionDenied):
        dashboard(session, clock, gate)


def test_empty_school(db, clock) -> None:
    with db.sessions() as session:
        found = dashboard(session, clock, ADMIN)

    assert found.expected == 0 and found.missing == 0 and found.gates == ()
    assert found.at == clock.now()
