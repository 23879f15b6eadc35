"""The roster (应登记名单) as pages of plain rows, limited by role.

A class head sees the classes they head, a college admin their college and
a school admin everything; gate staff have no roster. The scope is applied
here, in the query, so no screen or export can widen it. Rows carry the
document number masked, never in full.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Exists,
    Row,
    Select,
    Subquery,
    and_,
    exists,
    false,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Session

from desktop.models import (
    CheckIn,
    College,
    Registration,
    ReturnApproval,
    SchoolClass,
    Student,
)
from desktop.services.auth import Actor, Permission, Role
from desktop.services.masking import mask_document

MAX_PAGE = 1000
_DOC_TAIL = re.compile(r"^\d{3}[\dXx]$")


class ApprovalFilter(enum.StrEnum):
    """The return-approval states one can filter on."""

    CAMPUS = "campus"
    BEIJING_ONLY = "beijing_only"
    NONE = "none"


@dataclass(frozen=True)
class RosterQuery:
    """Filters of the roster; None means "any".

    Attributes:
        college_id: only this college.
        class_id: only this class.
        registered: registered (True) or not (False).
        approval: the current return approval's kind, or none at all.
        checked_in: checked in (True) or not (False).
        search: a student-number prefix, a name fragment, or the last four
            characters of the document number.
    """

    college_id: int | None = None
    class_id: int | None = None
    registered: bool | None = None
    approval: ApprovalFilter | None = None
    checked_in: bool | None = None
    search: str = ""


@dataclass(frozen=True)
class RosterRow:
    """One student as the roster shows them.

    Attributes:
        student_no: the student number.
        name: the student's name.
        gender: 男 or 女.
        class_name: the class.
        college_name: the class's college.
        registered: whether a current registration exists.
        approval: "campus", "beijing_only" or None.
        approved_from: the day the approval takes effect.
        checked_in_at: when the student checked in, if they did.
        gate: where they checked in.
        masked_document: the document number, masked.
    """

    student_no: str
    name: str
    gender: str
    class_name: str
    college_name: str
    registered: bool
    approval: str | None
    approved_from: date | None
    checked_in_at: datetime | None
    gate: str | None
    masked_document: str


@dataclass(frozen=True)
class ClassOption:
    """A class the actor may filter on."""

    id: int
    name: str
    college_id: int


@dataclass(frozen=True)
class CollegeOption:
    """A college the actor may filter on, with its visible classes."""

    id: int
    name: str
    classes: tuple[ClassOption, ...]


def _current_approval() -> Subquery:
    """Each student's live approvals ranked newest first (rank 1 counts)."""
    ranked = select(
        ReturnApproval.student_id,
        ReturnApproval.kind,
        ReturnApproval.approved_from,
        func.row_number()
        .over(
            partition_by=ReturnApproval.student_id,
            order_by=(ReturnApproval.approved_at.desc(), ReturnApproval.id.desc()),
        )
        .label("rank"),
    ).where(ReturnApproval.revoked_at.is_(None))
    return ranked.subquery("ranked_approval")


def _registered_clause() -> Exists:
    return exists().where(
        Registration.student_id == Student.id, Registration.is_current
    )


def _scope(statement: Select, actor: Actor) -> Select:
    """Limit ``statement`` (joined to SchoolClass) to what ``actor`` sees."""
    actor.require(Permission.ROSTER_VIEW)
    if actor.role is Role.SCHOOL_ADMIN:
        return statement
    if actor.role is Role.COLLEGE_ADMIN:
        if actor.college_id is None:
            return statement.where(false())
        return statement.where(SchoolClass.college_id == actor.college_id)
    if actor.role is Role.CLASS_HEAD and actor.operator_id is not None:
        return statement.where(SchoolClass.head_operator_id == actor.operator_id)
    return statement.where(false())


