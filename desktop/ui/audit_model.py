"""A read-only table model over the audit log, loaded a page at a time.

Like the roster model, it never touches the database itself: the task
runner runs :mod:`desktop.services.audit_log` queries and the rows are
appended when they come back; pages of an older query are dropped. The
model offers no editing: no cell is editable and ``setData`` is Qt's,
which refuses every change.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from desktop.i18n import _
from desktop.services import audit_log
from desktop.services.audit_log import AuditQuery, AuditRow
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.ui.paged_model import AnyIndex, FirstPage, NextPage, PagedTableModel
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 200


def _count_and_first_page(
    db: Database, actor: Actor, query: AuditQuery, limit: int
) -> tuple[int, list[AuditRow]]:
    with db.sessions() as session:
        total = audit_log.count(session, actor, query)
        rows = audit_log.fetch_page(session, actor, query, 0, limit)
    return total, rows


def _page(
    db: Database, actor: Actor, query: AuditQuery, offset: int, limit: int
) -> list[AuditRow]:
    with db.sessions() as session:
        return audit_log.fetch_page(session, actor, query, offset, limit)


class AuditModel(PagedTableModel):
    """Audit events, newest first, fetched lazily through a task runner."""

    page_size = PAGE_SIZE

    def __init__(
        self, db: Database, actor: Actor, runner: TaskRunner, parent: Any = None
    ) -> None:
        super().__init__(runner, AuditQuery(), parent)
        self._db = db
        self._actor = actor
        self._cells: list[list[str]] = []

    def _first_page_task(self, query: AuditQuery, limit: int) -> FirstPage:
        return partial(_count_and_first_page, self._db, self._actor, query, limit)

    def _page_task(self, query: AuditQuery, offset: int, limit: int) -> NextPage:
        return partial(_page, self._db, self._actor, query, offset, limit)

    def _failure_text(self, error: BaseException) -> str:
        return _("操作日志加载失败：{error}").format(error=error)

    def _rows_added(self, rows: list[AuditRow]) -> None:
        self._cells.extend(row.cells() for row in rows)

    def _rows_cleared(self) -> None:
        self._cells = []

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(audit_log.COLUMNS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole
    ) -> Any:
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return _(audit_log.COLUMNS[section])
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.NoItemFlags
        return Qt.ItemIsEnabled | Qt.ItemIsSelectable  # never editable

    def data(self, index: AnyIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return self._cells[index.row()][index.column()]
        return None
