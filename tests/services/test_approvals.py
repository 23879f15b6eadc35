"""Return approvals and the late / unapproved-arrival flags."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from desktop.clock import BEIJING
from desktop.models import AuditEvent, ReturnApproval, Student
from desktop.services.approvals import (
    Flag,
    FlagFacts,
    current_approval,
    flag_facts,
    flags,
    grant,
    revoke,
)
from desktop.services.auth import Actor, PermissionDenied, Role
from desktop.services.settings import CampaignSettings
from desktop.services.verdict import ApprovalKind

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)
SETTINGS = CampaignSettings()


def test_grant_change_and_revoke_keep_every_row(db, factory, clock) -> None:
    made = factory.student(approval=None)
    with db.sessions() as session, session.begin():
        student = session.get(Student, made.id)
        _first, changed = grant(
            session, clock, ADMIN, student, ApprovalKind.CAMPUS, date(2020, 3, 25)
        )
        assert changed
        _same, changed = grant(
            session, clock, ADMIN, student, ApprovalKind.CAMPUS, date(2020, 3, 25)
        )
        assert not changed
        grant(
            session, clock, ADMIN, student, ApprovalKind.BEIJING_ONLY, date(2020, 3, 22)
        )
        assert revoke(session, clock, ADMIN, student, "瞒报信息")
        assert current_approval(session, student.id) is None

    with db.sessions() as session:
        rows = session.scalars(select(ReturnApproval).order_by(ReturnApproval.id)).all()
        actions = session.scalars(select(AuditEvent.action)).all()
    assert [(r.kind, r.revoke_reason) for r in rows] == [
        ("campus", "审批变更"),
        ("beijing_only", "瞒报信息"),
    ]
    assert actions.count("approval.grant") == 2 and "approval.revoke" in actions


@pytest.mark.parametrize("role", [Role.CLASS_HEAD, Role.COLLEGE_ADMIN, Role.GATE_STAFF])
def test_only_school_admins_approve(db, factory, clock, role) -> None:
    made = factory.student(approval=None)
    actor = Actor(None, "x", "x", role)

    with db.sessions() as session, pytest.raises(PermissionDenied):
        grant(
            session,
            clock,
            actor,
            session.get(Student, made.id),
            ApprovalKind.CAMPUS,
            date(2020, 3, 25),
        )


def test_revoke_needs_a_reason(db, factory, clock) -> None:
    made = factory.student()

    with db.sessions() as session, pytest.raises(ValueError, match="原因"):
        revoke(session, clock, ADMIN, session.get(Student, made.id), "  ")


def facts(**changes: object) -> FlagFacts:
    base = {
        "first_registered_at": datetime(2020, 3, 20, 9, tzinfo=BEIJING),
        "approval_kind": "campus",
        "approved_from": date(2020, 4, 1),
        "left_beijing": True,
        "arrival_date": date(2020, 4, 1),
    }
    return FlagFacts(**{**base, **changes})


@pytest.mark.parametrize(
    ("gate_facts", "expected"),
    [
        (facts(), set()),
        (
            facts(first_registered_at=datetime(2020, 3, 28, 9, tzinfo=BEIJING)),
            {Flag.LATE},
        ),
        (facts(first_registered_at=datetime(2020, 3, 27, 23, tzinfo=BEIJING)), set()),
        # approved to return on 3-22: must register by 3-21
        (facts(approved_from=date(2020, 3, 22)), set()),
        (facts(approved_from=date(2020, 3, 20)), {Flag.LATE}),
        (
            facts(
                approval_kind=None, approved_from=None, arrival_date=date(2020, 3, 19)
            ),
            {Flag.ARRIVED_UNAPPROVED},
        ),
        (
            facts(
                approval_kind=None, approved_from=None, arrival_date=date(2020, 4, 2)
            ),
            set(),
        ),
        (facts(approval_kind=None, approved_from=None, left_beijing=False), set()),
        (facts(first_registered_at=None), set()),
    ],
)
def test_flags(gate_facts: FlagFacts, expected: set[Flag]) -> None:
    assert flags(gate_facts, SETTINGS, today=date(2020, 3, 30)) == expected


def test_flag_facts_from_the_database(db, factory) -> None:
    made = factory.student(approval=None)

    with db.sessions() as session:
        gathered = flag_facts(session, session.get(Student, made.id))

    assert gathered.approval_kind is None
    assert gathered.left_beijing is True
    assert flags(gathered, SETTINGS, today=date(2020, 3, 30)) == {
        Flag.ARRIVED_UNAPPROVED
    }
