"""The dashboard (总览): the campaign's figures at a glance.

Tiles with the counts, today's check-ins by hour as a bar chart, and a
table of the gates. The page counts on a worker when it is shown and every
``REFRESH_MS`` while it stays visible; a refresh never overlaps another.
The chart (pyqtgraph) is made the first time the page is shown, so the
window opens without importing it.
"""

from __future__ import annotations

import logging
from dataclasses import astuple
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING, Clock
from desktop.i18n import N_, _
from desktop.services.auth import Actor
from desktop.services.dashboard import HOURS, Dashboard, dashboard
from desktop.services.db import Database
from desktop.ui import errors
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

REFRESH_MS = 30_000
BAR_COLOUR = "#2e7d32"
# (attribute of Dashboard, label, colour of the number)
TILES = (
    ("expected", N_("应登记"), "#37474f"),
    ("registered", N_("已登记"), "#2e7d32"),
    ("missing", N_("未登记"), "#c62828"),
    ("late", N_("逾期登记"), "#ef6c00"),
    ("approved", N_("批准返校"), "#1565c0"),
    ("checked_in_today", N_("今日报到"), "#2e7d32"),
    ("under_observation", N_("观察中"), "#6a1b9a"),
    ("eligible", N_("可解除观察"), "#00838f"),
    ("released", N_("已解除观察"), "#37474f"),
    ("abnormal_today", N_("今日异常打卡"), "#c62828"),
)
GATE_COLUMNS = (
    N_("校门"),
    N_("今日报到（人）"),
    N_("累计报到（人）"),
    N_("今日准入（人）"),
    N_("今日拒绝（人）"),
    N_("无法识别的码（次）"),
)


def _count(db: Database, clock: Clock, actor: Actor) -> Dashboard:
    with db.sessions() as session:
        return dashboard(session, clock, actor)


