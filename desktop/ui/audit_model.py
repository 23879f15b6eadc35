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

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from desktop.i18n import _
from desktop.services import audit_log
from desktop.services.audit_log import AuditQuery, AuditRow
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 200

AnyIndex = QModelIndex | QPersistentModelIndex


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


class AuditModel(QAbstractTableModel):
    """Audit events, newest first, fetched lazily through a task runner.

    Signals:
        total_changed(int): the number of matching events is known.
        load_failed(str): a query failed; the message is for the operator.
    """

    total_changed = Signal(int)
    load_failed = Signal(str)

    def __init__(
        self, db: Database, actor: Actor, runner: TaskRunner, parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._runner = runner
        self._query = AuditQuery()
        self._rows: list[AuditRow] = []
        self._cells: list[list[str]] = []
        self._total = 0
        self._generation = 0
        self._fetching = False

    @property
    def total(self) -> int:
        """How many events match the current query."""
        return self._total

    @property
    def query(self) -> AuditQuery:
        """The query shown."""
        return self._query

    def row_at(self, row: int) -> AuditRow:
        """The event shown at ``row``."""
        return self._rows[row]

    def set_query(self, query: AuditQuery) -> None:
        """Show the events matching ``query`` (reloads from the top)."""
        self._generation += 1
        self._query = query
        self._fetching = True
        self.beginResetModel()
        self._rows, self._cells, self._total = [], [], 0
        self.endResetModel()
        self._runner.submit(
            _count_and_first_page,
            self._db,
            self._actor,
            query,
            PAGE_SIZE,
            on_result=partial(self._on_first_page_loaded, self._generation),
            on_error=self._on_query_failed,
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

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

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        if parent.isValid():
            return False
        return not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        self._runner.submit(
            _page,
            self._db,
            self._actor,
            self._query,
            len(self._rows),
            PAGE_SIZE,
            on_result=partial(self._on_page_loaded, self._generation),
            on_error=self._on_query_failed,
        )

    def _on_first_page_loaded(
        self, generation: int, loaded: tuple[int, list[AuditRow]]
    ) -> None:
        if generation != self._generation:
            return
        self._total = loaded[0]
        self._fetching = False
        self._append(loaded[1])
        self.total_changed.emit(self._total)

    def _on_page_loaded(self, generation: int, rows: list[AuditRow]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._append(rows)

    def _append(self, rows: list[AuditRow]) -> None:
        if not rows:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._cells.extend(row.cells() for row in rows)
        self.endInsertRows()

    def _on_query_failed(self, exc: BaseException) -> None:
        self._fetching = False
        log.error("audit log query failed: %s", exc, exc_info=exc)
        self.load_failed.emit(_("操作日志加载失败：{error}").format(error=exc))
