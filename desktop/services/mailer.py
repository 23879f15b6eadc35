"""Sending a statistics sheet by e-mail, as the notice asks class heads to.

The notice (2020-03-13) has each class head e-mail the class's sheet to
the graduate school, with the class name as the subject. This module keeps
the mail server's settings (a JSON file in the console's home), keeps the
password out of the database and the logs (a separate owner-only file,
like the private signing keys), builds the message and sends it with
``smtplib``. A failure is one :class:`MailError` whose text gives the
reason in Chinese with the technical cause in English; the workbook stays
on disk either way. :func:`send_workbook` records every attempt in the
audit log, without the password.
"""

from __future__ import annotations

import base64
import enum
import json
import logging
import os
import smtplib
import ssl
from dataclasses import asdict, dataclass, fields, replace
from email.message import EmailMessage
from email.utils import format_datetime, formatdate, make_msgid
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from desktop import paths
from desktop.clock import Clock
from desktop.i18n import N_, _
from desktop.services import audit
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.mail_errors import MailError, explain

log = logging.getLogger(__name__)

SETTINGS_FILE = "mail.json"
PASSWORD_FILE = "mail-password"
GRADUATE_SCHOOL_ADDRESS = "yqfkgscass@163.com"  # the notice's address
XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
BODY = N_(
    "您好：\n\n附件是{name}的“京心相助”小程序（APP）研究生信息登记情况统计表，"
    "请查收。\n\n{sender}\n"
)


class Security(enum.StrEnum):
    """How the connection to the mail server is protected."""

    NONE = "none"
    STARTTLS = "starttls"
    TLS = "tls"


SECURITY_LABELS = {
    Security.NONE: N_("不加密"),
    Security.STARTTLS: N_("STARTTLS"),
    Security.TLS: N_("SSL/TLS"),
}
DEFAULT_PORTS = {Security.NONE: 25, Security.STARTTLS: 587, Security.TLS: 465}


@dataclass(frozen=True)
class MailSettings:
    """The mail server and the addresses a sheet goes from and to.

    Attributes:
        host: the SMTP server's name ("" until it is set up).
        port: its port.
        security: none, starttls or tls (SMTP over TLS from the start).
        user: the login name; "" to send without logging in.
        from_address: the sender's address.
        to_address: where sheets go (by default the graduate school's).
        timeout: seconds to wait for the server at each step.
    """

    host: str = ""
    port: int = DEFAULT_PORTS[Security.TLS]
    security: Security = Security.TLS
    user: str = ""
    from_address: str = ""
    to_address: str = GRADUATE_SCHOOL_ADDRESS
    timeout: float = 30.0

    @property
    def complete(self) -> bool:
        """Whether there is enough to try sending."""
        return bool(self.host and self.port and self.from_address and self.to_address)


# --- settings and the password file -----------------------------------------


def _folder(folder: Path | None) -> Path:
    return folder if folder is not None else paths.home()


def load_mail_settings(folder: Path | None = None) -> MailSettings:
    """The saved settings, defaults where nothing (valid) is saved."""
    path = _folder(folder) / SETTINGS_FILE
    if not path.exists():
        return MailSettings()
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        known = {f.name for f in fields(MailSettings)}
        values = {k: v for k, v in stored.items() if k in known}
        if "security" in values:
            values["security"] = Security(values["security"])
        settings = replace(MailSettings(), **values)
        return replace(
            settings, port=int(settings.port), timeout=float(settings.timeout)
        )
    except (ValueError, TypeError, AttributeError) as error:
        log.warning("mail settings in %s unreadable, using defaults: %s", path, error)
        return MailSettings()


def save_mail_settings(settings: MailSettings, folder: Path | None = None) -> Path:
    """Write ``settings`` (never a password) as JSON into the home folder."""
    path = _folder(folder) / SETTINGS_FILE
    text = json.dumps(asdict(settings), ensure_ascii=False, indent=2)
    temporary = path.with_name(path.name + ".part")
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(path)
    return path


def _check_private_mode(path: Path) -> None:
    mode = path.stat().st_mode & 0o777
    if os.name == "posix" and mode & 0o077:
        raise MailError(
            "unsafe_password_file",
            _(
                "邮箱密码文件 {path} 可被其他用户读取（权限 {mode:o}），已拒绝使用；"
                "请执行 chmod 600 {path}（password file readable by others）"
            ).format(path=path, mode=mode),
        )


def load_password(folder: Path | None = None) -> str:
    """The saved mail password, "" if none is saved.

    Raises:
        MailError: the file is readable by the group or others.
    """
    path = _folder(folder) / PASSWORD_FILE
    if not path.exists():
        return ""
    _check_private_mode(path)
    return path.read_text(encoding="utf-8").rstrip("\n")


def save_password(password: str, folder: Path | None = None) -> Path:
    """Keep ``password`` in an owner-only file (0600); "" removes it."""
    path = _folder(folder) / PASSWORD_FILE
    if not password:
        path.unlink(missing_ok=True)
        return path
    temporary = path.with_name(path.name + ".part")
    temporary.unlink(missing_ok=True)
    # Created 0600 from the first byte, then moved over the old file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(password)
    temporary.replace(path)
    return path


# --- the message and the sending ----------------------------------------------


