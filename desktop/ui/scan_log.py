"""The gate page's counters and its list of recent scans."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from desktop.clock import BEIJING
from desktop.i18n import N_, _
from desktop.services.gate import GateCounters, GateResult
from desktop.services.verdict import Verdict

MAX_ROWS = 100

_VERDICT_WORDS = {
    Verdict.ADMIT: N_("✔ 准予报到"),
    Verdict.ALREADY: N_("! 已报到"),
    Verdict.NOT_YET: N_("! 未到日期"),
    Verdict.REFUSE: N_("✖ 拒绝"),
}
_VERDICT_COLOURS = {
    Verdict.ADMIT: "#1b7d36",
    Verdict.ALREADY: "#9a6200",
    Verdict.NOT_YET: "#9a6200",
    Verdict.REFUSE: "#c4161c",
}


class CountersPanel(QFrame):
    """Admitted today at this gate, checked in overall, refused today."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="countersPanel")
        self._values: list[QLabel] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        captions = (_("今日本门报到"), _("累计报到"), _("今日拒绝"))
        for column, caption in enumerate(captions):
            value = QLabel("–", self, objectName="counterValue")
            value.setAlignment(Qt.AlignCenter)
            label = QLabel(caption, self, objectName="counterCaption")
            label.setAlignment(Qt.AlignCenter)
            grid.addWidget(value, 0, column)
            grid.addWidget(label, 1, column)
            self._values.append(value)
        self.setStyleSheet(
            "#countersPanel { background: #f5f7f8; border-radius: 8px; }"
            "#counterValue { font-size: 34px; font-weight: bold; color: #263238; }"
            "#counterCaption { font-size: 15px; color: #546e7a; }"
        )

    def show_counters(self, counters: GateCounters) -> None:
        """Show the latest numbers."""
        numbers = (
            counters.admitted_here_today,
            counters.checked_in_total,
            counters.refused_here_today,
        )
        for label, number in zip(self._values, numbers, strict=True):
            label.setText(str(number))

    def texts(self) -> tuple[str, str, str]:
        """The three numbers as shown (for tests)."""
        first, second, third = (label.text() for label in self._values)
        return first, second, third


class RecentScans(QTableWidget):
    """The latest scans, newest first: time, verdict, student no, reason."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, 4, parent)
        self.setHorizontalHeaderLabels([_("时间"), _("结果"), _("学号"), _("原因")])
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setFocusPolicy(Qt.NoFocus)
        self.verticalHeader().hide()
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        for column in range(3):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.Stretch)

    def add_result(self, result: GateResult) -> None:
        """Put ``result`` at the top, dropping the oldest beyond the limit."""
        when = result.scanned_at.astimezone(BEIJING).strftime("%H:%M:%S")
        cells = (
            when,
            _(_VERDICT_WORDS[result.verdict]),
            result.student_no or "—",
            "；".join(result.reasons),
        )
        self.insertRow(0)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if column == 1:
                item.setForeground(QColor(_VERDICT_COLOURS[result.verdict]))
            self.setItem(0, column, item)
        while self.rowCount() > MAX_ROWS:
            self.removeRow(self.rowCount() - 1)
