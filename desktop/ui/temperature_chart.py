"""One student's temperature over the observation period (pyqtgraph).

Days without a punch-in are gaps in the line, not zeros; the fever
threshold is a dashed line with its value written on it; abnormal days are
drawn as large triangles as well as in red, so they stand out without
colour too. The x axis counts days and is labelled with dates.
"""

from __future__ import annotations

import logging
import math
from datetime import date

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.services.health_desk import StudentSeries
from desktop.services.health_queries import SeriesPoint

log = logging.getLogger(__name__)

Y_RANGE = (35.5, 39.5)


class DateAxis(pg.AxisItem):
    """Day numbers shown as MM-DD of the series' first day onwards."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom")
        self.days: list[date] = []

    def tickStrings(  # noqa: N802 - pyqtgraph override
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        labels = []
        for value in values:
            index = round(value)
            inside = 0 <= index < len(self.days) and abs(value - index) < 1e-6
            labels.append(self.days[index].strftime("%m-%d") if inside else "")
        return labels


class TemperatureChart(QWidget):
    """A caption and the plot of one ``StudentSeries``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel(_("选择一名学生查看观察期体温曲线"), self)
        self.caption.setStyleSheet("font-weight: bold;")
        self.caption.setWordWrap(True)
        self._axis = DateAxis()
        self.plot = pg.PlotWidget(self, axisItems={"bottom": self._axis})
        self.plot.setBackground("w")
        self.plot.showGrid(x=False, y=True, alpha=0.25)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setLabel("left", _("体温（℃）"))
        self.plot.getPlotItem().hideButtons()
        self.plot.setYRange(*Y_RANGE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.caption)
        layout.addWidget(self.plot, 1)
        self._line: pg.PlotDataItem | None = None
        self._normal: pg.ScatterPlotItem | None = None
        self._abnormal: pg.ScatterPlotItem | None = None
        self._series: StudentSeries | None = None

    def show_series(self, series: StudentSeries) -> None:
        """Draw ``series`` in place of what is shown."""
        self._series = series
        self.plot.clear()
        points = series.points
        self._axis.days = [p.day for p in points]
        xs = list(range(len(points)))
        ys = [p.temperature if p.temperature is not None else math.nan for p in points]
        self._line = self.plot.plot(
            xs, ys, pen=pg.mkPen("#1565c0", width=2), connect="finite"
        )
        normal = [(x, p.temperature) for x, p in enumerate(points) if _shown(p, False)]
        high = [(x, p.temperature) for x, p in enumerate(points) if _shown(p, True)]
        self._normal = pg.ScatterPlotItem(
            [x for x, _y in normal],
            [y for _x, y in normal],
            size=8,
            symbol="o",
            brush=pg.mkBrush("#1565c0"),
            pen=None,
        )
        self._abnormal = pg.ScatterPlotItem(
            [x for x, _y in high],
            [y for _x, y in high],
            size=16,
            symbol="t1",
            brush=pg.mkBrush("#c4161c"),
            pen=pg.mkPen("k"),
        )
        self.plot.addItem(self._normal)
        self.plot.addItem(self._abnormal)
        threshold = pg.InfiniteLine(
            pos=series.fever_threshold,
            angle=0,
            pen=pg.mkPen("#c4161c", width=1.5, style=Qt.DashLine),
            label=_("发热线 {t:.1f}℃").format(t=series.fever_threshold),
            labelOpts={"position": 0.08, "color": "#c4161c", "movable": False},
        )
        self.plot.addItem(threshold)
        top = max([Y_RANGE[1], *(y for y in ys if not math.isnan(y))]) + 0.2
        self.plot.setYRange(Y_RANGE[0], top, padding=0)
        self.plot.setXRange(-0.5, max(len(points) - 0.5, 0.5), padding=0)
        self.caption.setText(self._caption(series))

    def _caption(self, series: StudentSeries) -> str:
        points = series.points
        missing = sum(1 for p in points[:-1] if p.temperature is None)
        text = _("{name}（{no}）{start}起{days}天，缺打卡{missing}天").format(
            name=series.name,
            no=series.student_no,
            start=points[0].day.strftime("%m-%d") if points else "",
            days=len(points),
            missing=missing,
        )
        if points and points[-1].temperature is None:
            text += _("，{day}尚未打卡").format(day=points[-1].day.strftime("%m-%d"))
        if series.status is not None:
            text += "\n" + series.status.describe()
        return text

    def plotted_points(self) -> list[tuple[date, float | None]]:
        """The days and temperatures drawn, gaps as None (for tests)."""
        if self._series is None:
            return []
        return [(p.day, p.temperature) for p in self._series.points]

    def line_data(self) -> tuple[list[float], list[float]]:
        """The x and y values given to the line (gaps are NaN)."""
        if self._line is None:
            return [], []
        xs, ys = self._line.getData()
        return list(xs), list(ys)

    def clear_chart(self) -> None:
        """Show nothing."""
        self._series = None
        self._line = None
        self.plot.clear()
        self.caption.setText(_("选择一名学生查看观察期体温曲线"))


def _shown(point: SeriesPoint, abnormal: bool) -> bool:
    return point.temperature is not None and point.abnormal is abnormal
