"""Why a sheet could not be e-mailed, in words for the operator.

``smtplib`` and the socket layer raise a dozen kinds of exception; each
becomes one :class:`MailError` whose text gives the reason in Chinese and
the technical cause in English, plus a short stable ``reason`` key for the
audit log and the tests.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import TYPE_CHECKING

from desktop.i18n import _

if TYPE_CHECKING:
    from desktop.services.mailer import MailSettings


class MailError(Exception):
    """A sheet could not be sent; ``str()`` says why, Chinese then English.

    Attributes:
        reason: a short stable key (``refused``, ``timeout``, ``auth``,
            ``tls``, ``recipient``…) for the audit log and the tests.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def explain(error: BaseException, settings: MailSettings, step: str) -> MailError:
    """The operator's explanation of ``error``, raised while ``step``."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return MailError(
            "auth",
            _(
                "登录邮件服务器失败：用户名或密码错误（authentication failed: "
                "{code} {text}）"
            ).format(code=error.smtp_code, text=_text(error)),
        )
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        refused = ", ".join(error.recipients) or settings.to_address
        return MailError(
            "recipient",
            _("邮件服务器拒绝了收件人 {to}（recipient refused）").format(to=refused),
        )
    if isinstance(error, smtplib.SMTPSenderRefused):
        return MailError(
            "sender",
            _(
                "邮件服务器拒绝了发件人 {sender}（sender refused: {code} {text}）"
            ).format(
                sender=settings.from_address, code=error.smtp_code, text=_text(error)
            ),
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        what = "STARTTLS" if step == "starttls" else "AUTH"
        return MailError(
            "unsupported",
            _(
                "邮件服务器 {where} 不支持 {what}，请检查加密方式（{what} not "
                "supported by the server）"
            ).format(where=where, what=what),
        )
    if isinstance(error, ssl.SSLError):
        return MailError(
            "tls",
            _(
                "与邮件服务器 {where} 建立加密连接失败，请检查加密方式和端口（TLS "
                "failure: {error}）"
            ).format(where=where, error=error),
        )
    if isinstance(error, smtplib.SMTPResponseException):
        return MailError(
            "rejected",
            _("邮件服务器拒绝了邮件（rejected: {code} {text}）").format(
                code=error.smtp_code, text=_text(error)
            ),
        )
    if isinstance(error, smtplib.SMTPServerDisconnected) and isinstance(
        error.__context__, TimeoutError
    ):
        error = error.__context__  # smtplib's name for a reply that never came
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return MailError(
            "disconnected",
            _(
                "邮件服务器 {where} 意外断开了连接，请检查端口和加密方式（server "
                "disconnected: {error}）"
            ).format(where=where, error=error),
        )
    if isinstance(error, ConnectionRefusedError):
        return MailError(
            "refused",
            _("无法连接邮件服务器 {where}：连接被拒绝（connection refused）").format(
                where=where
            ),
        )
    if isinstance(error, TimeoutError | socket.timeout):
        return MailError(
            "timeout",
            _("连接邮件服务器 {where} 超时（timed out after {seconds:g} s）").format(
                where=where, seconds=settings.timeout
            ),
        )
    if isinstance(error, socket.gaierror):
        return MailError(
            "host",
            _("找不到邮件服务器 {host}（unknown host: {error}）").format(
                host=settings.host, error=error
            ),
        )
    return MailError(
        "network",
        _("发送邮件失败：{where}（{kind}: {error}）").format(
            where=where, kind=type(error).__name__, error=error
        ),
    )


def _text(error: smtplib.SMTPResponseException) -> str:
    raw = error.smtp_error
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
