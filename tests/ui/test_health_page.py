"""The health page: abnormal first, missing by class, chart, replay, record."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.clock import FixedClock
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.health_desk import HealthDay, HealthDesk
from desktop.ui.health_page import HealthPage
from desktop.ui.tasks import ThreadPoolRunner

WAIT_MS = 15_000


@dataclass
class HealthRig:
    page: HealthPage
    desk: HealthDesk


@pytest.fixture
def health_rig(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: object,
) -> Iterator[HealthRig]:
    desk = HealthDesk(demo_db, demo_clock, demo_actor("admin"))
    runner = ThreadPoolRunner()
    page = HealthPage(desk, runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    with qtbot.waitSignal(page.day_loaded, timeout=WAIT_MS):
        page.show()
    yield HealthRig(page, desk)
    runner.wait_for_done(WAIT_MS)


def _shown(page: HealthPage) -> HealthDay:
    shown = page._shown  # noqa: SLF001 - what the page last showed
    assert shown is not None
    return shown


def test_day_defaults_to_today_and_lists_missing_by_class(
    health_rig: HealthRig,
) -> None:
    page = health_rig.page
    shown = _shown(page)

    assert page.day() == health_rig.desk.today()
    groups = [g for g in shown.missing if g.missing]
    assert groups, "the demo leaves someone without today's punch-in"
    tree = page.missing
    assert tree.topLevelItemCount() == len(groups)
    for index, group in enumerate(groups):
        item = tree.topLevelItem(index)
        assert item.text(0).startswith(group.class_name) and "未打卡" in item.text(0)
        names = [item.child(i).text(0) for i in range(item.childCount())]
        assert names == [f"{m.student_no}  {m.name}" for m in group.missing]
        assert all(item.child(i).text(1) for i in range(item.childCount()))
    assert f"未打卡 {shown.missing_count} 人" in page.summary.text()


def test_replayed_reports_are_flagged_in_words_and_icon(
    health_rig: HealthRig,
) -> None:
    page = health_rig.page
    rows = _shown(page).reports
    flagged = [i for i, row in enumerate(rows) if row.replay is not None]
    assert flagged, "the demo has students who report like a machine"

    for index in flagged:
        item = page.reports.item(index, 8)
        assert "疑似重复提交" in item.text() or "疑似代打卡" in item.text()
        assert not item.icon().isNull()
    clean = next(i for i, row in enumerate(rows) if row.replay is None)
    assert page.reports.item(clean, 8).text() == ""


def test_chart_draws_the_series_with_gaps(qtbot: QtBot, health_rig: HealthRig) -> None:
    page = health_rig.page
    rows = _shown(page).reports
    index = max(range(len(rows)), key=lambda i: rows[i].day)  # any row

    with qtbot.waitSignal(page.series_loaded, timeout=WAIT_MS) as blocker:
        page.reports.selectRow(index)
    series = blocker.args[0]

    assert series.student_no == rows[index].student_no
    assert page.chart.plotted_points() == [
        (p.day, p.temperature) for p in series.points
    ]
    xs, ys = page.chart.line_data()
    assert len(xs) == len(series.points)
    for point, y in zip(series.points, ys, strict=True):
        assert math.isnan(y) if point.temperature is None else y == point.temperature
    assert series.student_no in page.chart.caption.text()


def test_record_then_correct_a_punch_in(qtbot: QtBot, health_rig: HealthRig) -> None:
    page, desk = health_rig.page, health_rig.desk
    group = next(g for g in _shown(page).missing if g.missing)
    student = group.missing[0]
    parent = page.missing.topLevelItem(0)
    page.missing.setCurrentItem(parent.child(0))
    assert page.selected_choice().student_id == student.student_id

    # Record a fever with a cough.
    qtbot.mouseClick(page.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=WAIT_MS)
    dialog = page.dialog
    assert dialog.windowTitle() == "记录健康打卡" and dialog.versions.isHidden()
    assert dialog.temperature.minimum() == 35.0 and dialog.temperature.maximum() == 42.0
    assert dialog.temperature.singleStep() == pytest.approx(0.1)
    dialog.temperature.setValue(38.2)
    dialog.symptom_boxes["咳嗽"].setChecked(True)
    with qtbot.waitSignal(page.punch_in_saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert saved.args == [1]
    qtbot.waitUntil(
        lambda: (
            bool(_shown(page).reports)
            and _shown(page).reports[0].student_id == student.student_id
        ),
        timeout=WAIT_MS,
    )

    # Abnormal first, marked in words, icon and colour.
    first = page.reports.item(0, 0)
    assert first.text() == "异常" and not first.icon().isNull()
    assert page.reports.item(0, 4).text() == "38.2℃"
    assert page.reports.item(0, 5).text() == "咳嗽"
    rows = _shown(page).reports
    assert [r.abnormal for r in rows] == sorted(
        (r.abnormal for r in rows), reverse=True
    )

    # Correct it: the dialog lists the earlier value, which the service keeps.
    page.reports.selectRow(0)
    qtbot.mouseClick(page.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=WAIT_MS)
    dialog = page.dialog
    assert dialog.windowTitle() == "更正健康打卡"
    assert dialog.versions.count() == 1 and "38.2℃" in dialog.versions.item(0).text()
    assert dialog.temperature.value() == pytest.approx(38.2)
    dialog.temperature.setValue(36.6)
    dialog.symptom_boxes["咳嗽"].setChecked(False)
    dialog.note.insert("体温计读错，已复测")
    with qtbot.waitSignal(page.punch_in_saved, timeout=WAIT_MS) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert saved.args == [2]

    versions = desk.versions(student.student_id, page.day())
    assert [(v.version, v.temperature, v.current) for v in versions] == [
        (1, 38.2, False),
        (2, 36.6, True),
    ]
    qtbot.waitUntil(
        lambda: all(
            not r.abnormal
            for r in _shown(page).reports
            if r.student_id == student.student_id
        ),
        timeout=WAIT_MS,
    )
    row = next(
        i
        for i, r in enumerate(_shown(page).reports)
        if r.student_id == student.student_id
    )
    assert page.reports.item(row, 7).text() == "2（已更正）"


def test_a_refused_punch_in_keeps_the_dialog_open(
    qtbot: QtBot, health_rig: HealthRig
) -> None:
    page = health_rig.page
    page.number_edit.setText(_shown(page).reports[0].student_no)
    qtbot.mouseClick(page.record_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: page.dialog is not None, timeout=WAIT_MS)
    dialog = page.dialog
    dialog.note.setMaxLength(500)
    dialog.note.setText("长" * 300)  # longer than the service allows

    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    qtbot.waitUntil(dialog.problems.isVisible, timeout=WAIT_MS)

    assert "200" in dialog.problems.text() and dialog.isVisible()
    assert dialog.buttons.isEnabled()
    row = _shown(page).reports[0]
    versions = health_rig.desk.versions(row.student_id, page.day())
    assert len(versions) == row.version  # nothing was added


def test_roster_column_provider_keeps_to_the_scope(
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
) -> None:
    from sqlalchemy import select

    from desktop.models import Student
    from desktop.services.observation import statuses_by_number

    admin, head_teacher = demo_actor("admin"), demo_actor("head")
    with demo_db.sessions() as session:
        numbers = list(session.scalars(select(Student.student_no)))
        everyone = statuses_by_number(session, demo_clock, admin, numbers)
        head = statuses_by_number(session, demo_clock, head_teacher, numbers)

    assert everyone and set(head) < set(everyone)
    assert all(status.describe() for status in everyone.values())
    assert {s.state.value for s in everyone.values()} >= {"released", "eligible"}
