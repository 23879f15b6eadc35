"""Observation states and release eligibility as an injected clock moves."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event

from desktop.clock import BEIJING, FixedClock
from desktop.models import Student
from desktop.services import demo, observation
from desktop.services.auth import SYSTEM
from desktop.services.health import record_punch_in
from desktop.services.observation import (
    DayReport,
    ObservationFacts,
    ObservationState,
    evaluate,
)
from desktop.services.settings import CampaignSettings
from desktop.services.verdict import Verdict

CHECK_IN = datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING)
DEFAULTS = CampaignSettings()


def every_day(first: date, last: date, temperature: float = 36.5) -> dict:
    days = (last - first).days + 1
    return {first + timedelta(days=i): DayReport(temperature) for i in range(days)}


def facts(reports: dict, **changes: object) -> ObservationFacts:
    return ObservationFacts(
        student_id=1, started_at=CHECK_IN, reports=reports, **changes
    )


# --- the rule, on plain facts ----------------------------------------------


def test_day_13_is_under_observation_day_14_is_eligible() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 2))

    day_13 = evaluate(facts(reports), DEFAULTS, date(2020, 4, 2))
    day_14 = evaluate(facts(reports), DEFAULTS, date(2020, 4, 3))

    assert day_13.state is ObservationState.UNDER_OBSERVATION
    assert (day_13.day_number, day_13.eligible) == (14, False)
    assert day_14.state is ObservationState.ELIGIBLE and day_14.eligible
    assert day_14.eligible_since == date(2020, 4, 3)
    assert "2020-04-03" in day_14.describe()


def test_a_missing_day_blocks_release_until_it_is_filled() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 2))
    del reports[date(2020, 3, 25)]

    status = evaluate(facts(reports), DEFAULTS, date(2020, 4, 3))

    assert status.state is ObservationState.MISSING_PUNCH_IN
    assert status.missing_days == (date(2020, 3, 25),)
    assert "2020-03-25" in status.describe()
    relaxed = CampaignSettings(daily_punch_in_required=False)
    assert evaluate(facts(reports), relaxed, date(2020, 4, 3)).eligible


def test_an_abnormal_day_restarts_the_period_and_says_why() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 10))
    reports[date(2020, 3, 27)] = DayReport(37.8, ("发烧",))

    on_april_3 = evaluate(facts(reports), DEFAULTS, date(2020, 4, 3))
    on_april_11 = evaluate(facts(reports), DEFAULTS, date(2020, 4, 11))

    assert on_april_3.state is ObservationState.REFERRED_BACK
    assert on_april_3.period_start == date(2020, 3, 28)
    assert on_april_3.restart_day == date(2020, 3, 27)
    assert "37.8℃" in on_april_3.describe() and "2020-03-27" in on_april_3.describe()
    assert on_april_11.eligible and on_april_11.eligible_since == date(2020, 4, 11)
    assert "重新计算" in on_april_11.eligibility_reason(DEFAULTS)


@pytest.mark.parametrize(
    ("report", "abnormal"),
    [
        (DayReport(37.3), True),
        (DayReport(37.2), False),
        (DayReport(36.5, ("咳嗽",)), True),
    ],
)
def test_threshold_and_symptoms(report: DayReport, abnormal: bool) -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 2))
    reports[date(2020, 3, 30)] = report

    status = evaluate(facts(reports), DEFAULTS, date(2020, 4, 3))

    assert status.eligible is not abnormal
    lenient = CampaignSettings(symptoms_abnormal=False, fever_threshold=37.5)
    assert evaluate(facts(reports), lenient, date(2020, 4, 3)).eligible


def test_an_abnormal_report_today_restarts_tomorrow() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 3))
    reports[date(2020, 4, 3)] = DayReport(38.0)

    status = evaluate(facts(reports), DEFAULTS, date(2020, 4, 3))

    assert status.state is ObservationState.REFERRED_BACK
    assert status.period_start == date(2020, 4, 4) and status.day_number == 0


def test_reports_before_check_in_do_not_count() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 2))
    reports[date(2020, 3, 18)] = DayReport(38.5)

    assert evaluate(facts(reports), DEFAULTS, date(2020, 4, 3)).eligible


def test_released_revoked_and_undone() -> None:
    reports = every_day(date(2020, 3, 20), date(2020, 4, 2))
    released_at = datetime(2020, 4, 3, 9, tzinfo=BEIJING)

    released = evaluate(
        facts(reports, released_at=released_at, certificate_number="JC2020-000001"),
        DEFAULTS,
        date(2020, 4, 5),
    )
    revoked = evaluate(
        facts(
            reports,
            released_at=released_at,
            certificate_number="JC2020-000001",
            certificate_revoked_at=released_at + timedelta(days=1),
            certificate_revoke_reason="信息有误",
        ),
        DEFAULTS,
        date(2020, 4, 5),
    )
    undone = evaluate(
        facts(reports, undone_at=released_at, undo_reason="误操作"),
        DEFAULTS,
        date(2020, 4, 3),
    )

    assert released.state is ObservationState.RELEASED and not released.eligible
    assert "JC2020-000001" in released.describe()
    assert revoked.state is ObservationState.CERTIFICATE_REVOKED
    assert "信息有误" in revoked.describe()
    assert undone.state is ObservationState.RELEASE_UNDONE and undone.eligible
    assert "误操作" in undone.describe()


# --- through the database, moving the clock ---------------------------------


def punch_in(db, clock: FixedClock, student_id: int, temperature: float = 36.5) -> None:
    with db.sessions() as session, session.begin():
        student = session.get(Student, student_id)
        record_punch_in(session, clock, SYSTEM, student, temperature=temperature)


def state_of(db, clock: FixedClock, student_id: int) -> observation.ObservationStatus:
    with db.sessions() as session:
        status = observation.status_of(session, clock, student_id)
    assert status is not None
    return status


def test_midnight_moves_the_day(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now())
    clock.set(datetime(2020, 3, 20, 23, 59, 59))

    before = state_of(db, clock, student.id)
    clock.advance(seconds=1)
    after = state_of(db, clock, student.id)

    assert before.state is ObservationState.UNDER_OBSERVATION
    assert before.day_number == 1
    assert after.state is ObservationState.MISSING_PUNCH_IN
    assert after.missing_days == (date(2020, 3, 20),)
    assert after.day_number == 2


def test_daily_punch_ins_lead_to_release_day(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now())
    for _day in range(13):
        punch_in(db, clock, student.id)
        clock.advance(days=1)
    punch_in(db, clock, student.id)
    clock.set(datetime(2020, 4, 2, 23, 59))

    day_14 = state_of(db, clock, student.id)
    clock.advance(minutes=1)
    release_day = state_of(db, clock, student.id)

    assert day_14.state is ObservationState.UNDER_OBSERVATION
    assert day_14.day_number == 14
    assert release_day.state is ObservationState.ELIGIBLE
    assert release_day.eligible_since == date(2020, 4, 3)


def test_fever_in_the_middle_sends_the_student_back(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now())
    for day in range(14):
        punch_in(db, clock, student.id, 37.9 if day == 6 else 36.5)
        clock.advance(days=1)

    referred = state_of(db, clock, student.id)
    for _day in range(7):
        punch_in(db, clock, student.id)
        clock.advance(days=1)
    eligible = state_of(db, clock, student.id)

    assert clock.now().date() == date(2020, 4, 10)
    assert referred.state is ObservationState.REFERRED_BACK
    assert referred.restart_day == date(2020, 3, 26)
    assert referred.period_start == date(2020, 3, 27)
    assert eligible.eligible and eligible.eligible_since == date(2020, 4, 10)


def test_a_correction_of_the_fever_day_clears_the_restart(db, clock, factory) -> None:
    student = factory.student(checked_in_at=clock.now())
    punch_in(db, clock, student.id, 38.2)

    assert state_of(db, clock, student.id).state is ObservationState.REFERRED_BACK
    punch_in(db, clock, student.id, 36.6)
    assert state_of(db, clock, student.id).state is ObservationState.UNDER_OBSERVATION


def test_students_who_have_not_checked_in_have_no_state(db, clock, factory) -> None:
    student = factory.student()

    with db.sessions() as session:
        assert observation.status_of(session, clock, student.id) is None


def test_bulk_states_take_a_fixed_number_of_statements(db, clock, factory) -> None:
    few = [factory.student(checked_in_at=clock.now()).id for _ in range(2)]
    many = few + [factory.student(checked_in_at=clock.now()).id for _ in range(20)]
    clock.advance(days=3)

    def statements(ids: list[int]) -> int:
        seen = []
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            with db.sessions() as session:
                found = observation.statuses(session, clock, student_ids=ids)
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert set(found) == set(ids)
        return len(seen)

    assert statements(few) == statements(many)


def test_demo_school_holds_every_stage(tmp_path, keyring) -> None:
    from desktop.services.auth import Actor, Role
    from desktop.services.db import open_database
    from desktop.services.gate import GateService

    database = open_database(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    clock = FixedClock(datetime(2020, 4, 20, 11, 0))
    with database.sessions() as session, session.begin():
        school = demo.build_demo(session, clock, keyring, students=150)
    with database.sessions() as session:
        states = observation.statuses(session, clock)

    counts = Counter(status.state for status in states.values())
    assert set(counts) == set(ObservationState) - {ObservationState.RELEASE_UNDONE}
    assert any(s.eligible_since == date(2020, 4, 20) for s in states.values())
    gate = GateService(
        database, keyring, clock, Actor(None, "g", "门岗", Role.GATE_STAFF), "东门"
    )
    for student in school.students:
        if student.case is demo.DemoCase.ALREADY:
            assert gate.handle(student.pass_text).verdict is Verdict.ALREADY
    database.dispose()
