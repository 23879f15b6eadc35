"""Return approvals (返校 / 返京不返校) and the flags the notice asks for.

Only school admins approve or revoke. A changed approval revokes the old
one and adds a new row, so the record of who approved what stays whole.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.i18n import N_, _
from desktop.models import Registration, ReturnApproval, Student
from desktop.services import audit
from desktop.services.auth import Actor, Permission
from desktop.services.settings import CampaignSettings
from desktop.services.verdict import ApprovalKind

APPROVAL_LABELS = {
    ApprovalKind.CAMPUS: N_("返校"),
    ApprovalKind.BEIJING_ONLY: N_("返京不返校"),
}


class Flag(enum.StrEnum):
    """Problems the console flags instead of hiding (DESIGN section 2)."""

    LATE = "late"
    ARRIVED_UNAPPROVED = "arrived_unapproved"


FLAG_LABELS = {
    Flag.LATE: N_("逾期登记"),
    Flag.ARRIVED_UNAPPROVED: N_("未经批准抵京"),
}


def current_approval(session: Session, student_id: int) -> ReturnApproval | None:
    """The student's newest approval that is not revoked."""
    return session.scalars(
        select(ReturnApproval)
        .where(
            ReturnApproval.student_id == student_id,
            ReturnApproval.revoked_at.is_(None),
        )
        .order_by(ReturnApproval.approved_at.desc(), ReturnApproval.id.desc())
        .limit(1)
    ).first()


def grant(
    session: Session,
    clock: Clock,
    actor: Actor,
    student: Student,
    kind: ApprovalKind,
    approved_from: date,
) -> tuple[ReturnApproval, bool]:
    """Approve ``student``'s return; returns the approval and whether it changed."""
    actor.require(Permission.APPROVE)
    existing = current_approval(session, student.id)
    if (
        existing is not None
        and existing.kind == kind.value
        and existing.approved_from == approved_from
    ):
        return existing, False

    now = clock.now()
    if existing is not None:
        _revoke_row(existing, now, actor, _("审批变更"))
    approval = ReturnApproval(
        student_id=student.id,
        kind=kind.value,
        approved_from=approved_from,
        approved_at=now,
        approved_by=actor.operator_id,
    )
    session.add(approval)
    session.flush()
    audit.record(
        session,
        clock,
        actor,
        "approval.grant",
        f"student:{student.student_no}",
        kind=kind.value,
        approved_from=approved_from.isoformat(),
    )
    return approval, True


def _revoke_row(
    approval: ReturnApproval, now: datetime, actor: Actor, reason: str
) -> None:
    approval.revoked_at = now
    approval.revoked_by = actor.operator_id
    approval.revoke_reason = reason[:200]


def revoke(
    session: Session, clock: Clock, actor: Actor, student: Student, reason: str
) -> bool:
    """Revoke the student's current approval; False if there was none."""
    actor.require(Permission.APPROVE)
    if not reason.strip():
        raise ValueError(_("撤销审批须填写原因"))
    existing = current_approval(session, student.id)
    if existing is None:
        return False
    _revoke_row(existing, clock.now(), actor, reason.strip())
    audit.record(
        session,
        clock,
        actor,
        "approval.revoke",
        f"student:{student.student_no}",
        reason=reason.strip(),
    )
    return True


@dataclass(frozen=True)
class FlagFacts:
    """What the flags are computed from, for one student."""

    first_registered_at: datetime | None
    approval_kind: str | None
    approved_from: date | None
    left_beijing: bool | None
    arrival_date: date | None


def flags(facts: FlagFacts, settings: CampaignSettings, today: date) -> set[Flag]:
    """The flags that apply: late registration, arrival without approval.

    Late: registered after the deadline, or — approved to return before the
    deadline — registered later than the day before the approved date.
    """
    found: set[Flag] = set()
    if facts.first_registered_at is not None:
        registered_on = facts.first_registered_at.astimezone(BEIJING).date()
        deadline = settings.registration_deadline
        if facts.approved_from is not None and facts.approved_from < deadline:
            deadline = facts.approved_from - timedelta(days=1)
        if registered_on > deadline:
            found.add(Flag.LATE)

    arrived = (
        facts.left_beijing
        and facts.arrival_date is not None
        and facts.arrival_date <= today
    )
    if arrived and facts.approval_kind is None:
        found.add(Flag.ARRIVED_UNAPPROVED)
    return found


def flag_facts(session: Session, student: Student) -> FlagFacts:
    """Gather the flag facts of one student (the roster does it in bulk)."""
    first = session.scalars(
        select(Registration.submitted_at)
        .where(Registration.student_id == student.id)
        .order_by(Registration.version)
        .limit(1)
    ).first()
    current = session.scalars(
        select(Registration).where(
            Registration.student_id == student.id, Registration.is_current
        )
    ).first()
    approval = current_approval(session, student.id)
    return FlagFacts(
        first_registered_at=first,
        approval_kind=approval.kind if approval else None,
        approved_from=approval.approved_from if approval else None,
        left_beijing=current.left_beijing if current else None,
        arrival_date=current.arrival_date if current else None,
    )
