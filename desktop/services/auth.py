"""Operators, passwords and what each role may do.

Permissions are checked here, in the services, not only by hiding buttons.
Passwords are hashed with argon2id.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import N_, _
from desktop.models import Operator

log = logging.getLogger(__name__)

_hasher = PasswordHasher()  # argon2id with the library's current defaults
# Verified against when the login is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not a password")


class Role(enum.StrEnum):
    """The four kinds of operator."""

    GATE_STAFF = "gate_staff"
    CLASS_HEAD = "class_head"
    COLLEGE_ADMIN = "college_admin"
    SCHOOL_ADMIN = "school_admin"


ROLE_LABELS = {
    Role.GATE_STAFF: N_("门岗人员"),
    Role.CLASS_HEAD: N_("班主任"),
    Role.COLLEGE_ADMIN: N_("学院管理员"),
    Role.SCHOOL_ADMIN: N_("校级管理员"),
}


class Permission(enum.StrEnum):
    """Things an operator may be allowed to do."""

    GATE_SCAN = "gate.scan"
    GATE_LOOKUP = "gate.lookup"
    ROSTER_VIEW = "roster.view"
    PASS_ISSUE = "pass.issue"
    REGISTER = "registration.submit"
    IMPORT = "import"
    APPROVE = "approval.manage"
    RELEASE = "release"
    HEALTH_RECORD = "health.record"
    OPERATORS = "operators.manage"
    AUDIT = "audit.view"  # the audit log: school admins only
    DEMO = "demo"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.GATE_STAFF: frozenset({Permission.GATE_SCAN, Permission.GATE_LOOKUP}),
    Role.CLASS_HEAD: frozenset(
        {
            Permission.ROSTER_VIEW,
            Permission.PASS_ISSUE,
            Permission.REGISTER,
            Permission.IMPORT,
            Permission.HEALTH_RECORD,
        }
    ),
    Role.COLLEGE_ADMIN: frozenset(
        {
            Permission.ROSTER_VIEW,
            Permission.PASS_ISSUE,
            Permission.GATE_LOOKUP,
            Permission.REGISTER,
            Permission.IMPORT,
            Permission.HEALTH_RECORD,
        }
    ),
    Role.SCHOOL_ADMIN: frozenset(Permission),
}


class PermissionDenied(Exception):
    """The acting operator's role does not allow the action."""


@dataclass(frozen=True)
class Actor:
    """Who is acting, as plain data handed between layers.

    Attributes:
        operator_id: the operator's row id, or None for the system itself.
        login: the login name (also kept in audit rows).
        display_name: the name shown in the window.
        role: the operator's role.
        college_id: the college a college admin is limited to.
        workstation: where the action happens (gate name or host).
    """

    operator_id: int | None
    login: str
    display_name: str
    role: Role
    college_id: int | None = None
    workstation: str = "console"

    def may(self, permission: Permission) -> bool:
        """Whether the role grants ``permission``."""
        return permission in _GRANTS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise PermissionDenied unless the role grants ``permission``."""
        if not self.may(permission):
            raise PermissionDenied(
                _("权限不足：{role}不能执行此操作").format(
                    role=_(ROLE_LABELS[self.role])
                )
            )


SYSTEM = Actor(None, "system", "system", Role.SCHOOL_ADMIN, workstation="cli")


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def create_operator(
    session: Session,
    clock: Clock,
    *,
    login: str,
    display_name: str,
    password: str,
    role: Role,
    college_id: int | None = None,
) -> Operator:
    """Add an operator (callers check permission and audit)."""
    operator = Operator(
        login=login,
        display_name=display_name,
        password_hash=hash_password(password),
        role=role.value,
        college_id=college_id,
        active=True,
        created_at=clock.now(),
    )
    session.add(operator)
    session.flush()
    return operator


def authenticate(
    session: Session, clock: Clock, login: str, password: str, workstation: str
) -> Actor | None:
    """The actor for a correct login and password, else None."""
    operator = session.scalars(
        select(Operator).where(Operator.login == login, Operator.active)
    ).one_or_none()
    stored = operator.password_hash if operator else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        log.info("failed login for %r at %s", login, workstation)
        return None
    if operator is None:
        return None

    if _hasher.check_needs_rehash(operator.password_hash):
        operator.password_hash = hash_password(password)
    operator.last_login_at = clock.now()
    return actor_for(operator, workstation)


def actor_for(operator: Operator, workstation: str) -> Actor:
    """The plain-data actor of an operator row."""
    return Actor(
        operator_id=operator.id,
        login=operator.login,
        display_name=operator.display_name,
        role=Role(operator.role),
        college_id=operator.college_id,
        workstation=workstation,
    )
