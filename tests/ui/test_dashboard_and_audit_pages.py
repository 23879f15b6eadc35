"""The dashboard and the audit log pages on the demo school."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.clock import FixedClock
from desktop.services.dashboard import dashboard
from desktop.services.db import Database
from desktop.ui import errors
from desktop.ui.audit_page import AuditPage
from desktop.ui.dashboard_page import DashboardPage
from desktop.ui.tasks import ThreadPoolRunner

WAIT_MS = 15_000


@pytest.fixture
def runner() -> Iterator[ThreadPoolRunner]:
    pool = ThreadPoolRunner()
    yield pool
    pool.wait_for_done(WAIT_MS)


def test_dashboard_shows_the_counts_and_the_chart(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor,
    runner: ThreadPoolRunner,
    error_sink: errors.ErrorSink,
) -> None:
    actor = demo_actor("admin")
    page = DashboardPage(demo_db, demo_clock, actor, runner, refresh_ms=60_000)
    qtbot.addWidget(page)
    page.resize(1280, 800)

    with qtbot.waitSignal(page.refreshed, timeout=WAIT_MS) as blocker:
        page.show()

    with demo_db.sessions() as session:
        expected = dashboard(session, demo_clock, actor)
    shown = blocker.args[0]
    assert shown == expected
    assert page.tiles["expected"].number.text() == f"{expected.expected:,}"
    assert page.tiles["missing"].number.text() == str(expected.missing)
    assert page.tiles["released"].number.text() == str(expected.released)
    assert page.chart.heights == list(expected.per_hour)
    assert page.gate_table.rowCount() == len(expected.gates)
    assert page.timer.isActive() and page.timer.interval() == 60_000


def test_dashboard_refreshes_by_itself_and_stops_when_hidden(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor,
    runner: ThreadPoolRunner,
    error_sink: errors.ErrorSink,
) -> None:
    page = DashboardPage(demo_db, demo_clock, demo_actor("head"), runner, refresh_ms=50)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.refreshed, timeout=WAIT_MS):
        page.show()

    with qtbot.waitSignal(page.refreshed, timeout=WAIT_MS):
        pass  # the timer, not a click, counts again

    page.hide()
    assert not page.timer.isActive()


@pytest.fixture
def audit_page(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor,
    runner: ThreadPoolRunner,
    error_sink: errors.ErrorSink,
) -> AuditPage:
    page = AuditPage(demo_db, demo_clock, demo_actor("admin"), runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.model.total > 0, timeout=WAIT_MS)
    return page


def test_audit_page_filters_and_cannot_edit(
    audit_page: AuditPage, qtbot: QtBot
) -> None:
    model = audit_page.model
    first = model.index(0, 4)

    assert not model.flags(first) & Qt.ItemIsEditable
    assert not model.setData(first, "changed", Qt.EditRole)
    with qtbot.waitSignal(model.total_changed, timeout=WAIT_MS) as blocker:
        audit_page.target_edit.setText("no such target")
    assert blocker.args == [0] and model.rowCount() == 0


def test_audit_page_export_is_logged(
    audit_page: AuditPage, qtbot: QtBot, tmp_path: Path
) -> None:
    before = audit_page.model.total

    with qtbot.waitSignal(audit_page.exported, timeout=WAIT_MS) as blocker:
        audit_page.export_to(tmp_path / "日志.xlsx")

    written, path = blocker.args[0]
    assert written == before
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "时间" and len(rows) == before + 1
    qtbot.waitUntil(lambda: audit_page.model.total == before + 1, timeout=WAIT_MS)
    assert audit_page.model.row_at(0).action == "audit.export"


def test_audit_page_refuses_other_roles(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor,
    runner: ThreadPoolRunner,
    error_sink: errors.ErrorSink,
) -> None:
    page = AuditPage(demo_db, demo_clock, demo_actor("college"), runner)
    qtbot.addWidget(page)

    with qtbot.waitSignal(page.model.load_failed, timeout=WAIT_MS) as blocker:
        page.apply_filters()

    assert "权限不足" in blocker.args[0]
