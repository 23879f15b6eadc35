"""The bar that unlocks kiosk mode with the operator's password.

It sits inside the window rather than in a dialog, so the hand-scanner
field keeps working around it; the password is checked off the GUI thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton

from desktop.i18n import _
from desktop.services.auth import Actor
from desktop.ui.context import ConsoleContext
from desktop.ui.login_dialog import check_password
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)


class KioskUnlockBar(QFrame):
    """Password field, unlock and cancel buttons.

    Signals:
        unlocked(): the operator's password was right.
        cancelled(): the operator gave up; the bar hides itself.
    """

    unlocked = Signal()
    cancelled = Signal()

    def __init__(
        self, context: ConsoleContext, actor: Actor, runner: TaskRunner
    ) -> None:
        super().__init__(objectName="kioskUnlockBar")
        self._context = context
        self._actor = actor
        self._runner = runner
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.password_edit.setPlaceholderText(
            _("输入{name}的密码以退出全屏").format(name=actor.display_name)
        )
        self.message = QLabel(self)
        self._unlock = QPushButton(_("退出全屏"), self)
        self._cancel = QPushButton(_("取消"), self)

        row = QHBoxLayout(self)
        row.addWidget(QLabel(_("退出门岗全屏模式："), self))
        row.addWidget(self.password_edit, 1)
        row.addWidget(self._unlock)
        row.addWidget(self._cancel)
        row.addWidget(self.message)
        self.setStyleSheet(
            "#kioskUnlockBar { background: #fff8e1; border: 1px solid #f3ab00; }"
        )

        self.password_edit.returnPressed.connect(self._on_unlock_clicked)
        self._unlock.clicked.connect(self._on_unlock_clicked)
        self._cancel.clicked.connect(self._on_cancel_clicked)
        self.hide()

    def ask(self) -> None:
        """Show the bar with an empty password field focused."""
        self.password_edit.clear()
        self.message.clear()
        self.show()
        self.password_edit.setFocus(Qt.OtherFocusReason)

    def _on_unlock_clicked(self) -> None:
        password = self.password_edit.text()
        if not password:
            return
        self.password_edit.clear()
        self.message.setText(_("正在验证…"))
        self._runner.submit(
            check_password,
            self._context.db,
            self._context.clock,
            self._actor.login,
            password,
            self._context.workstation,
            on_result=self._on_check_done,
            on_error=self._on_check_failed,
        )

    def _on_check_done(self, actor: Actor | None) -> None:
        if actor is None or actor.operator_id != self._actor.operator_id:
            self.message.setText(_("密码错误"))
            self.password_edit.setFocus(Qt.OtherFocusReason)
            return
        log.info("kiosk unlocked by %s", actor.login)
        self.hide()
        self.unlocked.emit()

    def _on_check_failed(self, exc: BaseException) -> None:
        log.error("kiosk unlock check failed", exc_info=exc)
        self.message.setText(_("无法验证密码"))

    def _on_cancel_clicked(self) -> None:
        self.hide()
        self.cancelled.emit()
