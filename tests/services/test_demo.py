"""The demo school: consistent rows, every gate case present."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from desktop.models import CheckIn, GateScan
from desktop.services.demo import DemoCase, build_demo


def test_demo_is_consistent_and_covers_every_case(db, clock, keyring) -> None:
    with db.sessions() as session, session.begin():
        school = build_demo(session, clock, keyring, students=120)

    cases = Counter(student.case for student in school.students)
    assert set(cases) == set(DemoCase)
    with db.sessions() as session:
        rows = session.execute(
            select(CheckIn, GateScan).outerjoin(
                GateScan, CheckIn.scan_id == GateScan.id
            )
        ).all()
    assert rows, "the demo has earlier check-ins"
    for check_in, scan in rows:
        assert scan is not None and scan.verdict == "admit"
        assert scan.student_id == check_in.student_id
        assert scan.gate == check_in.gate
