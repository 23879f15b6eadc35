"""A table model over the roster that loads pages as the view scrolls.

The model never touches the database itself: it asks the task runner to
run :mod:`desktop.services.roster` queries and appends the rows when they
come back. A new query bumps a generation number, so pages of an older
query that arrive late are dropped.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor

from desktop.clock import BEIJING, Clock
from desktop.i18n import N_, _
from desktop.services import roster
from desktop.services.approvals import FLAG_LABELS
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.roster import RosterQuery, RosterRow
from desktop.ui.paged_model import AnyIndex, FirstPage, NextPage, PagedTableModel
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

PAGE_SIZE = 200

HEADERS = (
    N_("学号"),
    N_("姓名"),
    N_("性别"),
    N_("班级"),
    N_("学院"),
    N_("登记"),
    N_("返校审批"),
    N_("报到时间"),
    N_("报到校门"),
    N_("证件号码"),
    N_("标记"),
    N_("观察状态"),
)
FLAG_COLUMN = 10
OBSERVATION_COLUMN = 11
_FLAG_COLOUR = QColor("#b71c1c")
_APPROVALS = {"campus": N_("批准返校"), "beijing_only": N_("返京不返校")}


def _count_and_first_page(
    db: Database, actor: Actor, clock: Clock | None, query: RosterQuery, limit: int
) -> tuple[int, list[RosterRow]]:
    with db.sessions() as session:
        total = roster.count(session, actor, query, clock=clock)
        rows = roster.fetch_page(session, actor, query, 0, limit, clock=clock)
    return total, rows


def _page(
    db: Database,
    actor: Actor,
    clock: Clock | None,
    query: RosterQuery,
    offset: int,
    limit: int,
) -> list[RosterRow]:
    with db.sessions() as session:
        return roster.fetch_page(session, actor, query, offset, limit, clock=clock)


def flags_text(row: RosterRow) -> str:
    """The row's flags in words, in a fixed order."""
    return "、".join(_(FLAG_LABELS[flag]) for flag in sorted(row.flags))


def cell_text(row: RosterRow, column: int) -> str:
    """What the roster shows for ``row`` in ``column``."""
    if column == 5:
        return _("已登记") if row.registered else _("未登记")
    if column == 6:
        if row.approval is None:
            return _("未审批")
        label = _(_APPROVALS.get(row.approval, row.approval))
        if row.approved_from is not None:
            return f"{label}（{row.approved_from:%m-%d}起）"
        return label
    if column == 7:
        if row.checked_in_at is None:
            return ""
        return row.checked_in_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    values = (
        row.student_no,
        row.name,
        row.gender,
        row.class_name,
        row.college_name,
    )
    if column < len(values):
        return values[column]
    if column == 8:
        return row.gate or ""
    if column == FLAG_COLUMN:
        return flags_text(row)
    if column == OBSERVATION_COLUMN:
        return row.observation
    return row.masked_document


class RosterModel(PagedTableModel):
    """Roster rows, fetched lazily in pages through a task runner.

    Args:
        clock: today's date for the flags (None: the wall clock).
    """

    page_size = PAGE_SIZE

    def __init__(
        self,
        db: Database,
        actor: Actor,
        runner: TaskRunner,
        parent: Any = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(runner, RosterQuery(), parent)
        self._db = db
        self._actor = actor
        self._clock = clock

    def _first_page_task(self, query: RosterQuery, limit: int) -> FirstPage:
        return partial(
            _count_and_first_page, self._db, self._actor, self._clock, query, limit
        )

    def _page_task(self, query: RosterQuery, offset: int, limit: int) -> NextPage:
        return partial(_page, self._db, self._actor, self._clock, query, offset, limit)

    def _failure_text(self, error: BaseException) -> str:
        return _("名单加载失败：{error}").format(error=error)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.DisplayRole
    ) -> Any:
        if role == Qt.DisplayRole and orientation == Qt.Horizontal:
            return _(HEADERS[section])
        return None

    def data(self, index: AnyIndex, role: int = Qt.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role in (Qt.DisplayRole, Qt.ToolTipRole):
            return cell_text(row, index.column())
        if role == Qt.ForegroundRole and index.column() == 5 and not row.registered:
            return Qt.red
        if role == Qt.ForegroundRole and index.column() == FLAG_COLUMN:
            return _FLAG_COLOUR
        return None
