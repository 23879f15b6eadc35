"""Releasing students from observation (解除观察), and undoing a release.

Only school admins release, undo and revoke (``Permission.RELEASE``). A
release names its reason and issues the certificate; releasing several
students is all or nothing: if any of them cannot be released, nothing is
written and every problem is reported. A release can be undone within
``undo_window_hours`` (default 24 h) by the clock, with a reason; the undo
revokes the certificate with that reason. Every release, undo, issue and
revocation is an audit event.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock, today
from desktop.i18n import _
from desktop.models import Certificate, CheckIn, Observation, SchoolClass, Student
from desktop.services import audit, certificates
from desktop.services.auth import Actor, Permission
from desktop.services.keys import Keyring
from desktop.services.observation import ObservationStatus, statuses
from desktop.services.settings import load_settings

log = logging.getLogger(__name__)


class ReleaseError(ValueError):
    """A release, undo or revocation cannot be done; the message says why."""


class ReleaseRefused(ReleaseError):
    """Some students cannot be released; ``problems`` maps number to reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("；".join(f"{no}：{why}" for no, why in problems.items()))
        self.problems = problems


@dataclass(frozen=True)
class EligibleStudent:
    """A student the release page offers, with why they are eligible."""

    student_id: int
    student_no: str
    name: str
    class_name: str
    status: ObservationStatus
    reason: str


@dataclass(frozen=True)
class Released:
    """One release done: the student and their new certificate."""

    student_no: str
    certificate_number: str
    certificate_text: str


