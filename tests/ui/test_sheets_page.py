"""The sheets page: classes by role, export and send on a worker, mail settings."""

from __future__ import annotations

import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import AuditEvent
from desktop.services import mailer
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.mailer import MailSettings, Security
from desktop.ui import errors
from desktop.ui.sheets_page import SheetsPage
from desktop.ui.tasks import ThreadPoolRunner
from tests.mail_server import HOST, PASSWORD, USER, free_port, mail_server

WAIT_MS = 15_000


@pytest.fixture
def make_sheets_page(
    qtbot: QtBot,
    demo_db: Database,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: errors.ErrorSink,
) -> Iterator[Callable[[str], SheetsPage]]:
    """Sheets pages on the demo school, with their classes loaded."""
    runner = ThreadPoolRunner()

    def make(login: str) -> SheetsPage:
        page = SheetsPage(demo_db, demo_clock, demo_actor(login), runner)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        qtbot.waitUntil(lambda: page.table.rowCount() > 0, timeout=WAIT_MS)
        return page

    yield make
    runner.wait_for_done(WAIT_MS)


def _save_settings(port: int, **changes: object) -> None:
    values: dict[str, object] = {
        "host": HOST,
        "port": port,
        "security": Security.NONE,
        "from_address": "head@example.edu.cn",
        "to_address": "grad@example.edu.cn",
        "timeout": 5.0,
    }
    values.update(changes)
    mailer.save_mail_settings(MailSettings(**values))  # type: ignore[arg-type]


def test_each_role_sees_its_classes(make_sheets_page) -> None:
    head = make_sheets_page("head")
    college = make_sheets_page("college")
    admin = make_sheets_page("admin")

    assert head.table.rowCount() == 2
    assert not head.college_button.isVisible() and not head.school_button.isVisible()
    assert college.table.rowCount() == 5
    assert college.college_combo.count() == 1 and college.college_button.isVisible()
    assert not college.school_button.isVisible()
    assert admin.table.rowCount() == 20 and admin.school_button.isVisible()


def test_export_writes_the_class_workbook(
    make_sheets_page,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    page = make_sheets_page("head")
    page.table.selectRow(0)
    name = page.selected_classes()[0]

    with qtbot.waitSignal(page.exported, timeout=WAIT_MS) as blocker:
        page.export_to("class", [name], tmp_path)

    (path,) = blocker.args[0]
    assert path == tmp_path / f"{name}.xlsx"
    assert name in load_workbook(path).sheetnames
    assert name in page.status_label.text() or str(tmp_path) in page.status_label.text()


def test_send_mails_the_selected_class(
    make_sheets_page,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    with mail_server(auth=True) as server:
        _save_settings(server.port, user=USER)
        mailer.save_password(PASSWORD)
        page = make_sheets_page("head")
        qtbot.waitUntil(lambda: page._mail.complete, timeout=WAIT_MS)
        page.table.selectRow(1)
        name = page.selected_classes()[0]

        with qtbot.waitSignal(page.sent, timeout=WAIT_MS) as blocker:
            page.send_selected(tmp_path)

    outcome = blocker.args[0]
    assert outcome.sent == [name] and outcome.failed is None
    (mail,) = server.received
    assert mail.message["Subject"] == name
    (attachment,) = mail.message.iter_attachments()
    assert attachment.get_content() == (tmp_path / f"{name}.xlsx").read_bytes()
    assert "已发送 1 封邮件" in page.status_label.text()


def test_failed_send_says_why_and_keeps_the_workbook(
    make_sheets_page,
    qtbot: QtBot,
    tmp_path: Path,
    error_sink,
) -> None:
    _save_settings(free_port())
    page = make_sheets_page("head")
    qtbot.waitUntil(lambda: page._mail.complete, timeout=WAIT_MS)
    page.table.selectRow(0)
    name = page.selected_classes()[0]

    with qtbot.waitSignal(error_sink.message_posted, timeout=WAIT_MS) as posted:
        page.send_selected(tmp_path)

    assert "连接被拒绝" in posted.args[0] and "connection refused" in posted.args[0]
    assert str(tmp_path) in posted.args[0]
    assert (tmp_path / f"{name}.xlsx").exists()
    assert page.send_button.isEnabled()


def test_mail_settings_dialog_saves_a_private_password(
    make_sheets_page,
    qtbot: QtBot,
    private_home: Path,
) -> None:
    page = make_sheets_page("head")
    page.mail_button.click()
    dialog = page.mail_dialog
    qtbot.waitExposed(dialog)

    assert dialog.password_edit.echoMode() == QLineEdit.Password
    assert dialog.to_edit.text() == mailer.GRADUATE_SCHOOL_ADDRESS
    dialog.host_edit.setText("smtp.example.edu.cn")
    dialog.security_combo.setCurrentIndex(list(Security).index(Security.STARTTLS))
    dialog.from_edit.setText("head@example.edu.cn")
    dialog.password_edit.setText(PASSWORD)
    with qtbot.waitSignal(page.mail_settings_saved, timeout=WAIT_MS) as saved:
        dialog.accept()

    settings = saved.args[0]
    assert settings.port == 587 and settings.security is Security.STARTTLS
    password_file = private_home / mailer.PASSWORD_FILE
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    assert PASSWORD not in (private_home / mailer.SETTINGS_FILE).read_text("utf-8")
    assert mailer.load_mail_settings() == settings
    with page._db.sessions() as session:  # noqa: SLF001
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "mail.settings")
        ).one()
    assert event.target == "mail:smtp.example.edu.cn"
    assert PASSWORD not in event.details and '"password_changed": true' in event.details