def build_message(
    settings: MailSettings,
    workbook_path: Path,
    class_name: str,
    clock: Clock | None = None,
) -> EmailMessage:
    """The e-mail: subject = the class name, the workbook attached.

    The subject is RFC 2047 encoded and the file name RFC 2231 encoded
    when the message is written, both as UTF-8.
    """
    message = EmailMessage()
    message["Subject"] = class_name
    message["From"] = settings.from_address
    message["To"] = settings.to_address
    message["Date"] = format_datetime(clock.now()) if clock else formatdate()
    message["Message-ID"] = make_msgid(domain=_domain(settings.from_address))
    body = _(BODY).format(name=class_name, sender=settings.from_address)
    message.set_content(body, cte="base64")
    maintype, subtype = XLSX_TYPE
    message.add_attachment(
        workbook_path.read_bytes(),
        maintype=maintype,
        subtype=subtype,
        filename=workbook_path.name,
    )
    return message


def _domain(address: str) -> str | None:
    return address.rpartition("@")[2] or None


def _where(settings: MailSettings) -> str:
    return f"{settings.host}:{settings.port}"


def _open(
    settings: MailSettings, password: str, context: ssl.SSLContext, step: list[str]
) -> smtplib.SMTP:
    """A connected, secured and logged-in client; ``step`` tells how far it got."""
    if settings.security is Security.TLS:
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.security is Security.STARTTLS:
            step[0] = "starttls"
            client.starttls(context=context)
            client.ehlo()
        if settings.user:
            step[0] = "login"
            _login(client, settings.user, password)
    except BaseException:
        client.close()
        raise
    return client


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """Log in; a non-ASCII password goes as UTF-8 AUTH PLAIN (RFC 4616).

    ``smtplib`` encodes credentials as ASCII and would fail on a password
    with Chinese characters before asking the server anything.
    """
    if (user + password).isascii():
        client.login(user, password)
        return
    if "plain" not in client.esmtp_features.get("auth", "").lower().split():
        raise smtplib.SMTPNotSupportedError("AUTH PLAIN needed for a UTF-8 password")
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, response = client.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, response)


def send_sheet(
    settings: MailSettings,
    password: str,
    workbook_path: Path,
    class_name: str,
    *,
    clock: Clock | None = None,
    context: ssl.SSLContext | None = None,
) -> None:
    """E-mail ``workbook_path`` with ``class_name`` as the subject.

    Args:
        settings: the mail server and addresses.
        password: the login password ("" when ``settings.user`` is empty).
        workbook_path: the exported workbook; it is never removed.
        class_name: the subject (the notice asks for the class name).
        clock: gives the Date header (the system time if None).
        context: the TLS context (the system's trusted CAs if None).

    Raises:
        MailError: the settings are incomplete, or the server could not
            be reached, refused the login, the sender or the recipient.
    """
    if not settings.complete:
        raise MailError(
            "settings",
            _(
                "邮件服务器尚未设置完整（服务器、端口、发件人、收件人）"
                "（mail settings incomplete）"
            ),
        )
    message = build_message(settings, workbook_path, class_name, clock)
    context = context or ssl.create_default_context()
    step = ["connect"]
    try:
        client = _open(settings, password, context, step)
        with client:
            step[0] = "send"
            refused = client.send_message(
                message, settings.from_address, [settings.to_address]
            )
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
    except (OSError, smtplib.SMTPException) as error:
        failure = explain(error, settings, step[0])
        log.warning(
            "sheet %s not sent to %s via %s (%s): %s",
            class_name,
            settings.to_address,
            _where(settings),
            step[0],
            failure.reason,
        )
        raise failure from error
    log.info("sheet %s sent to %s", class_name, settings.to_address)


def send_workbook(
    db: Database,
    clock: Clock,
    actor: Actor,
    settings: MailSettings,
    password: str,
    workbook_path: Path,
    subject: str,
    target: str,
    **send_options: Any,
) -> None:
    """Send an exported workbook and record the attempt in the audit log.

    ``target`` names what was sent (``class:<name>``, ``college:<name>``);
    the audit event holds the recipient and whether it worked, never the
    password. Raises :class:`MailError` after recording a failure.
    """
    try:
        send_sheet(
            settings, password, workbook_path, subject, clock=clock, **send_options
        )
    except MailError as error:
        _record(db, clock, actor, target, settings, ok=False, reason=error.reason)
        raise
    _record(db, clock, actor, target, settings, ok=True)


def _record(
    db: Database,
    clock: Clock,
    actor: Actor,
    target: str,
    settings: MailSettings,
    *,
    ok: bool,
    reason: str = "",
) -> None:
    details: dict[str, object] = {"to": settings.to_address, "ok": ok}
    if reason:
        details["reason"] = reason
    with db.sessions() as session, session.begin():
        audit.record(session, clock, actor, "sheet.send", target, **details)


def record_settings_change(
    session: Session,
    clock: Clock,
    actor: Actor,
    settings: MailSettings,
    *,
    password_changed: bool,
) -> None:
    """Leave an audit event for changed mail settings (never the password)."""
    audit.record(
        session,
        clock,
        actor,
        "mail.settings",
        f"mail:{settings.host or '-'}",
        port=settings.port,
        security=settings.security.value,
        user=settings.user,
        to=settings.to_address,
        password_changed=password_changed,
    )
