"""The import dialog: the problem preview, all-or-valid import, templates."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import Student
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.imports import ImportKind
from desktop.services.keys import Keyring
from desktop.ui.context import ConsoleContext
from desktop.ui.import_dialog import ImportDialog
from desktop.ui.tasks import ThreadPoolRunner
from tests.services.imports.sheets import ROSTER_HEADERS, roster_row, write_xlsx
from tests.ui.conftest import TEST_GATE

WAIT_MS = 10_000
NEW = (900001, 900002, 900003, 900004)


@pytest.fixture
def make_dialog(
    qtbot: QtBot,
    demo_db: Database,
    demo_keyring: Keyring,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: object,
) -> Callable[[str], ImportDialog]:
    context = ConsoleContext(demo_db, demo_keyring, demo_clock, TEST_GATE, "test")
    runner = ThreadPoolRunner()

    def make(login: str) -> ImportDialog:
        dialog = ImportDialog(context, demo_actor(login), runner)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def _roster_file(tmp_path: Path, *, bad: bool) -> Path:
    rows: list[list[object]] = [ROSTER_HEADERS]
    rows += [roster_row(index) for index in NEW]
    if bad:
        rows[2][2] = "未知"  # 性别, Excel row 3
        rows[4][1] = ""  # 姓名, Excel row 5
    return write_xlsx(tmp_path / "roster.xlsx", rows)


def _numbers(db: Database) -> set[str]:
    with db.sessions() as session:
        wanted = [f"2019{index:06d}" for index in NEW]
        return set(
            session.scalars(
                select(Student.student_no).where(Student.student_no.in_(wanted))
            )
        )


def _check(qtbot: QtBot, dialog: ImportDialog, path: Path) -> None:
    dialog.set_kind(ImportKind.ROSTER)
    with qtbot.waitSignal(dialog.planned, timeout=WAIT_MS):
        dialog.check_file(str(path))


def _table(dialog: ImportDialog) -> list[list[str]]:
    return [
        [dialog.table.item(r, c).text() for c in range(dialog.table.columnCount())]
        for r in range(dialog.table.rowCount())
    ]


def test_preview_lists_problems_by_row_and_column(
    qtbot: QtBot, make_dialog: Callable[[str], ImportDialog], tmp_path: Path
) -> None:
    dialog = make_dialog("admin")

    _check(qtbot, dialog, _roster_file(tmp_path, bad=True))

    rows = _table(dialog)
    assert [(row[0], row[1], row[2]) for row in rows] == [
        ("3", "C", "性别"),
        ("5", "B", "姓名"),
    ]
    assert all(row[4] for row in rows)
    assert not dialog.import_all_button.isEnabled()
    assert dialog.import_valid_button.isEnabled()
    assert "有效2行" in dialog.summary_label.text()


def test_valid_only_import_saves_an_error_workbook(
    qtbot: QtBot,
    make_dialog: Callable[[str], ImportDialog],
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_dialog("admin")
    _check(qtbot, dialog, _roster_file(tmp_path, bad=True))
    error_path = tmp_path / "errors.xlsx"
    monkeypatch.setattr(dialog, "ask_save_path", lambda *_args: str(error_path))

    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_valid_button, Qt.LeftButton)

    outcome = blocker.args[0]
    assert (outcome.result.created, outcome.result.rejected) == (2, 2)
    assert _numbers(demo_db) == {"2019900001", "2019900003"}
    sheet = load_workbook(outcome.error_workbook).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert [row[0] for row in values[1:]] == ["2019900002", "2019900004"]
    assert "错误" in dialog.status_label.text() or "已保存" in (
        dialog.status_label.text()
    )


def test_clean_file_imports_whole(
    qtbot: QtBot,
    make_dialog: Callable[[str], ImportDialog],
    demo_db: Database,
    tmp_path: Path,
) -> None:
    dialog = make_dialog("admin")
    _check(qtbot, dialog, _roster_file(tmp_path, bad=False))

    assert dialog.table.rowCount() == 0
    assert dialog.import_all_button.isEnabled()
    assert not dialog.import_valid_button.isEnabled()
    with qtbot.waitSignal(dialog.imported, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.import_all_button, Qt.LeftButton)

    assert blocker.args[0].result.created == len(NEW)
    assert len(_numbers(demo_db)) == len(NEW)
    assert not dialog.import_all_button.isEnabled()


def test_template_is_written_where_chosen(
    qtbot: QtBot,
    make_dialog: Callable[[str], ImportDialog],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialog = make_dialog("head")
    target = tmp_path / "template.xlsx"
    monkeypatch.setattr(dialog, "ask_save_path", lambda *_args: str(target))
    dialog.set_kind(ImportKind.REGISTRATIONS)

    qtbot.mouseClick(dialog.template_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "模板已保存" in dialog.status_label.text(), timeout=WAIT_MS)

    headers = [cell.value for cell in load_workbook(target).active[1]]
    assert "证件号码" in headers and "是否离京" in headers


def test_class_head_is_not_offered_approvals(
    make_dialog: Callable[[str], ImportDialog],
) -> None:
    head, admin = make_dialog("head"), make_dialog("admin")

    kinds = [head.kind_combo.itemData(i) for i in range(head.kind_combo.count())]

    assert ImportKind.APPROVALS not in kinds
    assert admin.kind_combo.findData(ImportKind.APPROVALS) >= 0
