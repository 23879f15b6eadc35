"""Sending the class sheet to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

import logging
import os
import socket
import stat
from pathlib import Path

import pytest
from sqlalchemy import select, text

from desktop.models import AuditEvent
from desktop.services.auth import Actor, Role
from desktop.services.mailer import (
    GRADUATE_SCHOOL_ADDRESS,
    MailError,
    MailSettings,
    Security,
    load_mail_settings,
    load_password,
    save_mail_settings,
    save_password,
    send_sheet,
    send_workbook,
)
from desktop.services.sheets import export_class
from tests.mail_server import HOST, PASSWORD, USER, free_port, mail_server

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)
CLASS = "2019级经济硕士1班"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def workbook(db, factory, clock, tmp_path: Path) -> Path:
    """The exported sheet of a class of two."""
    factory.student()
    factory.student(registered=False)
    with db.sessions() as session, session.begin():
        return export_class(session, clock, ADMIN, CLASS, tmp_path / "out")


def settings_for(port: int, **changes: object) -> MailSettings:
    values: dict[str, object] = {
        "host": HOST,
        "port": port,
        "security": Security.NONE,
        "from_address": "head@example.edu.cn",
        "to_address": "grad@example.edu.cn",
        "timeout": 5.0,
    }
    values.update(changes)
    return MailSettings(**values)  # type: ignore[arg-type]


def test_plain_send_with_login_arrives_intact(workbook: Path, clock) -> None:
    with mail_server(auth=True) as server:
        send_sheet(
            settings_for(server.port, user=USER), PASSWORD, workbook, CLASS, clock=clock
        )

    (mail,) = server.received
    message = mail.message
    assert message["Subject"] == CLASS
    assert b"=?utf-8?" in mail.raw.split(b"\r\n\r\n")[0]  # RFC 2047 on the wire
    assert mail.recipients == ["grad@example.edu.cn"]
    (attachment,) = message.iter_attachments()
    assert attachment.get_content_type() == XLSX
    assert attachment.get_filename() == f"{CLASS}.xlsx"
    assert b"filename*0*=utf-8''" in mail.raw  # RFC 2231 on the wire
    assert attachment.get_content() == workbook.read_bytes()
    body = message.get_body(("plain",)).get_content()
    assert CLASS in body and "统计表" in body


def test_starttls_send(workbook: Path, clock, tmp_path: Path) -> None:
    with mail_server(auth=True, starttls_folder=tmp_path) as server:
        settings = settings_for(server.port, security=Security.STARTTLS, user=USER)
        send_sheet(
            settings,
            PASSWORD,
            workbook,
            CLASS,
            clock=clock,
            context=server.client_context,
        )

    assert server.received[0].message["Subject"] == CLASS


def test_untrusted_certificate_is_a_tls_failure(
    workbook: Path,
    clock,
    tmp_path: Path,
) -> None:
    with mail_server(starttls_folder=tmp_path) as server:
        settings = settings_for(server.port, security=Security.STARTTLS)
        with pytest.raises(MailError) as caught:
            send_sheet(settings, "", workbook, CLASS, clock=clock)

    assert caught.value.reason == "tls"
    assert "加密连接失败" in str(caught.value) and "TLS failure" in str(caught.value)
    assert server.received == []
    assert workbook.exists()


def test_refused_port_names_the_reason(workbook: Path, clock) -> None:
    port = free_port()  # nobody listens there

    with pytest.raises(MailError) as caught:
        send_sheet(settings_for(port), "", workbook, CLASS, clock=clock)

    assert caught.value.reason == "refused"
    assert "连接被拒绝" in str(caught.value)
    assert "connection refused" in str(caught.value)
    assert f"{HOST}:{port}" in str(caught.value)
    assert workbook.exists()


def test_silent_server_times_out(workbook: Path, clock) -> None:
    with socket.socket() as silent:
        silent.bind((HOST, 0))
        silent.listen()  # accepts into the backlog, never greets
        settings = settings_for(silent.getsockname()[1], timeout=0.3)
        with pytest.raises(MailError) as caught:
            send_sheet(settings, "", workbook, CLASS, clock=clock)

    assert caught.value.reason == "timeout"
    assert "超时" in str(caught.value) and "timed out" in str(caught.value)


def test_rejected_recipient(workbook: Path, clock) -> None:
    with mail_server(refuse_recipients=True) as server:
        with pytest.raises(MailError) as caught:
            send_sheet(settings_for(server.port), "", workbook, CLASS, clock=clock)

    assert caught.value.reason == "recipient"
    assert "grad@example.edu.cn" in str(caught.value)
    assert "recipient refused" in str(caught.value)
    assert workbook.exists()


def test_wrong_password(workbook: Path, clock, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    with mail_server(auth=True) as server:
        settings = settings_for(server.port, user=USER)
        with pytest.raises(MailError) as caught:
            send_sheet(settings, "not-" + PASSWORD, workbook, CLASS, clock=clock)

    assert caught.value.reason == "auth"
    assert "用户名或密码错误" in str(caught.value)
    assert "authentication failed" in str(caught.value)
    assert PASSWORD not in caplog.text and PASSWORD not in str(caught.value)
    assert server.received == []


def test_incomplete_settings_are_refused(workbook: Path) -> None:
    with pytest.raises(MailError) as caught:
        send_sheet(MailSettings(), "", workbook, CLASS)

    assert caught.value.reason == "settings"


def test_sending_is_audited_without_the_password(
    db,
    clock,
    workbook: Path,
    caplog,
) -> None:
    caplog.set_level(logging.DEBUG)
    with mail_server(auth=True) as server:
        settings = settings_for(server.port, user=USER)
        send_workbook(
            db, clock, ADMIN, settings, PASSWORD, workbook, CLASS, f"class:{CLASS}"
        )
        with pytest.raises(MailError):
            send_workbook(
                db, clock, ADMIN, settings, "wrong", workbook, CLASS, f"class:{CLASS}"
            )

    with db.sessions() as session:
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "sheet.send")
            .order_by(AuditEvent.id)
        ).all()
        dump = " ".join(
            " ".join(map(str, row))
            for table in ("audit_event", "setting", "operator")
            for row in session.execute(text(f"SELECT * FROM {table}"))
        )
    assert [e.target for e in events] == [f"class:{CLASS}"] * 2
    assert (
        '"ok": true' in events[0].details and "grad@example.edu.cn" in events[0].details
    )
    assert '"ok": false' in events[1].details and '"auth"' in events[1].details
    assert PASSWORD not in dump
    assert PASSWORD not in caplog.text


def test_settings_round_trip_and_default_recipient(tmp_path: Path) -> None:
    assert MailSettings().to_address == GRADUATE_SCHOOL_ADDRESS
    settings = settings_for(2525, security=Security.STARTTLS, user=USER)

    save_mail_settings(settings, tmp_path)

    assert load_mail_settings(tmp_path) == settings
    assert "password" not in (tmp_path / "mail.json").read_text(encoding="utf-8")


def test_password_file_is_owner_only(tmp_path: Path) -> None:
    path = save_password(PASSWORD, tmp_path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_password(tmp_path) == PASSWORD


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_readable_password_file_is_refused(tmp_path: Path) -> None:
    path = save_password(PASSWORD, tmp_path)
    path.chmod(0o644)

    with pytest.raises(MailError) as caught:
        load_password(tmp_path)

    assert caught.value.reason == "unsafe_password_file"
    assert "chmod 600" in str(caught.value)


def test_empty_password_removes_the_file(tmp_path: Path) -> None:
    save_password(PASSWORD, tmp_path)

    save_password("", tmp_path)

    assert load_password(tmp_path) == ""
