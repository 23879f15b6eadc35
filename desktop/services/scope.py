"""Which classes and students an operator may see and change (DESIGN §8).

A class head sees the classes they head, a college admin their college, a
school admin everything; gate staff see no roster at all.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from desktop.i18n import _
from desktop.models import SchoolClass, Student
from desktop.services.auth import Actor, PermissionDenied, Role


def class_condition(actor: Actor) -> ColumnElement[bool]:
    """A condition on ``SchoolClass`` limiting rows to the actor's scope."""
    if actor.role is Role.SCHOOL_ADMIN:
        return true()
    if actor.role is Role.COLLEGE_ADMIN and actor.college_id is not None:
        return SchoolClass.college_id == actor.college_id
    if actor.role is Role.CLASS_HEAD and actor.operator_id is not None:
        return SchoolClass.head_operator_id == actor.operator_id
    return false()


def student_in_scope(session: Session, actor: Actor, student: Student) -> bool:
    """Whether ``student`` belongs to a class the actor may see."""
    statement = (
        select(SchoolClass.id)
        .where(SchoolClass.id == student.class_id)
        .where(class_condition(actor))
    )
    return session.scalars(statement).first() is not None


def require_student(session: Session, actor: Actor, student: Student) -> None:
    """Raise PermissionDenied unless ``student`` is in the actor's scope."""
    if not student_in_scope(session, actor, student):
        raise PermissionDenied(
            _("无权操作学号 {no}：不在您负责的范围内").format(no=student.student_no)
        )
