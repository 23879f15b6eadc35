"""The mail server settings dialog of the sheets page (邮件设置).

The dialog only edits values: the page loads the saved settings and saves
the result on a worker. The password field is masked and starts empty;
leaving it empty keeps the saved password, unless "clear" is ticked.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services.mailer import (
    DEFAULT_PORTS,
    GRADUATE_SCHOOL_ADDRESS,
    SECURITY_LABELS,
    MailSettings,
    Security,
)


@dataclass(frozen=True)
class MailChoice:
    """What the operator chose in the dialog.

    Attributes:
        settings: the server settings to save.
        password: a new password, or None to keep the saved one.
    """

    settings: MailSettings
    password: str | None


class MailSettingsDialog(QDialog):
    """Edits the SMTP server, the addresses and the password."""

    def __init__(
        self, settings: MailSettings, has_password: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("邮件设置"))
        self.setMinimumWidth(520)
        self._has_password = has_password
        self._build(settings)
        self.security_combo.currentIndexChanged.connect(self._on_security_changed)
        self.clear_check.toggled.connect(self._on_clear_toggled)

    def _build(self, settings: MailSettings) -> None:
        self.host_edit = QLineEdit(settings.host, self)
        self.host_edit.setPlaceholderText(_("例如 smtp.163.com"))
        self.security_combo = QComboBox(self)
        for security in Security:
            self.security_combo.addItem(_(SECURITY_LABELS[security]), security)
        self.security_combo.setCurrentIndex(list(Security).index(settings.security))
        self.port_spin = QSpinBox(self, minimum=1, maximum=65535, value=settings.port)
        self.user_edit = QLineEdit(settings.user, self)
        self.user_edit.setPlaceholderText(_("留空则不登录"))
        self.password_edit = QLineEdit(self, echoMode=QLineEdit.Password)
        self.password_edit.setPlaceholderText(
            _("已保存；留空则不修改") if self._has_password else _("邮箱密码或授权码")
        )
        self.clear_check = QCheckBox(_("清除已保存的密码"), self)
        self.clear_check.setVisible(self._has_password)
        self.from_edit = QLineEdit(settings.from_address, self)
        self.from_edit.setPlaceholderText(_("发件人邮箱"))
        self.to_edit = QLineEdit(settings.to_address, self)
        self.to_edit.setPlaceholderText(GRADUATE_SCHOOL_ADDRESS)
        self.timeout_spin = QDoubleSpinBox(
            self, minimum=1, maximum=300, decimals=0, value=settings.timeout
        )
        self.timeout_spin.setSuffix(_(" 秒"))

        form = QFormLayout()
        form.addRow(_("SMTP 服务器"), self.host_edit)
        form.addRow(_("加密方式"), self.security_combo)
        form.addRow(_("端口"), self.port_spin)
        form.addRow(_("用户名"), self.user_edit)
        form.addRow(_("密码"), self.password_edit)
        form.addRow("", self.clear_check)
        form.addRow(_("发件人"), self.from_edit)
        form.addRow(_("收件人"), self.to_edit)
        form.addRow(_("超时"), self.timeout_spin)
        note = QLabel(
            _("密码只保存在本机的控制台文件夹中（仅本人可读），不写入数据库和日志。"),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.Save | QDialogButtonBox.Cancel, self
        )
        buttons.button(QDialogButtonBox.Save).setText(_("保存"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def choice(self) -> MailChoice:
        """The settings and password as the fields now say."""
        settings = MailSettings(
            host=self.host_edit.text().strip(),
            port=self.port_spin.value(),
            security=Security(self.security_combo.currentData()),
            user=self.user_edit.text().strip(),
            from_address=self.from_edit.text().strip(),
            to_address=self.to_edit.text().strip() or GRADUATE_SCHOOL_ADDRESS,
            timeout=self.timeout_spin.value(),
        )
        password: str | None = self.password_edit.text() or None
        if self.clear_check.isChecked():
            password = ""
        return MailChoice(settings, password)

    def _on_security_changed(self) -> None:
        # Follow the usual port unless the operator typed another one.
        if self.port_spin.value() in DEFAULT_PORTS.values():
            self.port_spin.setValue(DEFAULT_PORTS[self.security_combo.currentData()])

    def _on_clear_toggled(self, checked: bool) -> None:
        self.password_edit.setEnabled(not checked)
        if checked:
            self.password_edit.clear()
