"""The login dialog and the roster page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import SchoolClass, Student
from desktop.services.auth import Actor, Role
from desktop.services.db import Database
from desktop.ui import roster_model
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.roster_page import RosterPage
from desktop.ui.tasks import ThreadPoolRunner
from tests.ui.conftest import DEMO_STUDENTS, DemoTemplate

WAIT_MS = 10_000


@pytest.fixture
def login_dialog(
    qtbot: QtBot, demo_db: Database, demo_clock: FixedClock
) -> LoginDialog:
    dialog = LoginDialog(demo_db, demo_clock, ThreadPoolRunner(), workstation="t")
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _log_in(qtbot: QtBot, dialog: LoginDialog, login: str, password: str) -> None:
    qtbot.keyClicks(dialog.login_edit, login)
    qtbot.keyClicks(dialog.password_edit, password)
    qtbot.keyClick(dialog.password_edit, Qt.Key_Return)


def test_login_with_the_right_password(
    qtbot: QtBot, login_dialog: LoginDialog, demo_template: DemoTemplate
) -> None:
    role, password = demo_template.school.passwords["gate"]

    with qtbot.waitSignal(login_dialog.logged_in, timeout=WAIT_MS) as blocker:
        _log_in(qtbot, login_dialog, "gate", password)

    actor: Actor = blocker.args[0]
    assert actor.login == "gate" and actor.role is role is Role.GATE_STAFF
    assert login_dialog.result() == LoginDialog.Accepted


def test_login_with_a_wrong_password(qtbot: QtBot, login_dialog: LoginDialog) -> None:
    with qtbot.assertNotEmitted(login_dialog.logged_in):
        _log_in(qtbot, login_dialog, "admin", "not-the-password")
        qtbot.waitUntil(
            lambda: "错误" in login_dialog.error_label.text(), timeout=WAIT_MS
        )

    assert login_dialog.error_label.text() == "用户名或密码错误，请重新输入"
    assert login_dialog.password_edit.text() == ""
    assert login_dialog.isVisible()


def test_login_needs_both_fields(qtbot: QtBot, login_dialog: LoginDialog) -> None:
    qtbot.keyClicks(login_dialog.login_edit, "admin")
    qtbot.keyClick(login_dialog.login_edit, Qt.Key_Return)

    assert login_dialog.error_label.text() == "请输入用户名和密码"


@pytest.fixture
def make_roster_page(
    qtbot: QtBot, demo_db: Database, demo_actor: Callable[[str], Actor]
) -> Callable[[str], RosterPage]:
    def make(login: str) -> RosterPage:
        page = RosterPage(demo_db, demo_actor(login), ThreadPoolRunner())
        qtbot.addWidget(page)
        page.resize(1280, 700)
        page.show()
        qtbot.waitUntil(lambda: page.model.total > 0, timeout=WAIT_MS)
        return page

    return make


def _numbers(page: RosterPage) -> list[str]:
    model = page.model
    return [model.row_at(row).student_no for row in range(model.rowCount())]


def test_roster_shows_every_student_to_the_school_admin(
    make_roster_page: Callable[[str], RosterPage],
) -> None:
    page = make_roster_page("admin")

    assert page.model.total == page.model.rowCount() == DEMO_STUDENTS
    assert page.model.headerData(0, Qt.Horizontal) == "学号"
    assert page.model.headerData(9, Qt.Horizontal) == "证件号码"
    assert "60" in page.total_label.text()


def test_class_head_sees_only_their_classes(
    make_roster_page: Callable[[str], RosterPage],
    demo_db: Database,
    demo_actor: Callable[[str], Actor],
    qtbot: QtBot,
) -> None:
    head = demo_actor("head")
    with demo_db.sessions() as session:
        own = set(
            session.scalars(
                select(SchoolClass.name).where(
                    SchoolClass.head_operator_id == head.operator_id
                )
            )
        )

    page = make_roster_page("head")

    classes = {page.model.row_at(r).class_name for r in range(page.model.rowCount())}
    assert classes <= own and 0 < page.model.total < DEMO_STUDENTS
    qtbot.waitUntil(lambda: page.class_combo.count() == 1 + len(own), timeout=WAIT_MS)


def test_search_by_document_tail(
    make_roster_page: Callable[[str], RosterPage], demo_db: Database, qtbot: QtBot
) -> None:
    page = make_roster_page("admin")
    with demo_db.sessions() as session:
        student = session.scalars(select(Student).order_by(Student.id.desc())).first()

    with qtbot.waitSignal(page.model.total_changed, timeout=WAIT_MS):
        qtbot.keyClicks(page.search_edit, student.doc_tail)

    assert student.student_no in _numbers(page)
    shown = page.model.row_at(_numbers(page).index(student.student_no))
    assert student.doc_number not in shown.masked_document
    assert shown.masked_document.endswith(student.doc_tail)


def test_roster_loads_more_rows_when_scrolled(
    make_roster_page: Callable[[str], RosterPage],
    monkeypatch: pytest.MonkeyPatch,
    qtbot: QtBot,
) -> None:
    monkeypatch.setattr(roster_model.RosterModel, "page_size", 25)
    page = make_roster_page("admin")
    model = page.model
    assert model.rowCount() == 25 and model.canFetchMore()

    def scrolled_to_the_end() -> bool:
        # What an operator does: drag the scroll bar down, again and again.
        bar = page.table.verticalScrollBar()
        bar.setValue(bar.maximum())
        return model.rowCount() == DEMO_STUDENTS

    qtbot.waitUntil(scrolled_to_the_end, timeout=WAIT_MS)

    assert not model.canFetchMore()
    assert _numbers(page) == sorted(_numbers(page))
