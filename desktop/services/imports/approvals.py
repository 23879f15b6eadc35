"""The return approvals import (返校 / 返京不返校), school admins only.

A row that repeats the student's current approval changes nothing; a
different one revokes the current approval and adds the new one, as
``approvals.grant`` does one at a time, so the record stays whole.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import _
from desktop.models import ReturnApproval, SchoolClass, Student
from desktop.services.approvals import APPROVAL_LABELS
from desktop.services.auth import Actor
from desktop.services.imports import values
from desktop.services.imports.report import PlannedRow
from desktop.services.imports.rows import Layout, RowReader
from desktop.services.scope import class_condition
from desktop.services.verdict import ApprovalKind

log = logging.getLogger(__name__)

CHUNK = 5000
IN_CHUNK = 900

_KINDS = {
    "返校": ApprovalKind.CAMPUS,
    "批准返校": ApprovalKind.CAMPUS,
    "同意返校": ApprovalKind.CAMPUS,
    "campus": ApprovalKind.CAMPUS,
    "返京不返校": ApprovalKind.BEIJING_ONLY,
    "返京": ApprovalKind.BEIJING_ONLY,
    "beijingonly": ApprovalKind.BEIJING_ONLY,
    "beijing": ApprovalKind.BEIJING_ONLY,
}


@dataclass(frozen=True)
class ApprovalRecord:
    """A valid row: the student, the kind and the first day allowed."""

    student_id: int
    kind: ApprovalKind
    approved_from: date


def approval_kind(cell: object) -> ApprovalKind:
    """返校 or 返京不返校 (and their English names)."""
    key = values.text(cell).replace(" ", "").replace("_", "").lower()
    if not key:
        raise ValueError(_("请填写审批类型"))
    for label_kind, label in APPROVAL_LABELS.items():
        if key == label:
            return label_kind
    if key not in _KINDS:
        raise ValueError(_("审批类型应为“返校”或“返京不返校”"))
    return _KINDS[key]


def required_date(cell: object) -> date:
    """A date that must be there."""
    found = values.a_date(cell)
    if found is None:
        raise ValueError(_("请填写批准返校日期"))
    return found


class ApprovalRows:
    """Reads approval rows and checks the students and the scope."""

    def __init__(self, session: Session, actor: Actor, day: date) -> None:
        self.students = {
            row.student_no: (row.id, row.class_id)
            for row in session.execute(
                select(Student.student_no, Student.id, Student.class_id)
            )
        }
        self.in_scope = set(
            session.scalars(select(SchoolClass.id).where(class_condition(actor)))
        )

    def layout(self, layout: Layout) -> None:
        """Nothing to add."""

    def file_problems(self, layout: Layout) -> list[str]:
        """None."""
        return []

    def parse(self, reader: RowReader) -> None:
        """Read one approval row."""
        number = reader.value("student_no", values.student_no, None)
        reader.planned.key = number
        kind = reader.value("kind", approval_kind, None)
        approved_from = reader.value("approved_from", required_date, None)
        reader.value("note", values.text, "")  # read, not stored (no column yet)
        student = self.students.get(number) if number else None
        if number and student is None:
            reader.fail(
                "student_no",
                _("学号 {no} 不在应登记名单中，请先导入名单").format(no=number),
            )
        elif student is not None and student[1] not in self.in_scope:
            reader.fail(
                "student_no",
                _("无权导入学号 {no}：不在您负责的范围内").format(no=number),
            )
        if student is not None and kind is not None and approved_from is not None:
            reader.planned.record = ApprovalRecord(student[0], kind, approved_from)

    def check(self, rows: list[PlannedRow], layout: Layout) -> None:
        """Nothing beyond the duplicates every kind checks."""


def _current_approvals(
    session: Session, student_ids: list[int]
) -> dict[int, tuple[int, str, date]]:
    """student id → (row id, kind, approved_from) of the newest unrevoked one."""
    found: dict[int, tuple[int, str, date]] = {}
    for start in range(0, len(student_ids), IN_CHUNK):
        statement = (
            select(
                ReturnApproval.id,
                ReturnApproval.student_id,
                ReturnApproval.kind,
                ReturnApproval.approved_from,
            )
            .where(
                ReturnApproval.student_id.in_(student_ids[start : start + IN_CHUNK]),
                ReturnApproval.revoked_at.is_(None),
            )
            # Oldest first, so the newest (as approvals.current_approval) wins.
            .order_by(ReturnApproval.approved_at, ReturnApproval.id)
        )
        for row in session.execute(statement):
            found[row.student_id] = (row.id, row.kind, row.approved_from)
    return found


def write(
    session: Session, clock: Clock, actor: Actor, rows: list[PlannedRow]
) -> tuple[int, int, int]:
    """Grant every approval that differs; (created, updated, unchanged)."""
    records = [row.record for row in rows]
    current = _current_approvals(session, [r.student_id for r in records])  # type: ignore[union-attr]
    now = clock.now()
    revoked: list[int] = []
    granted: list[dict[str, object]] = []
    for record in records:
        assert isinstance(record, ApprovalRecord)
        before = current.get(record.student_id)
        if before is not None and before[1:] == (
            record.kind.value,
            record.approved_from,
        ):
            continue
        if before is not None:
            revoked.append(before[0])
        granted.append(
            {
                "student_id": record.student_id,
                "kind": record.kind.value,
                "approved_from": record.approved_from,
                "approved_at": now,
                "approved_by": actor.operator_id,
            }
        )

    for start in range(0, len(revoked), IN_CHUNK):
        session.execute(
            update(ReturnApproval)
            .where(ReturnApproval.id.in_(revoked[start : start + IN_CHUNK]))
            .values(
                revoked_at=now,
                revoked_by=actor.operator_id,
                revoke_reason=_("审批变更"),
            )
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(granted), CHUNK):
        session.execute(insert(ReturnApproval), granted[start : start + CHUNK])
    log.info("approvals: %d granted, %d revoked", len(granted), len(revoked))
    return len(granted) - len(revoked), len(revoked), len(records) - len(granted)
