"""Who changed what in a student's registration, and when (登记历史).

The changes come from :func:`desktop.services.registration.history`, read
on a worker; document and phone numbers arrive masked from the service.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING
from desktop.i18n import N_, _
from desktop.services import registration
from desktop.services.auth import Actor
from desktop.services.registration import Change
from desktop.ui.context import ConsoleContext
from desktop.ui.registration_dialog import find_student
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

HEADERS = (N_("版本"), N_("时间"), N_("操作人"), N_("项目"), N_("原值"), N_("新值"))


def load_history(context: ConsoleContext, actor: Actor, no: str) -> list[Change]:
    """The student's registration changes, oldest first (worker thread)."""
    with context.db.sessions() as session:
        return registration.history(session, actor, find_student(session, no))


def change_cells(change: Change) -> tuple[str, ...]:
    """What the history table shows for ``change``."""
    when = change.at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    return (str(change.version), when, change.by, change.label, change.old, change.new)


class HistoryDialog(QDialog):
    """The registration history of one student, as a table."""

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        runner: TaskRunner,
        student_no: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("登记历史 — 学号 {no}").format(no=student_no))
        self.resize(820, 480)
        self.status_label = QLabel(_("正在读取…"), self)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Close, self)
        buttons.button(QDialogButtonBox.Close).setText(_("关闭"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        runner.submit(
            load_history,
            context,
            actor,
            student_no,
            on_result=self._on_history_loaded,
            on_error=self._on_history_failed,
        )

    def _on_history_loaded(self, changes: list[Change]) -> None:
        self.table.setRowCount(len(changes))
        for row, change in enumerate(changes):
            for column, text in enumerate(change_cells(change)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        versions = len({change.version for change in changes})
        if changes:
            self.status_label.setText(
                _("共 {versions} 个版本，{changes} 项变更").format(
                    versions=versions, changes=len(changes)
                )
            )
        else:
            self.status_label.setText(_("该学生尚未登记"))

    def _on_history_failed(self, exc: BaseException) -> None:
        log.warning("history not loaded: %s", type(exc).__name__)
        self.status_label.setText(_("登记历史读取失败：{error}").format(error=exc))
