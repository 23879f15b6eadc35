"""The rows and totals of the class statistics sheet (附件2), in bulk.

Everything is read with a handful of set queries over the classes asked
for, so the whole school (100,000 students) costs the same few queries as
one class. The writer (services/sheets.py) only formats what is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Result, Row, Select, func, select, type_coerce
from sqlalchemy.orm import Session

from desktop.clock import BEIJING
from desktop.i18n import _
from desktop.models import (
    CheckIn,
    College,
    Major,
    Registration,
    ReturnApproval,
    SchoolClass,
    Student,
)
from desktop.models.base import UtcDateTime
from desktop.services.approvals import APPROVAL_LABELS, Flag, FlagFacts, flags
from desktop.services.registration_rules import declared_symptoms
from desktop.services.settings import CampaignSettings
from desktop.services.verdict import ApprovalKind


@dataclass(frozen=True)
class SheetRow:
    """One student's line on the sheet, as text, with the problems found."""

    student_no: str
    name: str
    gender: str
    major: str
    registered: bool
    registered_at: datetime | None
    on_time: bool | None
    in_beijing: bool | None
    arrival: str
    origin: str
    residence: str
    symptoms: str
    approval: str
    checked_in: str
    remarks: str
    problems: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Totals:
    """The sheet's totals (应登记, 已登记, 未登记, 逾期, 登记率)."""

    expected: int
    registered: int
    missing: int
    late: int

    @property
    def rate(self) -> float:
        """Registered share of expected, 0 for an empty class."""
        return self.registered / self.expected if self.expected else 0.0

    @staticmethod
    def of(rows: Iterable[SheetRow]) -> Totals:
        """Totals over ``rows``."""
        expected = registered = late = 0
        for row in rows:
            expected += 1
            registered += row.registered
            late += row.on_time is False
        return Totals(expected, registered, expected - registered, late)


@dataclass(frozen=True)
class ClassSheet:
    """A class, its college and head, and its rows in student-number order."""

    class_id: int
    class_name: str
    college_name: str
    head_name: str
    rows: list[SheetRow]

    @property
    def totals(self) -> Totals:
        return Totals.of(self.rows)


# Problem keys, also used by the writer to pick a highlight.
NOT_REGISTERED = "not_registered"
LATE = "late"
SYMPTOMS = "symptoms"
UNAPPROVED_RETURN = "unapproved_return"


def _day(moment: date) -> str:
    return moment.isoformat()


def _in_beijing(registration: Any, today: date) -> bool:
    if not registration.left_beijing:
        return True
    return registration.arrival_date is not None and registration.arrival_date <= today


def _origin(registration: Any) -> str:
    if registration.origin_abroad:
        return _("国外：{address}").format(address=registration.foreign_address or "")
    return f"{registration.province or ''}{registration.city or ''}"


def _approval_text(approval: Any | None) -> str:
    if approval is None:
        return _("未批准")
    label = _(APPROVAL_LABELS[ApprovalKind(approval.kind)])
    return _("{label}（{day}起）").format(label=label, day=_day(approval.approved_from))


def _row(
    student: Any,
    registration: Any | None,
    first_at: datetime | None,
    approval: Any | None,
    check_in: Any | None,
    settings: CampaignSettings,
    today: date,
) -> SheetRow:
    found = flags(
        FlagFacts(
            first_registered_at=first_at,
            approval_kind=approval.kind if approval else None,
            approved_from=approval.approved_from if approval else None,
            left_beijing=registration.left_beijing if registration else None,
            arrival_date=registration.arrival_date if registration else None,
        ),
        settings,
        today,
    )
    problems: set[str] = set()
    remarks: list[str] = []
    if registration is None:
        problems.add(NOT_REGISTERED)
        remarks.append(_("未登记"))
    if Flag.LATE in found:
        problems.add(LATE)
        remarks.append(_("逾期登记"))
    if Flag.ARRIVED_UNAPPROVED in found:
        problems.add(UNAPPROVED_RETURN)
        remarks.append(_("未经批准抵京"))

    symptoms = ""
    if registration is not None:
        named = declared_symptoms(registration)
        symptoms = "、".join(named) if named else _("无")
        if named:
            problems.add(SYMPTOMS)
            remarks.append(_("有症状"))

    arrival = ""
    if registration is not None and registration.left_beijing:
        if registration.arrival_tbd or registration.arrival_date is None:
            arrival = _("待定")
        else:
            arrival = _day(registration.arrival_date)
    checked = _("未报到")
    if check_in is not None:
        when = check_in.checked_in_at.astimezone(BEIJING)
        checked = _("已报到（{day} {gate}）").format(
            day=f"{when:%m-%d %H:%M}", gate=check_in.gate
        )
    residence = ""
    if registration is not None:
        residence = _("校内") if registration.on_campus else _("校外")

    return SheetRow(
        student_no=student.student_no,
        name=student.name,
        gender=student.gender,
        major=student.major or "",
        registered=registration is not None,
        registered_at=first_at,
        on_time=None if first_at is None else Flag.LATE not in found,
        in_beijing=_in_beijing(registration, today) if registration else None,
        arrival=arrival,
        origin=_origin(registration) if registration else "",
        residence=residence,
        symptoms=symptoms,
        approval=_approval_text(approval),
        checked_in=checked,
        remarks="；".join(remarks),
        problems=frozenset(problems),
    )


