"""What an operator can do with the students selected on the roster.

登记/修改, 登记历史, 补发报到码, 批准返校, 撤销审批, 打印本班报到码 and
导入表格. An action exists only when the operator's role grants it (the
services check again); it is enabled when the selection suits it. Every
database or file job runs on a worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock
from desktop.i18n import _
from desktop.services.auth import Actor, Permission
from desktop.services.pass_sheets import (
    class_passes,
    qr_png,
    usable_pass_text,
    write_zip,
)
from desktop.services.roster import RosterRow
from desktop.services.scope import require_student
from desktop.ui import errors
from desktop.ui.approval_dialog import ApprovalDialog, ApprovalOutcome
from desktop.ui.context import ConsoleContext
from desktop.ui.history_dialog import HistoryDialog
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.pass_preview import qr_pixmap
from desktop.ui.pass_print import write_pass_pdf
from desktop.ui.registration_dialog import RegistrationDialog, find_student
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

EXPORT_FILTER = "PDF (*.pdf);;ZIP (*.zip)"


def reissue_passes(
    context: ConsoleContext, clock: Clock, actor: Actor, numbers: tuple[str, ...]
) -> list[tuple[str, str, int, bytes]]:
    """New passes for ``numbers`` (old serials revoked), on a worker.

    Returns:
        (student number, name, serial, QR PNG) per student.
    """
    issued = []
    with context.db.sessions() as session, session.begin():
        for number in numbers:
            student = find_student(session, number)
            require_student(session, actor, student)
            serial, text = usable_pass_text(
                session,
                clock,
                context.keyring,
                actor,
                student,
                reissue=True,
                reason="re-issued from the roster",
            )
            issued.append((number, student.name, serial, text))
    return [(no, name, serial, qr_png(text)) for no, name, serial, text in issued]


def export_class_passes(
    context: ConsoleContext, clock: Clock, actor: Actor, class_name: str, path: str
) -> tuple[Path, int]:
    """The class's passes as a PDF sheet or a zip of PNGs, on a worker."""
    with context.db.sessions() as session, session.begin():
        cards = class_passes(session, clock, context.keyring, actor, class_name)
    if path.lower().endswith(".zip"):
        return write_zip(cards, path), len(cards)
    return write_pass_pdf(cards, path).path, len(cards)


class PassDialog(QDialog):
    """A re-issued pass QR, for the student to photograph or print."""

    def __init__(
        self, number: str, name: str, serial: int, png: bytes, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("报到码 — {name}（{no}）").format(name=name, no=number))
        self.qr_label = QLabel(self, alignment=Qt.AlignCenter)
        self.qr_label.setPixmap(qr_pixmap(png))
        caption = _("新报到码序列号 {serial}；原报到码已作废").format(serial=serial)
        layout = QVBoxLayout(self)
        layout.addWidget(self.qr_label)
        layout.addWidget(QLabel(caption, self, alignment=Qt.AlignCenter))


