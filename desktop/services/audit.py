"""The audit log: every write and every export leaves an event."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.models import AuditEvent
from desktop.services.auth import Actor


def record(
    session: Session,
    clock: Clock,
    actor: Actor,
    action: str,
    target: str,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to the caller's transaction.

    ``details`` must hold no unmasked personal data: the log is browsed by
    every school admin and exported.
    """
    event = AuditEvent(
        at=clock.now(),
        operator_id=actor.operator_id,
        operator_login=actor.login,
        workstation=actor.workstation,
        action=action,
        target=target,
        details=json.dumps(details, ensure_ascii=False, default=str),
    )
    session.add(event)
    return event