_REGISTRATION_COLUMNS = (
    Registration.student_id,
    Registration.left_beijing,
    Registration.arrival_date,
    Registration.arrival_tbd,
    Registration.origin_abroad,
    Registration.province,
    Registration.city,
    Registration.foreign_address,
    Registration.on_campus,
    Registration.fever,
    Registration.cough,
    Registration.fatigue,
)


def class_sheets(
    session: Session,
    class_ids: list[int],
    settings: CampaignSettings,
    today: date,
) -> list[ClassSheet]:
    """The sheets of ``class_ids``, in class-name order.

    Plain column rows, not ORM objects: at 100,000 students building the
    objects cost more than writing the workbook.
    """
    if not class_ids:
        return []
    in_classes = Student.class_id.in_(class_ids)
    students = session.execute(
        select(
            Student.id,
            Student.student_no,
            Student.name,
            Student.gender,
            Student.class_id,
            Major.name.label("major"),
        )
        .outerjoin(Major, Student.major_id == Major.id)
        .where(in_classes)
        .order_by(Student.class_id, Student.student_no)
    ).all()
    registrations = _by_student(
        session,
        select(*_REGISTRATION_COLUMNS).where(Registration.is_current),
        in_classes,
    )
    first_at = {
        row.student_id: row.first_at
        for row in _rows(
            session,
            select(
                Registration.student_id,
                type_coerce(func.min(Registration.submitted_at), UtcDateTime).label(
                    "first_at"
                ),
            ).group_by(Registration.student_id),
            in_classes,
        )
    }
    latest = (
        select(func.max(ReturnApproval.id))
        .join(Student, ReturnApproval.student_id == Student.id)
        .where(in_classes, ReturnApproval.revoked_at.is_(None))
        .group_by(ReturnApproval.student_id)
    )
    approvals = {
        row.student_id: row
        for row in session.execute(
            select(
                ReturnApproval.student_id,
                ReturnApproval.kind,
                ReturnApproval.approved_from,
            ).where(ReturnApproval.id.in_(latest))
        )
    }
    check_ins = _by_student(
        session,
        select(CheckIn.student_id, CheckIn.checked_in_at, CheckIn.gate),
        in_classes,
    )

    rows_by_class: dict[int, list[SheetRow]] = {class_id: [] for class_id in class_ids}
    for student in students:
        rows_by_class[student.class_id].append(
            _row(
                student,
                registrations.get(student.id),
                first_at.get(student.id),
                approvals.get(student.id),
                check_ins.get(student.id),
                settings,
                today,
            )
        )
    return _with_classes(session, class_ids, rows_by_class)


def _rows(session: Session, statement: Select[Any], in_classes: Any) -> Result[Any]:
    """``statement`` limited to students of the classes asked for."""
    first = statement.get_final_froms()[0]
    return session.execute(
        statement.join(Student, first.c.student_id == Student.id).where(in_classes)
    )


def _by_student(
    session: Session, statement: Select[Any], in_classes: Any
) -> dict[int, Row[Any]]:
    return {row.student_id: row for row in _rows(session, statement, in_classes)}


def _with_classes(
    session: Session, class_ids: list[int], rows_by_class: dict[int, list[SheetRow]]
) -> list[ClassSheet]:
    classes = session.execute(
        select(SchoolClass, College.name)
        .join(College, SchoolClass.college_id == College.id)
        .where(SchoolClass.id.in_(class_ids))
        .order_by(SchoolClass.name)
    ).all()
    return [
        ClassSheet(
            class_id=school_class.id,
            class_name=school_class.name,
            college_name=college_name,
            head_name=school_class.head_name or "",
            rows=rows_by_class[school_class.id],
        )
        for school_class, college_name in classes
    ]