def _require_reason(reason: str, message: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ReleaseError(message)
    return reason[:200]


def eligible_students(
    session: Session, clock: Clock, actor: Actor
) -> list[EligibleStudent]:
    """Every student who may be released now, by class and number."""
    actor.require(Permission.RELEASE)
    settings = load_settings(session)
    found = {
        student_id: status
        for student_id, status in statuses(session, clock, settings=settings).items()
        if status.eligible
    }
    rows = session.execute(
        select(Student.id, Student.student_no, Student.name, SchoolClass.name)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(Student.id.in_(select(CheckIn.student_id)))
        .order_by(SchoolClass.name, Student.student_no)
    )
    return [
        EligibleStudent(
            student_id=student_id,
            student_no=number,
            name=name,
            class_name=class_name,
            status=found[student_id],
            reason=found[student_id].eligibility_reason(settings),
        )
        for student_id, number, name, class_name in rows
        if student_id in found
    ]


def _students(session: Session, numbers: Sequence[str]) -> dict[str, Student]:
    rows = session.scalars(select(Student).where(Student.student_no.in_(numbers)))
    return {student.student_no: student for student in rows}


def release_students(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    student_nos: Sequence[str],
    reason: str,
) -> list[Released]:
    """Release the students and issue their certificates, all or nothing.

    Raises:
        ReleaseRefused: some student is unknown, not checked in, not
            eligible or released meanwhile; nothing is written (the
            caller's transaction must roll back, as ``session.begin()``
            does when the exception passes through it).
        ReleaseError: no reason was given.
        PermissionDenied: the actor is not a school admin.
    """
    actor.require(Permission.RELEASE)
    reason = _require_reason(reason, _("解除观察须填写原因"))
    numbers = list(dict.fromkeys(no.strip() for no in student_nos if no.strip()))
    if not numbers:
        raise ReleaseError(_("未指定学生"))
    students = _students(session, numbers)
    found = statuses(session, clock, student_ids=[s.id for s in students.values()])

    problems = {}
    for number in numbers:
        student = students.get(number)
        status = found.get(student.id) if student else None
        if student is None:
            problems[number] = _("查无此学号")
        elif status is None:
            problems[number] = _("尚未报到，未开始观察")
        elif not status.eligible:
            problems[number] = status.describe()
    if problems:
        raise ReleaseRefused(problems)

    done = [
        _release_one(session, clock, keyring, actor, students[no], found, reason)
        for no in numbers
    ]
    log.info("released %d students", len(done))
    return done


def _release_one(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    student: Student,
    found: dict[int, ObservationStatus],
    reason: str,
) -> Released:
    status = found[student.id]
    _observation_row(session, student.id)
    # Conditional, so two admins releasing the same student issue one
    # certificate: the slower one finds the row already released.
    claimed = session.execute(
        update(Observation)
        .where(Observation.student_id == student.id, Observation.released_at.is_(None))
        .values(
            released_at=clock.now(),
            released_by=actor.operator_id,
            release_reason=reason,
            undone_at=None,
            undo_reason=None,
        )
    ).rowcount
    if claimed != 1:
        raise ReleaseRefused({student.student_no: _("已被他人解除观察")})

    certificate = certificates.issue(
        session,
        clock,
        keyring,
        actor,
        student,
        period_start=status.period_start,
        released_on=today(clock),
    )
    audit.record(
        session,
        clock,
        actor,
        "release",
        f"student:{student.student_no}",
        reason=reason,
        period_start=status.period_start.isoformat(),
        certificate=certificate.number,
    )
    return Released(student.student_no, certificate.number, certificate.signed_text)


def _observation_row(session: Session, student_id: int) -> Observation:
    """The student's observation row, added from the check-in if missing."""
    row = session.scalars(
        select(Observation).where(Observation.student_id == student_id)
    ).first()
    if row is not None:
        return row
    checked_in_at = session.scalars(
        select(CheckIn.checked_in_at).where(CheckIn.student_id == student_id)
    ).one()
    row = Observation(student_id=student_id, started_at=checked_in_at)
    session.add(row)
    session.flush()
    return row


def _student(session: Session, student_no: str) -> Student:
    student = session.scalars(
        select(Student).where(Student.student_no == student_no)
    ).first()
    if student is None:
        raise ReleaseError(_("查无此学号：{no}").format(no=student_no))
    return student


def undo_release(
    session: Session, clock: Clock, actor: Actor, student_no: str, reason: str
) -> Certificate | None:
    """Undo a release made less than ``undo_window_hours`` ago.

    The certificate is revoked with the same reason; the student's state
    follows the data again. Returns the revoked certificate.

    Raises:
        ReleaseError: no reason, not released, or the window has passed
            (revoke the certificate instead).
        PermissionDenied: the actor is not a school admin.
    """
    actor.require(Permission.RELEASE)
    reason = _require_reason(reason, _("撤回解除须填写原因"))
    student = _student(session, student_no)
    row = session.scalars(
        select(Observation).where(Observation.student_id == student.id)
    ).first()
    if row is None or row.released_at is None:
        raise ReleaseError(_("学号 {no} 未解除观察").format(no=student_no))
    window = timedelta(hours=load_settings(session).undo_window_hours)
    now = clock.now()
    if now - row.released_at >= window:
        raise ReleaseError(
            _("解除已超过{hours:g}小时，不能撤回；如需作废请撤销证明").format(
                hours=window.total_seconds() / 3600
            )
        )

    released_at = row.released_at
    row.released_at, row.released_by, row.release_reason = None, None, None
    row.undone_at, row.undo_reason = now, reason
    certificate = certificates.current_certificate(session, student.id)
    if certificate is not None:
        certificates.revoke(session, clock, actor, certificate, reason)
    audit.record(
        session,
        clock,
        actor,
        "release.undo",
        f"student:{student_no}",
        reason=reason,
        released_at=released_at.isoformat(),
        certificate=certificate.number if certificate else None,
    )
    return certificate


def revoke_certificate(
    session: Session, clock: Clock, actor: Actor, student_no: str, reason: str
) -> Certificate:
    """Revoke the student's newest certificate; the release itself stays.

    Raises:
        ReleaseError: no reason, no certificate, or already revoked.
        PermissionDenied: the actor is not a school admin.
    """
    actor.require(Permission.RELEASE)
    reason = _require_reason(reason, _("撤销证明须填写原因"))
    student = _student(session, student_no)
    certificate = certificates.current_certificate(session, student.id)
    if certificate is None:
        raise ReleaseError(_("学号 {no} 没有电子证明").format(no=student_no))
    if not certificates.revoke(session, clock, actor, certificate, reason):
        raise ReleaseError(_("证明 {number} 已撤销").format(number=certificate.number))
    return certificate
