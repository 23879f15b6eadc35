"""The roster's flags and row actions: approvals, passes, registration."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import GatePass, ReturnApproval, Student
from desktop.services.approvals import Flag
from desktop.services.auth import Actor, PermissionDenied
from desktop.services.db import Database
from desktop.services.keys import Keyring
from desktop.services.roster import ApprovalFilter
from desktop.services.verdict import ApprovalKind
from desktop.ui import errors
from desktop.ui.approval_dialog import ApprovalDialog, apply_approvals
from desktop.ui.context import ConsoleContext
from desktop.ui.registration_dialog import RegistrationDialog
from desktop.ui.roster_actions import PassDialog
from desktop.ui.roster_model import FLAG_COLUMN
from desktop.ui.roster_page import RosterPage
from desktop.ui.tasks import ThreadPoolRunner
from tests.ui.conftest import TEST_GATE

WAIT_MS = 10_000


@pytest.fixture
def context(
    demo_db: Database, demo_keyring: Keyring, demo_clock: FixedClock
) -> ConsoleContext:
    return ConsoleContext(demo_db, demo_keyring, demo_clock, TEST_GATE, "test")


@pytest.fixture
def make_page(
    qtbot: QtBot,
    context: ConsoleContext,
    demo_actor: Callable[[str], Actor],
    error_sink: errors.ErrorSink,
) -> Callable[[str], RosterPage]:
    def make(login: str) -> RosterPage:
        page = RosterPage(
            context.db, demo_actor(login), ThreadPoolRunner(), context=context
        )
        qtbot.addWidget(page)
        page.resize(1400, 700)
        page.show()
        qtbot.waitUntil(lambda: page.model.total > 0, timeout=WAIT_MS)
        return page

    return make


def _filter(qtbot: QtBot, page: RosterPage, combo: object, value: object) -> None:
    with qtbot.waitSignal(page.model.total_changed, timeout=WAIT_MS):
        combo.setCurrentIndex(combo.findData(value))


def _select(page: RosterPage, rows: range) -> list[str]:
    selection = page.table.selectionModel()
    flags = QItemSelectionModel.Select | QItemSelectionModel.Rows
    for row in rows:
        selection.select(page.model.index(row, 0), flags)
    return [row.student_no for row in page.selected_rows()]


def _approvals(db: Database, numbers: list[str]) -> list[ReturnApproval]:
    with db.sessions() as session:
        return list(
            session.scalars(
                select(ReturnApproval)
                .join(Student, Student.id == ReturnApproval.student_id)
                .where(Student.student_no.in_(numbers))
                .order_by(ReturnApproval.id)
            )
        )


def test_flags_show_and_filter(
    qtbot: QtBot, make_page: Callable[[str], RosterPage]
) -> None:
    page = make_page("admin")

    _filter(qtbot, page, page.flag_combo, Flag.ARRIVED_UNAPPROVED)

    rows = [page.model.row_at(r) for r in range(page.model.rowCount())]
    assert rows and all(Flag.ARRIVED_UNAPPROVED in row.flags for row in rows)
    text = page.model.index(0, FLAG_COLUMN).data()
    assert "未经批准抵京" in text
    assert page.model.headerData(FLAG_COLUMN, Qt.Horizontal) == "标记"


def test_school_admin_approves_and_revokes(
    qtbot: QtBot, make_page: Callable[[str], RosterPage], demo_db: Database
) -> None:
    page = make_page("admin")
    _filter(qtbot, page, page.approval_combo, ApprovalFilter.NONE)
    numbers = _select(page, range(2))
    assert page.actions.approve_action.isEnabled()

    page.actions.approve_action.trigger()
    dialog = page.actions.last_dialog
    assert isinstance(dialog, ApprovalDialog) and dialog.kind() is ApprovalKind.CAMPUS
    with qtbot.waitSignal(dialog.applied, timeout=WAIT_MS) as blocker:
        dialog.ok_button.click()

    assert blocker.args[0].changed == 2
    assert [a.kind for a in _approvals(demo_db, numbers)] == ["campus", "campus"]

    _filter(qtbot, page, page.approval_combo, ApprovalFilter.CAMPUS)
    shown = [page.model.row_at(r).student_no for r in range(page.model.rowCount())]
    for number in numbers:
        _select(page, range(shown.index(number), shown.index(number) + 1))
    page.actions.revoke_action.trigger()
    revoke = page.actions.last_dialog
    assert revoke.revoking and not revoke.ok_button.isEnabled()
    qtbot.keyClicks(revoke.reason_edit, "test")
    with qtbot.waitSignal(revoke.applied, timeout=WAIT_MS):
        revoke.ok_button.click()

    approvals = _approvals(demo_db, numbers)
    assert all(a.revoked_at is not None for a in approvals)
    assert {a.revoke_reason for a in approvals} == {"test"}


def test_class_head_cannot_approve(
    make_page: Callable[[str], RosterPage],
    context: ConsoleContext,
    demo_actor: Callable[[str], Actor],
) -> None:
    page = make_page("head")
    numbers = (page.model.row_at(0).student_no,)

    texts = [action.text() for action in page.toolbar.actions()]

    assert page.actions.approve_action is None
    assert page.actions.revoke_action is None
    assert "批准返校" not in texts and "撤销审批" not in texts
    assert "补发报到码" in texts and "登记/修改" in texts
    with pytest.raises(PermissionDenied):
        apply_approvals(
            context, context.clock, demo_actor("head"), numbers, None, None, "x"
        )


def test_reissue_revokes_the_old_serial(
    qtbot: QtBot,
    make_page: Callable[[str], RosterPage],
    demo_db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    page = make_page("head")
    [number] = _select(page, range(1))
    monkeypatch.setattr(page.actions, "confirm", lambda *_args: True)

    page.actions.reissue_action.trigger()
    qtbot.waitUntil(
        lambda: isinstance(page.actions.last_dialog, PassDialog), timeout=WAIT_MS
    )

    with demo_db.sessions() as session:
        passes = session.scalars(
            select(GatePass)
            .join(Student)
            .where(Student.student_no == number)
            .order_by(GatePass.id)
        ).all()
    assert passes[-1].revoked_at is None
    assert all(p.revoked_at is not None for p in passes[:-1]) and len(passes) >= 2
    assert not page.actions.last_dialog.qr_label.pixmap().isNull()


def test_print_the_class_passes(
    qtbot: QtBot,
    make_page: Callable[[str], RosterPage],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error_sink: errors.ErrorSink,
) -> None:
    page = make_page("head")
    _select(page, range(1))
    target = tmp_path / "class.pdf"
    monkeypatch.setattr(page.actions, "ask_save_path", lambda _name: str(target))

    with qtbot.waitSignal(error_sink.message_posted, timeout=WAIT_MS) as blocker:
        page.actions.print_action.trigger()

    assert "报到码" in blocker.args[0]
    assert target.stat().st_size > 0


def test_register_opens_the_dialog_for_the_selected_student(
    qtbot: QtBot, make_page: Callable[[str], RosterPage]
) -> None:
    page = make_page("head")
    [number] = _select(page, range(1))

    page.actions.register_action.trigger()

    dialog = page.actions.last_dialog
    assert isinstance(dialog, RegistrationDialog)
    qtbot.waitUntil(lambda: dialog.student is not None, timeout=WAIT_MS)
    assert dialog.student.student_no == number
    dialog.close()
