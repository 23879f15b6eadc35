"""Approving students' return, or revoking it, from the roster.

School admins only: the roster offers these actions to them alone, and
:mod:`desktop.services.approvals` refuses everyone else again. One dialog
serves both: grant (返校 from a date, or 返京不返校) or revoke with a
reason, for every selected student in one transaction on a worker.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock, today
from desktop.i18n import _
from desktop.services import approvals
from desktop.services.auth import Actor, Permission
from desktop.services.scope import require_student
from desktop.services.verdict import ApprovalKind
from desktop.ui.context import ConsoleContext
from desktop.ui.registration_dialog import find_student
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ApprovalOutcome:
    """How many selected students changed, and how many were already so."""

    changed: int
    unchanged: int

    def summary(self, revoke: bool) -> str:
        """One line for the operator."""
        if revoke:
            text = _("已撤销 {changed} 名学生的审批；{unchanged} 名原本没有审批")
        else:
            text = _("已批准 {changed} 名学生；{unchanged} 名原已是该审批")
        return text.format(changed=self.changed, unchanged=self.unchanged)


def apply_approvals(
    context: ConsoleContext,
    clock: Clock,
    actor: Actor,
    numbers: tuple[str, ...],
    kind: ApprovalKind | None,
    approved_from: date | None,
    reason: str,
) -> ApprovalOutcome:
    """Grant ``kind`` from ``approved_from``, or revoke when ``kind`` is None.

    All students in one transaction (worker thread).

    Raises:
        PermissionDenied: the actor may not approve.
        ValueError: a revocation without a reason.
    """
    actor.require(Permission.APPROVE)
    changed = 0
    with context.db.sessions() as session, session.begin():
        for number in numbers:
            student = find_student(session, number)
            require_student(session, actor, student)
            if kind is None:
                done = approvals.revoke(session, clock, actor, student, reason)
            else:
                _approval, done = approvals.grant(
                    session, clock, actor, student, kind, approved_from
                )
            changed += bool(done)
    log.info("approvals applied: %d of %d changed", changed, len(numbers))
    return ApprovalOutcome(changed, len(numbers) - changed)


class ApprovalDialog(QDialog):
    """Grant or revoke the return approval of the selected students.

    Args:
        revoke: revoke (asks a reason) instead of granting.

    Signals:
        applied(object): an :class:`ApprovalOutcome` was written.
    """

    applied = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        runner: TaskRunner,
        numbers: list[str],
        *,
        revoke: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._actor = actor
        self._runner = runner
        self._numbers = tuple(numbers)
        self.revoking = revoke
        self.setWindowTitle(_("撤销审批") if revoke else _("批准返校"))
        self._build()
        self._on_input_changed()

    def _build(self) -> None:
        count = _("已选 {count} 名学生").format(count=len(self._numbers))
        self.campus_radio = QRadioButton(_("批准返校（返京并返校）"), self)
        self.beijing_radio = QRadioButton(_("返京不返校"), self)
        self.campus_radio.setChecked(True)
        self.date_edit = QDateEdit(self, calendarPopup=True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(QDate(today(self._context.clock)))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setPlaceholderText(_("必填，例如：所在地区疫情变化"))
        self.reason_edit.setMinimumWidth(280)
        self.status_label = QLabel(self, wordWrap=True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(_("撤销") if self.revoking else _("批准"))
        self.buttons.button(QDialogButtonBox.Cancel).setText(_("取消"))

        form = QFormLayout()
        form.addRow(QLabel(count, self))
        if self.revoking:
            form.addRow(_("撤销原因："), self.reason_edit)
            unused = (self.campus_radio, self.beijing_radio, self.date_edit)
        else:
            form.addRow(_("审批类型："), self.campus_radio)
            form.addRow("", self.beijing_radio)
            form.addRow(_("自此日起："), self.date_edit)
            unused = (self.reason_edit,)
        for widget in unused:
            widget.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.status_label)
        layout.addWidget(self.buttons)

        self.reason_edit.textChanged.connect(self._on_input_changed)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)

    def kind(self) -> ApprovalKind | None:
        """What is granted; None when revoking."""
        if self.revoking:
            return None
        if self.beijing_radio.isChecked():
            return ApprovalKind.BEIJING_ONLY
        return ApprovalKind.CAMPUS

    def _on_input_changed(self) -> None:
        ready = not self.revoking or bool(self.reason_edit.text().strip())
        self.ok_button.setEnabled(ready and bool(self._numbers))

    def apply(self) -> None:
        """Write the approvals on a worker; ``applied`` follows."""
        self.ok_button.setEnabled(False)
        self.status_label.setText(_("正在保存…"))
        self._runner.submit(
            apply_approvals,
            self._context,
            self._context.clock,
            self._actor,
            self._numbers,
            self.kind(),
            self.date_edit.date().toPython(),
            self.reason_edit.text().strip(),
            on_result=self._on_applied,
            on_error=self._on_failed,
        )

    def _on_applied(self, outcome: ApprovalOutcome) -> None:
        self.status_label.setText(outcome.summary(self.revoking))
        self.applied.emit(outcome)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        log.warning("approvals not applied: %s", type(exc).__name__)
        self.status_label.setText(_("未能保存：{error}").format(error=exc))
        self._on_input_changed()