class RosterActions(QObject):
    """The roster's row actions for one operator.

    Args:
        selection: returns the rows selected on the roster.
        view: the widget dialogs open over.

    Signals:
        changed(): something was written; the roster should reload.
    """

    changed = Signal()

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        runner: TaskRunner,
        selection: Callable[[], list[RosterRow]],
        view: QWidget,
    ) -> None:
        super().__init__(view)
        self._context = context
        self._actor = actor
        self._runner = runner
        self._selection = selection
        self._view = view
        self.last_dialog: QDialog | None = None
        self.register_action = self._make(
            _("登记/修改"), Permission.REGISTER, self._on_register_triggered
        )
        self.history_action = self._make(
            _("登记历史"), Permission.ROSTER_VIEW, self._on_history_triggered
        )
        self.reissue_action = self._make(
            _("补发报到码"), Permission.PASS_ISSUE, self._on_reissue_triggered
        )
        self.approve_action = self._make(
            _("批准返校"), Permission.APPROVE, self._on_approve_triggered
        )
        self.revoke_action = self._make(
            _("撤销审批"), Permission.APPROVE, self._on_revoke_triggered
        )
        self.print_action = self._make(
            _("打印本班报到码"), Permission.PASS_ISSUE, self._on_print_triggered
        )
        self.import_action = self._make(
            _("导入表格…"), Permission.IMPORT, self._on_import_triggered
        )
        for action in self.row_actions():
            action.setEnabled(False)  # nothing is selected yet

    def _make(
        self, text: str, permission: Permission, slot: Callable[[], None]
    ) -> QAction | None:
        if not self._actor.may(permission):
            return None
        action = QAction(text, self)
        action.triggered.connect(slot)
        return action

    def row_actions(self) -> list[QAction]:
        """The actions on selected rows that this operator has, in order."""
        candidates = (
            self.register_action,
            self.history_action,
            self.reissue_action,
            self.approve_action,
            self.revoke_action,
            self.print_action,
        )
        return [action for action in candidates if action is not None]

    def update_enabled(self) -> None:
        """Enable each action when the selection suits it."""
        count = len(self._selection())
        single = (self.register_action, self.history_action)
        for action in self.row_actions():
            action.setEnabled(count == 1 if action in single else count >= 1)

    # Asking the operator (replaced in tests).

    def confirm(self, title: str, text: str) -> bool:
        """Whether the operator confirms ``text``."""
        answer = QMessageBox.question(self._view, title, text)
        return answer == QMessageBox.Yes

    def ask_save_path(self, suggested: str) -> str:
        """Where to write the class's passes ('' if cancelled)."""
        path, _filter = QFileDialog.getSaveFileName(
            self._view, _("保存本班报到码"), suggested, EXPORT_FILTER
        )
        return path

    # Handlers.

    def _numbers(self) -> tuple[str, ...]:
        return tuple(row.student_no for row in self._selection())

    def _open(self, dialog: QDialog) -> None:
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.last_dialog = dialog
        dialog.open()

    def _on_register_triggered(self) -> None:
        numbers = self._numbers()
        if len(numbers) != 1:
            return
        dialog = RegistrationDialog(
            self._context, self._actor, self._runner, numbers[0], self._view
        )
        dialog.registered.connect(self._on_written)
        self._open(dialog)

    def _on_history_triggered(self) -> None:
        numbers = self._numbers()
        if len(numbers) == 1:
            self._open(
                HistoryDialog(
                    self._context, self._actor, self._runner, numbers[0], self._view
                )
            )

    def _on_reissue_triggered(self) -> None:
        numbers = self._numbers()
        text = _("为选中的 {count} 名学生补发报到码？原报到码将作废。")
        if not numbers or not self.confirm(
            _("补发报到码"), text.format(count=len(numbers))
        ):
            return
        self._runner.submit(
            reissue_passes,
            self._context,
            self._context.clock,
            self._actor,
            numbers,
            on_result=self._on_reissued,
            on_error=self._on_job_failed,
        )

    def _on_reissued(self, issued: list[tuple[str, str, int, bytes]]) -> None:
        errors.post(
            _("已补发 {count} 名学生的报到码").format(count=len(issued)),
            errors.Severity.INFO,
        )
        if len(issued) == 1:
            self._open(PassDialog(*issued[0], self._view))
        self.changed.emit()

    def _on_approve_triggered(self) -> None:
        self._open_approval(revoke=False)

    def _on_revoke_triggered(self) -> None:
        self._open_approval(revoke=True)

    def _open_approval(self, *, revoke: bool) -> None:
        numbers = list(self._numbers())
        if not numbers:
            return
        dialog = ApprovalDialog(
            self._context,
            self._actor,
            self._runner,
            numbers,
            revoke=revoke,
            parent=self._view,
        )
        dialog.applied.connect(partial(self._on_approvals_applied, revoke))
        self._open(dialog)

    def _on_approvals_applied(self, revoked: bool, outcome: ApprovalOutcome) -> None:
        errors.post(outcome.summary(revoked), errors.Severity.INFO)
        self.changed.emit()

    def _on_print_triggered(self) -> None:
        rows = self._selection()
        if not rows:
            return
        class_name = rows[0].class_name
        path = self.ask_save_path(f"{class_name}-报到码.pdf")
        if not path:
            return
        self._runner.submit(
            export_class_passes,
            self._context,
            self._context.clock,
            self._actor,
            class_name,
            path,
            on_result=self._on_passes_exported,
            on_error=self._on_job_failed,
        )

    def _on_passes_exported(self, written: tuple[Path, int]) -> None:
        path, count = written
        errors.post(
            _("已写出 {count} 张报到码：{path}").format(count=count, path=path),
            errors.Severity.INFO,
        )
        self.changed.emit()

    def _on_import_triggered(self) -> None:
        dialog = ImportDialog(self._context, self._actor, self._runner, self._view)
        dialog.imported.connect(self._on_written)
        self._open(dialog)

    def _on_written(self, _outcome: object) -> None:
        self.changed.emit()

    def _on_job_failed(self, exc: BaseException) -> None:
        log.warning("roster action failed: %s", type(exc).__name__)
        errors.post(_("操作未完成：{error}").format(error=exc))