def _search_clause(text: str) -> ColumnElement[bool] | None:
    text = text.strip()
    if not text:
        return None
    if text.isdigit() or _DOC_TAIL.match(text):
        clauses = [Student.student_no.startswith(text, autoescape=True)]
        if _DOC_TAIL.match(text):
            clauses.append(Student.doc_tail == text.upper())
        return or_(*clauses)
    return Student.name.contains(text, autoescape=True)


def _filtered(statement: Select, query: RosterQuery, approval: Subquery) -> Select:
    conditions = []
    if query.college_id is not None:
        conditions.append(SchoolClass.college_id == query.college_id)
    if query.class_id is not None:
        conditions.append(Student.class_id == query.class_id)
    if query.registered is not None:
        registered = _registered_clause()
        conditions.append(registered if query.registered else ~registered)
    if query.approval is ApprovalFilter.NONE:
        conditions.append(approval.c.kind.is_(None))
    elif query.approval is not None:
        conditions.append(approval.c.kind == query.approval.value)
    if query.checked_in is not None:
        conditions.append(
            CheckIn.id.is_not(None) if query.checked_in else CheckIn.id.is_(None)
        )
    search = _search_clause(query.search)
    if search is not None:
        conditions.append(search)
    return statement.where(and_(*conditions)) if conditions else statement


def _joined(statement: Select, approval: Subquery) -> Select:
    return (
        statement.join(SchoolClass, Student.class_id == SchoolClass.id)
        .join(College, SchoolClass.college_id == College.id)
        .outerjoin(
            approval,
            and_(approval.c.student_id == Student.id, approval.c.rank == 1),
        )
        .outerjoin(CheckIn, CheckIn.student_id == Student.id)
    )


def count(session: Session, actor: Actor, query: RosterQuery) -> int:
    """How many students match ``query`` within the actor's scope."""
    approval = _current_approval()
    statement = _joined(select(func.count(Student.id)).select_from(Student), approval)
    statement = _filtered(_scope(statement, actor), query, approval)
    return session.scalar(statement) or 0


def fetch_page(
    session: Session, actor: Actor, query: RosterQuery, offset: int, limit: int
) -> list[RosterRow]:
    """One page of matching students, ordered by student number.

    Raises:
        PermissionDenied: when the actor's role has no roster.
    """
    approval = _current_approval()
    statement = select(
        Student.student_no,
        Student.name,
        Student.gender,
        Student.doc_number,
        SchoolClass.name,
        College.name,
        _registered_clause().label("registered"),
        approval.c.kind,
        approval.c.approved_from,
        CheckIn.checked_in_at,
        CheckIn.gate,
    ).select_from(Student)
    statement = _filtered(_scope(_joined(statement, approval), actor), query, approval)
    statement = (
        statement.order_by(Student.student_no)
        .offset(max(0, offset))
        .limit(max(0, min(limit, MAX_PAGE)))
    )
    return [_row(values) for values in session.execute(statement)]


def _row(values: Row[Any]) -> RosterRow:
    (number, name, gender, document, class_name, college_name) = values[:6]
    (registered, kind, approved_from, checked_in_at, gate) = values[6:]
    return RosterRow(
        student_no=number,
        name=name,
        gender=gender,
        class_name=class_name,
        college_name=college_name,
        registered=bool(registered),
        approval=kind,
        approved_from=approved_from,
        checked_in_at=checked_in_at,
        gate=gate,
        masked_document=mask_document(document),
    )


def filter_options(session: Session, actor: Actor) -> list[CollegeOption]:
    """The colleges and classes the actor may filter on."""
    statement = select(College.id, College.name, SchoolClass.id, SchoolClass.name).join(
        SchoolClass, SchoolClass.college_id == College.id
    )
    statement = _scope(statement, actor).order_by(College.id, SchoolClass.name)
    colleges: dict[int, tuple[str, list[ClassOption]]] = {}
    for college_id, college_name, class_id, class_name in session.execute(statement):
        entry = colleges.setdefault(college_id, (college_name, []))
        entry[1].append(ClassOption(class_id, class_name, college_id))
    return [
        CollegeOption(college_id, name, tuple(classes))
        for college_id, (name, classes) in colleges.items()
    ]
