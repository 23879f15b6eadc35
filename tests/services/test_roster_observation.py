"""The roster's observation column and filter."""

from __future__ import annotations

from datetime import timedelta

from desktop.models import Observation
from desktop.services import roster
from desktop.services.auth import SYSTEM


def test_observation_state_and_filter(db, factory, clock) -> None:
    observed = factory.student(checked_in_at=clock.now() - timedelta(days=2))
    factory.student()  # not checked in: no observation
    with db.sessions() as session, session.begin():
        session.add(
            Observation(
                student_id=observed.id, started_at=clock.now() - timedelta(days=2)
            )
        )

    with db.sessions() as session:
        everyone = roster.fetch_page(
            session, SYSTEM, roster.RosterQuery(), 0, 50, clock=clock
        )
        observing = roster.fetch_page(
            session, SYSTEM, roster.RosterQuery(observing=True), 0, 50, clock=clock
        )
        released = roster.count(session, SYSTEM, roster.RosterQuery(observing=False))

    states = {row.student_no: row.observation for row in everyone}
    assert "/14" in states[observed.student_no]
    assert [row.student_no for row in observing] == [observed.student_no]
    assert released == 0
