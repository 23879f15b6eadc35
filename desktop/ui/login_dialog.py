"""Logging in: login name and password, checked off the GUI thread.

Verifying an argon2 hash takes tens of milliseconds on purpose, and the
operator row lives in the database, so :func:`check_password` runs on the
task runner. The same check unlocks kiosk mode.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock
from desktop.i18n import _
from desktop.services.auth import Actor, authenticate
from desktop.services.db import Database
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


def check_password(
    db: Database, clock: Clock, login: str, password: str, workstation: str
) -> Actor | None:
    """The actor for a correct login and password (worker thread)."""
    with db.sessions() as session, session.begin():
        return authenticate(session, clock, login, password, workstation)


class LoginDialog(QDialog):
    """Asks for login and password; emits the actor on success.

    Signals:
        logged_in(object): the authenticated ``Actor``; the dialog then
            closes with ``accept()``.
    """

    logged_in = Signal(object)

    def __init__(
        self,
        db: Database,
        clock: Clock,
        runner: TaskRunner,
        *,
        workstation: str,
        title_suffix: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._runner = runner
        self._workstation = workstation
        self.setWindowTitle(_("校园返校管理台 — 登录") + title_suffix)
        self._build()

    def _build(self) -> None:
        heading = QLabel(_("研究生返校报到管理系统"), self, objectName="loginHeading")
        heading.setStyleSheet("#loginHeading { font-size: 22px; font-weight: bold; }")
        self.login_edit = QLineEdit(self, placeholderText=_("用户名"))
        self.password_edit = QLineEdit(self, placeholderText=_("密码"))
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.error_label = QLabel(self, objectName="loginError")
        self.error_label.setStyleSheet("#loginError { color: #c4161c; }")
        self.error_label.setWordWrap(True)

        self._buttons = QDialogButtonBox(self)
        self.submit_button = self._buttons.addButton(
            _("登录"), QDialogButtonBox.AcceptRole
        )
        self.submit_button.setDefault(True)
        self._buttons.addButton(_("退出"), QDialogButtonBox.RejectRole)

        form = QFormLayout()
        form.addRow(_("用户名"), self.login_edit)
        form.addRow(_("密码"), self.password_edit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self._buttons)
        self.setMinimumWidth(420)

        self._buttons.accepted.connect(self._on_buttons_accepted)
        self._buttons.rejected.connect(self.reject)

    def _on_buttons_accepted(self) -> None:
        login = self.login_edit.text().strip()
        password = self.password_edit.text()
        if not login or not password:
            self._show_error(_("请输入用户名和密码"))
            return
        self._set_busy(True)
        self.error_label.setText(_("正在验证…"))
        self._runner.submit(
            check_password,
            self._db,
            self._clock,
            login,
            password,
            self._workstation,
            on_result=self._on_check_done,
            on_error=self._on_check_failed,
        )

    def _on_check_done(self, actor: Actor | None) -> None:
        self._set_busy(False)
        if actor is None:
            self.password_edit.clear()
            self.password_edit.setFocus(Qt.OtherFocusReason)
            self._show_error(_("用户名或密码错误，请重新输入"))
            return
        log.info("logged in: %s (%s)", actor.login, actor.role.value)
        self.error_label.clear()
        self.logged_in.emit(actor)
        self.accept()

    def _on_check_failed(self, exc: BaseException) -> None:
        log.error("login check failed", exc_info=exc)
        self._set_busy(False)
        self._show_error(_("无法连接数据库，请稍后再试"))

    def _show_error(self, text: str) -> None:
        self.error_label.setText(text)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.login_edit, self.password_edit, self.submit_button):
            widget.setEnabled(not busy)
