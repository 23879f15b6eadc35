"""A table model whose rows arrive a page at a time from a worker.

The model never touches the database itself: a subclass says how to count
and fetch a page (functions run by the task runner) and what each cell
shows; this class keeps the rows, asks for the next page when the view
scrolls, and drops pages of an older query that arrive late (each query
bumps a generation number).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Signal,
)

from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex
FirstPage = Callable[[], tuple[int, list[Any]]]
NextPage = Callable[[], list[Any]]


class PagedTableModel(QAbstractTableModel):
    """Rows of the current query, fetched lazily through a task runner.

    Subclasses implement ``_first_page_task``, ``_page_task`` and
    ``_failure_text``, plus ``columnCount``/``headerData``/``data``.

    Signals:
        total_changed(int): the number of matching rows is known.
        load_failed(str): a query failed; the message is for the operator.
    """

    total_changed = Signal(int)
    load_failed = Signal(str)

    page_size = 200

    def __init__(self, runner: TaskRunner, query: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._runner = runner
        self._query = query
        self._rows: list[Any] = []
        self._total = 0
        self._generation = 0
        self._fetching = False

    # --- what a subclass provides ------------------------------------------

    def _first_page_task(self, query: Any, limit: int) -> FirstPage:
        """A function (run off the GUI thread) giving (total, first rows)."""
        raise NotImplementedError

    def _page_task(self, query: Any, offset: int, limit: int) -> NextPage:
        """A function (run off the GUI thread) giving the rows at ``offset``."""
        raise NotImplementedError

    def _failure_text(self, error: BaseException) -> str:
        """What the operator reads when a query fails."""
        raise NotImplementedError

    def _rows_added(self, rows: list[Any]) -> None:
        """Called after ``rows`` were appended (for per-row caches)."""

    def _rows_cleared(self) -> None:
        """Called when the rows are dropped for a new query."""

    # --- the model ----------------------------------------------------------

    @property
    def total(self) -> int:
        """How many rows match the current query."""
        return self._total

    @property
    def query(self) -> Any:
        """The query shown."""
        return self._query

    def row_at(self, row: int) -> Any:
        """The row shown at ``row``."""
        return self._rows[row]

    def set_query(self, query: Any) -> None:
        """Show the rows matching ``query`` (reloads from the top)."""
        self._generation += 1
        self._query = query
        self._fetching = True
        self.beginResetModel()
        self._rows = []
        self._total = 0
        self._rows_cleared()
        self.endResetModel()
        self._runner.submit(
            self._first_page_task(query, self.page_size),
            on_result=partial(self._on_first_page_loaded, self._generation),
            on_error=self._on_query_failed,
        )

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802, B008
        if parent.isValid():
            return False
        return not self._fetching and len(self._rows) < self._total

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        self._runner.submit(
            self._page_task(self._query, len(self._rows), self.page_size),
            on_result=partial(self._on_page_loaded, self._generation),
            on_error=self._on_query_failed,
        )

    def _on_first_page_loaded(
        self, generation: int, loaded: tuple[int, list[Any]]
    ) -> None:
        if generation != self._generation:
            return
        self._total = loaded[0]
        self._fetching = False
        self._append(loaded[1])
        self.total_changed.emit(self._total)

    def _on_page_loaded(self, generation: int, rows: list[Any]) -> None:
        if generation != self._generation:
            return
        self._fetching = False
        self._append(rows)

    def _append(self, rows: list[Any]) -> None:
        if not rows:
            self._total = len(self._rows)  # the data shrank meanwhile
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self._rows_added(rows)
        self.endInsertRows()

    def _on_query_failed(self, exc: BaseException) -> None:
        self._fetching = False
        log.error("%s query failed", type(self).__name__, exc_info=exc)
        self.load_failed.emit(self._failure_text(exc))
