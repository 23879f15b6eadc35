"""Issuing and re-issuing registration passes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.models import GatePass, Student
from desktop.services import audit
from desktop.services.auth import Actor, Permission
from desktop.services.keys import Keyring
from desktop.services.passes import encode_pass
from desktop.services.settings import load_settings

MAX_REF = 2**63 - 1


def new_pass_ref() -> int:
    """A random opaque reference for a student (never derived from data)."""
    return secrets.randbelow(MAX_REF - 1) + 1


def pass_text(keyring: Keyring, student: Student, gate_pass: GatePass) -> str:
    """The QR text of ``gate_pass`` (Ed25519 signatures are deterministic).

    Raises ValueError when the pass was signed by a key this workstation
    does not hold; re-issue the pass then.
    """
    if gate_pass.key_id != keyring.signing_id:
        raise ValueError(
            f"pass {gate_pass.id} was signed by key {gate_pass.key_id}; "
            "this workstation signs with another key: re-issue the pass"
        )
    return encode_pass(
        keyring,
        ref=student.pass_ref,
        serial=gate_pass.id,
        issued=gate_pass.issued_at,
        expires=gate_pass.expires_at,
    )


def current_pass(session: Session, student: Student) -> GatePass | None:
    """The student's newest pass that is not revoked."""
    return session.scalars(
        select(GatePass)
        .where(GatePass.student_id == student.id, GatePass.revoked_at.is_(None))
        .order_by(GatePass.id.desc())
        .limit(1)
    ).first()


def issue_pass(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    actor: Actor,
    student: Student,
    *,
    reason: str = "",
) -> tuple[GatePass, str]:
    """Issue a new pass for ``student``; any earlier one is revoked."""
    actor.require(Permission.PASS_ISSUE)
    now = clock.now().replace(microsecond=0)
    settings = load_settings(session)

    revoked = session.execute(
        update(GatePass)
        .where(GatePass.student_id == student.id, GatePass.revoked_at.is_(None))
        .values(revoked_at=now, revoke_reason=reason or "re-issued")
    ).rowcount
    if keyring.signing_id is None:
        raise ValueError("this workstation holds no signing key")
    gate_pass = GatePass(
        student_id=student.id,
        key_id=keyring.signing_id,
        issued_at=now,
        expires_at=now + timedelta(days=settings.pass_valid_days),
    )
    session.add(gate_pass)
    session.flush()

    audit.record(
        session,
        clock,
        actor,
        "pass.reissue" if revoked else "pass.issue",
        f"student:{student.student_no}",
        serial=gate_pass.id,
        revoked=revoked,
    )
    return gate_pass, pass_text(keyring, student, gate_pass)
