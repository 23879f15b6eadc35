"""The health page (健康打卡): a day's punch-ins, who is missing, the chart.

For a chosen day (today by default): the reports in the operator's scope
with the abnormal ones first, marked with an icon and the word 异常 as well
as a colour; a replay flag in words on reports that look replayed; each
student's observation state; the students who have not punched in, by
class. Selecting a student draws their temperature over the observation
period. A punch-in can be recorded for a student, or corrected; the
service keeps the earlier values and the dialog lists them.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING
from desktop.i18n import N_, _
from desktop.services.auth import PermissionDenied
from desktop.services.health import SYMPTOM_SEPARATOR, PunchInInvalid
from desktop.services.health_desk import (
    HealthDay,
    HealthDesk,
    ReportVersion,
    StudentChoice,
    StudentSeries,
)
from desktop.services.health_queries import ReportRow
from desktop.services.observation import (
    STATE_LABELS,
    ObservationState,
    ObservationStatus,
)
from desktop.ui import errors
from desktop.ui.punch_in_dialog import PunchInDialog
from desktop.ui.tasks import TaskRunner
from desktop.ui.temperature_chart import TemperatureChart

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

HEADERS = (
    N_("情况"),
    N_("学号"),
    N_("姓名"),
    N_("班级"),
    N_("体温"),
    N_("症状"),
    N_("提交时间"),
    N_("版本"),
    N_("疑似重复"),
    N_("观察状态"),
)
ABNORMAL_BACKGROUND = QColor("#fde0e0")
MAX_COLUMN = 300  # pixels; longer texts are elided, the tooltip has them
CHOICE_ROLE = Qt.UserRole + 1


class HealthPage(QWidget):
    """Day picker, reports table, missing list by class and the chart.

    Signals:
        day_loaded(object): the ``HealthDay`` now shown.
        series_loaded(object): the ``StudentSeries`` now drawn.
        punch_in_saved(int): a punch-in was saved; its current version.
    """

    day_loaded = Signal(object)
    series_loaded = Signal(object)
    punch_in_saved = Signal(int)

    def __init__(
        self, desk: HealthDesk, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._shown: HealthDay | None = None
        self._dialog: PunchInDialog | None = None
        self._selected: StudentChoice | None = None
        self._build()
        self._connect()
        self.reload()

    def _build(self) -> None:
        self.date_edit = QDateEdit(self, calendarPopup=True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDate(_qdate(self._desk.today()))
        self.today_button = QPushButton(_("今天"), self)
        self.number_edit = QLineEdit(self)
        self.number_edit.setPlaceholderText(_("学号"))
        self.number_edit.setMaximumWidth(160)
        self.record_button = QPushButton(_("记录 / 更正打卡…"), self)
        self.summary = QLabel(self, objectName="healthSummary")
        self.summary.setStyleSheet("#healthSummary { font-weight: bold; }")
        bar = QHBoxLayout()
        bar.addWidget(QLabel(_("日期："), self))
        bar.addWidget(self.date_edit)
        bar.addWidget(self.today_button)
        bar.addSpacing(16)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.number_edit)
        bar.addWidget(self.record_button)

        self.reports = QTableWidget(0, len(HEADERS), self)
        self.reports.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.reports.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.reports.setSelectionMode(QAbstractItemView.SingleSelection)
        self.reports.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.reports.verticalHeader().hide()
        self.reports.horizontalHeader().setStretchLastSection(True)
        self.missing = QTreeWidget(self)
        self.missing.setHeaderLabels([_("未打卡（按班级）"), _("观察状态")])
        self.missing.header().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.chart = TemperatureChart(self)

        upper = QWidget(self)
        column = QVBoxLayout(upper)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(QLabel(_("当日打卡（异常在前）"), upper))
        column.addWidget(self.reports, 1)
        lower = QSplitter(Qt.Horizontal, self)
        lower.addWidget(self.chart)
        lower.addWidget(self.missing)
        lower.setSizes([640, 470])
        body = QSplitter(Qt.Vertical, self)
        body.addWidget(upper)
        body.addWidget(lower)
        body.setSizes([380, 330])
        page = QVBoxLayout(self)
        page.setContentsMargins(10, 10, 10, 10)
        page.addLayout(bar)
        page.addWidget(body, 1)

    def _connect(self) -> None:
        self.date_edit.dateChanged.connect(self.reload)
        self.today_button.clicked.connect(self._on_today_button_clicked)
        self.record_button.clicked.connect(self._on_record_button_clicked)
        self.number_edit.returnPressed.connect(self._on_record_button_clicked)
        self.reports.itemSelectionChanged.connect(self._on_reports_selection_changed)
        self.reports.itemDoubleClicked.connect(self._on_record_button_clicked)
        self.missing.itemSelectionChanged.connect(self._on_missing_selection_changed)
        self.missing.itemDoubleClicked.connect(self._on_record_button_clicked)

    # Loading.

    def day(self) -> date:
        """The day shown."""
        return self.date_edit.date().toPython()

    def reload(self) -> None:
        """Read the chosen day again."""
        self.summary.setText(_("正在查询…"))
        self._runner.submit(
            self._desk.load_day,
            self.day(),
            on_result=self._on_day_loaded,
            on_error=self._on_load_failed,
        )

    def _on_today_button_clicked(self) -> None:
        self.date_edit.setDate(_qdate(self._desk.today()))

    def _on_day_loaded(self, shown: HealthDay) -> None:
        if shown.day != self.day():
            return  # the operator picked another day meanwhile
        self._shown = shown
        self._fill_reports(shown)
        self._fill_missing(shown)
        abnormal = sum(1 for row in shown.reports if row.abnormal)
        self.summary.setText(
            _("已打卡 {done} 人，其中异常 {abnormal} 人；未打卡 {missing} 人").format(
                done=len(shown.reports),
                abnormal=abnormal,
                missing=shown.missing_count,
            )
        )
        self.day_loaded.emit(shown)

    def _on_load_failed(self, exc: BaseException) -> None:
        log.error("health day not loaded", exc_info=exc)
        message = _("打卡记录加载失败：{error}").format(error=exc)
        self.summary.setText(message)
        errors.post(message)

    def _fill_reports(self, shown: HealthDay) -> None:
        table = self.reports
        table.setRowCount(len(shown.reports))
        warn = self.style().standardIcon(QStyle.SP_MessageBoxWarning)
        replay = self.style().standardIcon(QStyle.SP_MessageBoxQuestion)
        bold = QFont(table.font())
        bold.setBold(True)
        for row, report in enumerate(shown.reports):
            status = shown.statuses.get(report.student_id)
            cells = _report_cells(report, short_state(status))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if report.abnormal:
                    item.setBackground(QBrush(ABNORMAL_BACKGROUND))
                    item.setFont(bold)
                table.setItem(row, column, item)
            first = table.item(row, 0)
            first.setData(CHOICE_ROLE, _choice(report))
            if report.abnormal:
                first.setIcon(warn)
            if report.replay is not None:
                table.item(row, 8).setIcon(replay)
            if status is not None:
                table.item(row, 9).setToolTip(status.describe())
        table.resizeColumnsToContents()
        for column in range(table.columnCount()):
            table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN))
        table.horizontalHeader().setStretchLastSection(False)
        table.horizontalHeader().setStretchLastSection(True)

    def _fill_missing(self, shown: HealthDay) -> None:
        tree = self.missing
        tree.clear()
        for group in shown.missing:
            if not group.missing:
                continue
            parent = QTreeWidgetItem(
                [
                    _("{name}　未打卡 {n}/{expected}").format(
                        name=group.class_name,
                        n=len(group.missing),
                        expected=group.expected,
                    ),
                    "",
                ]
            )
            tree.addTopLevelItem(parent)
            for student in group.missing:
                status = shown.statuses.get(student.student_id)
                child = QTreeWidgetItem(
                    [f"{student.student_no}  {student.name}", short_state(status)]
                )
                child.setToolTip(1, status.describe() if status else "")
                child.setData(
                    0,
                    CHOICE_ROLE,
                    StudentChoice(
                        student.student_id,
                        student.student_no,
                        student.name,
                        group.class_name,
                    ),
                )
                parent.addChild(child)
            parent.setExpanded(True)
        if tree.topLevelItemCount() == 0:
            tree.addTopLevelItem(QTreeWidgetItem([_("全部已打卡"), ""]))

    # Selection and chart.

    def selected_choice(self) -> StudentChoice | None:
        """The student last selected in the table or the missing list."""
        return self._selected

    def _on_reports_selection_changed(self) -> None:
        items = self.reports.selectedItems()
        if items:
            self.missing.clearSelection()
            row = items[0].row()
            self._select(self.reports.item(row, 0).data(CHOICE_ROLE))

    def _on_missing_selection_changed(self) -> None:
        items = self.missing.selectedItems()
        choice = items[0].data(0, CHOICE_ROLE) if items else None
        if choice is not None:
            self.reports.clearSelection()
            self._select(choice)

    def _select(self, choice: StudentChoice) -> None:
        self._selected = choice
        self._load_series(choice)

    def show_student(self, choice: StudentChoice) -> None:
        """Draw ``choice``'s temperature over the observation period."""
        self._load_series(choice)

    def _load_series(self, choice: StudentChoice | None) -> None:
        if choice is None:
            return
        self._runner.submit(
            self._desk.series,
            choice.student_id,
            on_result=self._on_series_loaded,
            on_error=self._on_load_failed,
        )

    def _on_series_loaded(self, series: StudentSeries) -> None:
        self.chart.show_series(series)
        self.series_loaded.emit(series)

    # Recording and correcting.

    def _on_record_button_clicked(self) -> None:
        number = self.number_edit.text().strip()
        if number:
            self._runner.submit(
                self._desk.find,
                number,
                on_result=self._on_student_found,
                on_error=self._on_load_failed,
            )
            return
        choice = self.selected_choice()
        if choice is None:
            errors.post(_("请先选择学生，或输入学号"), errors.Severity.INFO)
            return
        self.open_punch_in(choice)

    def _on_student_found(self, choice: StudentChoice | None) -> None:
        if choice is None:
            errors.post(_("查无此学号，或不在您负责的范围内"), errors.Severity.WARNING)
            return
        self.number_edit.clear()
        self.open_punch_in(choice)

    def open_punch_in(self, choice: StudentChoice) -> None:
        """Open the record/correct dialog for ``choice`` on the day shown."""
        day = self.day()
        self._runner.submit(
            self._desk.versions,
            choice.student_id,
            day,
            on_result=partial(self._show_dialog, choice, day),
            on_error=self._on_load_failed,
        )

    def _show_dialog(
        self, choice: StudentChoice, day: date, versions: list[ReportVersion]
    ) -> None:
        dialog = PunchInDialog(choice, day, versions, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.punch_in_entered.connect(self._on_dialog_punch_in_entered)
        self._dialog = dialog
        dialog.open()

    @property
    def dialog(self) -> PunchInDialog | None:
        """The record/correct dialog now open, if any."""
        return self._dialog

    def _on_dialog_punch_in_entered(
        self, temperature: float, symptoms: tuple[str, ...], note: str
    ) -> None:
        dialog = self._dialog
        if dialog is None:
            return
        self._runner.submit(
            self._desk.record,
            dialog.student.student_id,
            dialog.day,
            temperature,
            symptoms,
            note or None,
            on_result=self._on_punch_in_recorded,
            on_error=self._on_punch_in_failed,
        )

    def _on_punch_in_recorded(self, version: int) -> None:
        dialog, self._dialog = self._dialog, None
        if dialog is not None:
            dialog.finish()
            self.show_student(dialog.student)
        errors.post(_("打卡已保存（第{n}版）").format(n=version), errors.Severity.INFO)
        self.reload()
        self.punch_in_saved.emit(version)

    def _on_punch_in_failed(self, exc: BaseException) -> None:
        if isinstance(exc, PunchInInvalid):
            problems = list(exc.errors.values())
        elif isinstance(exc, PermissionDenied):
            problems = [str(exc)]
        else:
            log.error("punch-in not saved", exc_info=exc)
            problems = [_("保存失败：{error}").format(error=type(exc).__name__)]
        if self._dialog is not None:
            self._dialog.show_problems(problems)
        else:
            errors.post("；".join(problems))


def _report_cells(report: ReportRow, state: str) -> list[str]:
    return [
        _("异常") if report.abnormal else _("正常"),
        report.student_no,
        report.name,
        report.class_name,
        f"{report.temperature:.1f}℃",
        SYMPTOM_SEPARATOR.join(report.symptoms) or _("无"),
        report.reported_at.astimezone(BEIJING).strftime("%H:%M"),
        str(report.version)
        if report.version == 1
        else _("{n}（已更正）").format(n=report.version),
        report.replay.describe() if report.replay is not None else "",
        state,
    ]


def short_state(status: ObservationStatus | None) -> str:
    """The state and the day of the period, for a narrow column."""
    if status is None:
        return ""
    label = _(STATE_LABELS[status.state])
    if status.state is ObservationState.ELIGIBLE:
        return _("{label}（{day}起）").format(label=label, day=status.eligible_since)
    if status.released_on is not None or status.undone_on is not None:
        return label
    return _("{label}，第{n}/{total}天").format(
        label=label, n=status.day_number, total=status.observation_days
    )


def _choice(report: ReportRow) -> StudentChoice:
    return StudentChoice(
        report.student_id, report.student_no, report.name, report.class_name
    )


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def make_page(env: PageEnv) -> QWidget:
    """The page factory registered in ``pages.page_specs``."""
    desk = HealthDesk(env.context.db, env.context.clock, env.actor)
    return HealthPage(desk, env.runner, env.parent)