class _Tile(QFrame):
    """One figure: a big number over its label."""

    def __init__(self, label: str, colour: str, parent: QWidget) -> None:
        super().__init__(parent, objectName="dashboardTile")
        self.setStyleSheet(
            "#dashboardTile { background: #fafafa; border: 1px solid #dddddd;"
            " border-radius: 6px; }"
        )
        self.number = QLabel("—", self)
        self.number.setAlignment(Qt.AlignCenter)
        self.number.setStyleSheet(
            f"font-size: 30px; font-weight: bold; color: {colour};"
        )
        caption = QLabel(label, self)
        caption.setAlignment(Qt.AlignCenter)
        caption.setStyleSheet("font-size: 14px; color: #555555;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(caption)


class HourChart(QWidget):
    """Today's check-ins by hour, as bars (pyqtgraph, made on first show)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(220)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._plot: Any = None
        self._bars: Any = None
        self._heights: list[int] = [0] * HOURS

    @property
    def heights(self) -> list[int]:
        """The bars now drawn, one per hour."""
        return list(self._heights)

    def set_counts(self, per_hour: tuple[int, ...]) -> None:
        """Draw ``per_hour`` (24 values)."""
        self._heights = list(per_hour)
        if self._bars is not None:
            self._bars.setOpts(height=self._heights)
            self._plot.setYRange(0, max(max(self._heights), 1) * 1.1)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._plot is None:
            self._make_plot()
        super().showEvent(event)

    def _make_plot(self) -> None:
        import pyqtgraph  # noqa: PLC0415 - only once the chart is seen

        plot = pyqtgraph.PlotWidget(self, background="w")
        plot.setMenuEnabled(False)
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        plot.showGrid(y=True, alpha=0.25)
        item = plot.getPlotItem()
        item.setTitle(_("今日各时段报到人数"), color="#333333", size="11pt")
        bottom = item.getAxis("bottom")
        bottom.setTicks([[(h, f"{h}") for h in range(0, HOURS, 2)]])
        bottom.setLabel(_("时"))
        item.getAxis("left").setLabel(_("人数"))
        self._bars = pyqtgraph.BarGraphItem(
            x=list(range(HOURS)), height=self._heights, width=0.7, brush=BAR_COLOUR
        )
        plot.addItem(self._bars)
        plot.setXRange(-0.6, HOURS - 0.4, padding=0)
        plot.setYRange(0, max(max(self._heights), 1) * 1.1)
        self._plot = plot
        self._layout.addWidget(plot)


class DashboardPage(QWidget):
    """The figures of the operator's scope, refreshed by themselves.

    Signals:
        refreshed(object): the ``Dashboard`` now shown.
        refresh_failed(str): counting failed; the message is for the operator.
    """

    refreshed = Signal(object)
    refresh_failed = Signal(str)

    def __init__(
        self,
        db: Database,
        clock: Clock,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
        refresh_ms: int = REFRESH_MS,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._actor = actor
        self._runner = runner
        self._loading = False
        self.current: Dashboard | None = None
        self.timer = QTimer(self, interval=refresh_ms)
        self.timer.timeout.connect(self.refresh)
        self._build()

    def _build(self) -> None:
        self.tiles: dict[str, _Tile] = {}
        grid = QGridLayout()
        grid.setSpacing(10)
        for index, (name, label, colour) in enumerate(TILES):
            tile = _Tile(_(label), colour, self)
            self.tiles[name] = tile
            grid.addWidget(tile, index // 5, index % 5)

        self.chart = HourChart(self)
        self.gate_table = QTableWidget(0, len(GATE_COLUMNS), self)
        self.gate_table.setHorizontalHeaderLabels([_(c) for c in GATE_COLUMNS])
        self.gate_table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.gate_table.verticalHeader().hide()
        self.gate_table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.gate_table.setSelectionMode(QAbstractItemView.NoSelection)
        self.gate_table.setFocusPolicy(Qt.NoFocus)
        self.gate_table.setSizeAdjustPolicy(QAbstractItemView.AdjustToContents)
        self.gate_table.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.updated_label = QLabel(_("正在统计…"), self)
        self.refresh_button = QPushButton(_("刷新"), self)
        self.refresh_button.clicked.connect(self.refresh)

        top = QHBoxLayout()
        top.addWidget(self.updated_label, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.chart, 1)
        layout.addWidget(self.gate_table)

    def refresh(self) -> None:
        """Count again on a worker, unless a count is under way."""
        if self._loading:
            return
        self._loading = True
        self._runner.submit(
            _count,
            self._db,
            self._clock,
            self._actor,
            on_result=self._on_counted,
            on_error=self._on_count_failed,
        )

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self.refresh()
        self.timer.start()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self.timer.stop()
        super().hideEvent(event)

    def _on_counted(self, counts: Dashboard) -> None:
        self._loading = False
        self.current = counts
        for name, tile in self.tiles.items():
            tile.number.setText(f"{getattr(counts, name):,}")
        self.chart.set_counts(counts.per_hour)
        self._fill_gates(counts)
        moment = counts.at.astimezone(BEIJING)
        self.updated_label.setText(
            _("更新于 {time}（每 {seconds} 秒自动刷新）；累计报到 {total} 人").format(
                time=f"{moment:%H:%M:%S}",
                seconds=self.timer.interval() // 1000,
                total=f"{counts.checked_in_total:,}",
            )
        )
        self.refreshed.emit(counts)

    def _fill_gates(self, counts: Dashboard) -> None:
        self.gate_table.setRowCount(len(counts.gates))
        for row, gate in enumerate(counts.gates):
            # GateCounts lists its fields in the order of GATE_COLUMNS.
            for column, value in enumerate(astuple(gate)):
                item = QTableWidgetItem(str(value))
                if column:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                self.gate_table.setItem(row, column, item)

    def _on_count_failed(self, error: BaseException) -> None:
        self._loading = False
        log.error("dashboard not counted: %s", error, exc_info=error)
        message = _("总览统计失败：{error}").format(error=error)
        self.updated_label.setText(message)
        errors.post(message)
        self.refresh_failed.emit(message)


def make_page(env: PageEnv) -> QWidget:
    """The page factory of the navigation (see ``ui/pages.py``)."""
    return DashboardPage(
        env.context.db, env.context.clock, env.actor, env.runner, env.parent
    )
