"""Operator accounts: the first school admin, then everyone else.

A new installation has no operator, so the command line may add the first
one (it acts as the system); after that only school admins manage
accounts. Every change is an audit event; a password is never stored or
logged, only its argon2id hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import _
from desktop.models import College, Operator, SchoolClass
from desktop.services import audit
from desktop.services.auth import Actor, Permission, Role, create_operator

MIN_PASSWORD = 10


class OperatorError(ValueError):
    """The account cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class OperatorInfo:
    """An account as listed: no hash, no password."""

    login: str
    display_name: str
    role: Role
    college: str | None
    classes: tuple[str, ...]
    active: bool


def add_operator(
    session: Session,
    clock: Clock,
    actor: Actor,
    *,
    login: str,
    display_name: str,
    password: str,
    role: Role,
    college: str | None = None,
    classes: tuple[str, ...] = (),
) -> Operator:
    """Add an account; a class head may be given the classes they head."""
    actor.require(Permission.OPERATORS)
    login = login.strip()
    if not login or not login.isascii() or " " in login:
        raise OperatorError(_("登录名须为不含空格的英文字母或数字"))
    if len(password) < MIN_PASSWORD:
        raise OperatorError(_("密码至少{count}个字符").format(count=MIN_PASSWORD))
    if session.scalars(select(Operator.id).where(Operator.login == login)).first():
        raise OperatorError(_("登录名已存在：{login}").format(login=login))

    college_id = None
    if role is Role.COLLEGE_ADMIN:
        if not college:
            raise OperatorError(_("学院管理员须指定学院"))
        college_id = session.scalars(
            select(College.id).where(College.name == college)
        ).first()
        if college_id is None:
            raise OperatorError(_("查无此学院：{name}").format(name=college))
    found = list(
        session.scalars(select(SchoolClass).where(SchoolClass.name.in_(classes)))
    )
    missing = sorted(set(classes) - {c.name for c in found})
    if missing:
        raise OperatorError(_("查无此班级：{names}").format(names="、".join(missing)))
    if classes and role is not Role.CLASS_HEAD:
        raise OperatorError(_("只有班主任可以负责班级"))

    operator = create_operator(
        session,
        clock,
        login=login,
        display_name=display_name.strip() or login,
        password=password,
        role=role,
        college_id=college_id,
    )
    for school_class in found:
        school_class.head_operator_id = operator.id
        school_class.head_name = operator.display_name
    audit.record(
        session,
        clock,
        actor,
        "operator.add",
        f"operator:{login}",
        role=role.value,
        classes=len(found),
    )
    return operator


def list_operators(session: Session, actor: Actor) -> list[OperatorInfo]:
    """Every account, for school admins."""
    actor.require(Permission.OPERATORS)
    colleges = {c.id: c.name for c in session.scalars(select(College))}
    heads: dict[int, list[str]] = {}
    for school_class in session.scalars(
        select(SchoolClass).where(SchoolClass.head_operator_id.is_not(None))
    ):
        heads.setdefault(school_class.head_operator_id or 0, []).append(
            school_class.name
        )
    return [
        OperatorInfo(
            login=o.login,
            display_name=o.display_name,
            role=Role(o.role),
            college=colleges.get(o.college_id) if o.college_id else None,
            classes=tuple(sorted(heads.get(o.id, []))),
            active=o.active,
        )
        for o in session.scalars(select(Operator).order_by(Operator.login))
    ]
