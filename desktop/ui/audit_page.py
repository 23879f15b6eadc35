"""The audit log page (操作日志), for school admins: browse and export.

Filters by operator, action, target and a date range; the table loads
pages as it scrolls. The log can be read and exported here, never changed.
The export runs on a worker and is itself recorded in the log.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock
from desktop.i18n import _
from desktop.services import audit_log
from desktop.services.audit_log import AuditQuery
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.ui import errors
from desktop.ui.audit_model import AuditModel
from desktop.ui.errors import Severity
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 300
NO_DATE = QDate(2000, 1, 1)  # shown as "不限"
COLUMN_WIDTHS = (150, 100, 130, 200, 220)


def _load_actions(db: Database, actor: Actor) -> list[str]:
    with db.sessions() as session:
        return audit_log.known_actions(session, actor)


def _export(
    db: Database, clock: Clock, actor: Actor, query: AuditQuery, path: Path
) -> tuple[int, Path]:
    with db.sessions() as session, session.begin():
        return audit_log.export(session, clock, actor, query, path), path


def _date_edit(parent: QWidget) -> QDateEdit:
    edit = QDateEdit(parent, calendarPopup=True, displayFormat="yyyy-MM-dd")
    edit.setMinimumDate(NO_DATE)
    edit.setSpecialValueText(_("不限"))
    edit.setDate(NO_DATE)
    return edit


def _day(edit: QDateEdit) -> date | None:
    chosen = edit.date()
    return None if chosen == NO_DATE else chosen.toPython()


class AuditPage(QWidget):
    """Filters, the read-only log table and the export button.

    Signals:
        query_changed(object): the ``AuditQuery`` now shown.
        exported(object): ``(events written, path)`` of an export.
    """

    query_changed = Signal(object)
    exported = Signal(object)

    def __init__(
        self,
        db: Database,
        clock: Clock,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._actor = actor
        self._runner = runner
        self._columns_sized = False
        self.model = AuditModel(db, actor, runner, self)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._build()
        self._connect()
        self._runner.submit(
            _load_actions,
            db,
            actor,
            on_result=self._on_actions_loaded,
            on_error=self._on_job_failed,
        )
        self.apply_filters()

    def _build(self) -> None:
        self.operator_edit = QLineEdit(self, placeholderText=_("操作员"))
        self.action_combo = QComboBox(self)
        self.action_combo.addItem(_("全部操作"), "")
        self.action_combo.setMinimumContentsLength(16)
        self.target_edit = QLineEdit(self, placeholderText=_("对象（学号、班级…）"))
        self.since_edit = _date_edit(self)
        self.until_edit = _date_edit(self)
        self.export_button = QPushButton(_("导出…"), self)
        self.total_label = QLabel(self)
        for edit in (self.operator_edit, self.target_edit):
            edit.setClearButtonEnabled(True)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        for column, width in enumerate(COLUMN_WIDTHS):
            self.table.setColumnWidth(column, width)

        filters = QHBoxLayout()
        filters.addWidget(self.operator_edit)
        filters.addWidget(self.action_combo)
        filters.addWidget(self.target_edit, 1)
        filters.addWidget(QLabel(_("从"), self))
        filters.addWidget(self.since_edit)
        filters.addWidget(QLabel(_("到"), self))
        filters.addWidget(self.until_edit)
        filters.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)

    def _connect(self) -> None:
        for edit in (self.operator_edit, self.target_edit):
            edit.textChanged.connect(self._on_filter_text_changed)
        self.action_combo.currentIndexChanged.connect(self.apply_filters)
        self.since_edit.dateChanged.connect(self.apply_filters)
        self.until_edit.dateChanged.connect(self.apply_filters)
        self._search_timer.timeout.connect(self.apply_filters)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.model.total_changed.connect(self._on_model_total_changed)
        self.model.load_failed.connect(self._on_model_load_failed)

    def filter_query(self) -> AuditQuery:
        """The query the filter widgets describe."""
        return AuditQuery(
            operator=self.operator_edit.text().strip(),
            action=self.action_combo.currentData() or "",
            target=self.target_edit.text().strip(),
            since=_day(self.since_edit),
            until=_day(self.until_edit),
        )

    def apply_filters(self) -> None:
        """Reload the table for the current filters."""
        self._search_timer.stop()
        query = self.filter_query()
        self.total_label.setText(_("正在查询…"))
        self.model.set_query(query)
        self.query_changed.emit(query)

    def _on_filter_text_changed(self) -> None:
        self._search_timer.start()

    def _on_actions_loaded(self, actions: list[str]) -> None:
        self.action_combo.blockSignals(True)
        for action in actions:
            self.action_combo.addItem(audit_log.action_label(action), action)
        self.action_combo.blockSignals(False)

    def _on_model_total_changed(self, total: int) -> None:
        self.total_label.setText(
            _("共 {total} 条记录（最新的在前；日志只能查看和导出，不能修改）").format(
                total=f"{total:,}"
            )
        )

    def _on_model_load_failed(self, message: str) -> None:
        self.total_label.setText(message)
        errors.post(message)

    # Export.

    def export_to(self, path: Path) -> None:
        """Export the events of the current filters to ``path`` on a worker."""
        self.export_button.setEnabled(False)
        self._runner.submit(
            _export,
            self._db,
            self._clock,
            self._actor,
            self.model.query,
            path,
            on_result=self._on_exported,
            on_error=self._on_job_failed,
        )

    def _on_export_clicked(self) -> None:
        path, chosen = QFileDialog.getSaveFileName(
            self,
            _("导出操作日志"),
            _("操作日志.xlsx"),
            _("Excel 工作簿 (*.xlsx);;CSV 文件 (*.csv)"),
        )
        if not path:
            return
        target = Path(path)
        if target.suffix.lower() not in (".xlsx", ".csv"):
            target = target.with_suffix(".csv" if "csv" in chosen.lower() else ".xlsx")
        self.export_to(target)

    def _on_exported(self, result: tuple[int, Path]) -> None:
        self.export_button.setEnabled(True)
        written, path = result
        errors.post(
            _("已导出 {n} 条记录到 {path}").format(n=written, path=path), Severity.INFO
        )
        self.exported.emit(result)
        self.apply_filters()  # the export is in the log now

    def _on_job_failed(self, error: BaseException) -> None:
        self.export_button.setEnabled(True)
        log.error("audit page job failed: %s", error, exc_info=error)
        errors.post(_("操作失败：{error}").format(error=error))


def make_page(env: PageEnv) -> QWidget:
    """The page factory of the navigation (see ``ui/pages.py``)."""
    return AuditPage(
        env.context.db, env.context.clock, env.actor, env.runner, env.parent
    )
