"""The classes and colleges whose statistics sheets an operator may export.

The sheets page lists these with their registration figures, counted in
two statements whatever the size of the school; the export itself checks
the scope again (``services/sheets.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from desktop.models import College, Registration, SchoolClass, Student
from desktop.services.auth import Actor, Permission, Role
from desktop.services.scope import class_condition


@dataclass(frozen=True)
class ClassEntry:
    """A class the operator may export, with its registration figures."""

    name: str
    college: str
    head: str
    expected: int
    registered: int

    @property
    def missing(self) -> int:
        """Students without a registration."""
        return self.expected - self.registered

    @property
    def rate(self) -> float:
        """Registered share of expected, 0 for an empty class."""
        return self.registered / self.expected if self.expected else 0.0


@dataclass(frozen=True)
class SheetTargets:
    """What the operator may export.

    Attributes:
        classes: the classes in scope, by name.
        colleges: colleges whose workbook the operator may export (college
            and school admins).
        school: whether the school workbook is allowed (school admins).
    """

    classes: list[ClassEntry]
    colleges: list[str]
    school: bool


def sheet_targets(session: Session, actor: Actor) -> SheetTargets:
    """The classes, colleges and school workbook open to ``actor``."""
    actor.require(Permission.ROSTER_VIEW)
    scope = class_condition(actor)
    registered = dict(
        session.execute(
            select(Student.class_id, func.count(distinct(Registration.student_id)))
            .join(Registration, Registration.student_id == Student.id)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(scope, Registration.is_current)
            .group_by(Student.class_id)
        ).all()
    )
    rows = session.execute(
        select(
            SchoolClass.id,
            SchoolClass.name,
            College.name,
            SchoolClass.head_name,
            func.count(Student.id),
        )
        .join(College, College.id == SchoolClass.college_id)
        .outerjoin(Student, Student.class_id == SchoolClass.id)
        .where(scope)
        .group_by(SchoolClass.id, SchoolClass.name, College.name, SchoolClass.head_name)
        .order_by(SchoolClass.name)
    )
    classes = [
        ClassEntry(name, college, head or "", expected, registered.get(class_id, 0))
        for class_id, name, college, head, expected in rows
    ]
    admin = actor.role in (Role.COLLEGE_ADMIN, Role.SCHOOL_ADMIN)
    colleges = sorted({c.college for c in classes}) if admin else []
    return SheetTargets(classes, colleges, actor.role is Role.SCHOOL_ADMIN)
