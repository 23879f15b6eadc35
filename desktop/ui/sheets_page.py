"""The statistics sheets page (统计表): export, and send by e-mail.

Class heads see their classes, college admins their college and its
workbook, school admins everything and the school workbook. Exporting and
sending run on a worker; every export and every send is audited by the
services. Results and failures go to the status bar through the error
sink; a failed send leaves the workbook on disk and says where.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.clock import Clock
from desktop.i18n import _
from desktop.services import mailer
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.mailer import MailError, MailSettings
from desktop.services.sheet_targets import SheetTargets, sheet_targets
from desktop.services.sheets import export_class, export_college, export_school
from desktop.ui import errors
from desktop.ui.errors import Severity
from desktop.ui.mail_dialog import MailChoice, MailSettingsDialog
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

COLUMNS = ("班级", "学院", "班主任", "应登记", "已登记", "未登记", "登记率")
NUMBER_COLUMNS = 3  # the columns from here on are figures, aligned right
SENT_FOLDER = "sent-sheets"


@dataclass(frozen=True)
class SendOutcome:
    """How a batch of sends ended: who got sent, and the first failure."""

    folder: Path
    sent: list[str] = field(default_factory=list)
    failed: str | None = None
    reason: str = ""


def _load_targets(db: Database, actor: Actor) -> SheetTargets:
    with db.sessions() as session:
        return sheet_targets(session, actor)


def _export(
    db: Database, clock: Clock, actor: Actor, kind: str, names: list[str], out: Path
) -> list[Path]:
    written = []
    with db.sessions() as session, session.begin():
        if kind == "school":
            written.append(export_school(session, clock, actor, out))
        elif kind == "college":
            written.append(export_college(session, clock, actor, names[0], out))
        else:
            written.extend(export_class(session, clock, actor, n, out) for n in names)
    return written


def _send(
    db: Database, clock: Clock, actor: Actor, names: list[str], folder: Path
) -> SendOutcome:
    """Export each class and e-mail it; stop at the first failure."""
    settings = mailer.load_mail_settings()
    password = mailer.load_password()
    outcome = SendOutcome(folder)
    for name in names:
        with db.sessions() as session, session.begin():
            path = export_class(session, clock, actor, name, folder)
        try:
            mailer.send_workbook(
                db, clock, actor, settings, password, path, name, f"class:{name}"
            )
        except MailError as error:
            return SendOutcome(folder, outcome.sent, name, str(error))
        outcome.sent.append(name)
    return outcome


def _load_mail() -> tuple[MailSettings, bool]:
    has_password = (paths.home() / mailer.PASSWORD_FILE).exists()
    return mailer.load_mail_settings(), has_password


def _save_mail(
    db: Database, clock: Clock, actor: Actor, choice: MailChoice
) -> MailSettings:
    mailer.save_mail_settings(choice.settings)
    if choice.password is not None:
        mailer.save_password(choice.password)
    with db.sessions() as session, session.begin():
        mailer.record_settings_change(
            session,
            clock,
            actor,
            choice.settings,
            password_changed=choice.password is not None,
        )
    return choice.settings


class SheetsPage(QWidget):
    """The classes in scope, their figures, and the export and send buttons.

    Signals:
        targets_loaded(object): the ``SheetTargets`` now listed.
        exported(object): the list of workbook paths just written.
        sent(object): the ``SendOutcome`` of a send, success or not.
        mail_settings_saved(object): the ``MailSettings`` just saved.
    """

    targets_loaded = Signal(object)
    exported = Signal(object)
    sent = Signal(object)
    mail_settings_saved = Signal(object)

    def __init__(
        self,
        db: Database,
        clock: Clock,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._clock = clock
        self._actor = actor
        self._runner = runner
        self._targets = SheetTargets([], [], False)
        self._mail = MailSettings()
        self._has_password = False
        self._busy = False
        self._build()
        self._connect()
        self.reload()
        self._runner.submit(_load_mail, on_result=self._on_mail_loaded)

    def _build(self) -> None:
        self.hint_label = QLabel(
            _(
                "按通知要求，各班主任将本班“京心相助”研究生信息登记情况统计表"
                "发送至研究生院邮箱，邮件名称为班级名称。"
            ),
            self,
        )
        self.hint_label.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([_(c) for c in COLUMNS])
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(90)
        header.setSectionResizeMode(QHeaderView.Fixed)
        header.setSectionResizeMode(0, QHeaderView.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeToContents)

        self.export_button = QPushButton(_("导出…"), self)
        self.send_button = QPushButton(_("发送邮件"), self)
        self.college_combo = QComboBox(self)
        self.college_button = QPushButton(_("导出学院统计表…"), self)
        self.school_button = QPushButton(_("导出全校统计表…"), self)
        self.mail_button = QPushButton(_("邮件设置…"), self)
        self.recipient_label = QLabel(self)
        self.status_label = QLabel(self)
        for widget in (self.college_combo, self.college_button, self.school_button):
            widget.hide()

        buttons = QHBoxLayout()
        for widget in (self.export_button, self.send_button):
            buttons.addWidget(widget)
        buttons.addSpacing(24)
        for widget in (self.college_combo, self.college_button, self.school_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        buttons.addWidget(self.recipient_label)
        buttons.addWidget(self.mail_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.hint_label)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status_label)

    def _connect(self) -> None:
        self.export_button.clicked.connect(self._on_export_clicked)
        self.send_button.clicked.connect(self._on_send_clicked)
        self.college_button.clicked.connect(self._on_college_clicked)
        self.school_button.clicked.connect(self._on_school_clicked)
        self.mail_button.clicked.connect(self._on_mail_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)

    # Loading.

    def reload(self) -> None:
        """List the classes in scope again."""
        self.status_label.setText(_("正在加载班级…"))
        self._runner.submit(
            _load_targets,
            self._db,
            self._actor,
            on_result=self._on_targets_loaded,
            on_error=self._on_job_failed,
        )

    def _on_targets_loaded(self, targets: SheetTargets) -> None:
        self._targets = targets
        self.table.setRowCount(len(targets.classes))
        for row, entry in enumerate(targets.classes):
            cells = (entry.name, entry.college, entry.head, entry.expected,
                     entry.registered, entry.missing, f"{entry.rate:.1%}")  # fmt: skip
            for column, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if column >= NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if column == 5 and entry.missing:
                    item.setForeground(Qt.red)
                self.table.setItem(row, column, item)
        self.college_combo.clear()
        self.college_combo.addItems(targets.colleges)
        for widget in (self.college_combo, self.college_button):
            widget.setVisible(bool(targets.colleges))
        self.school_button.setVisible(targets.school)
        self.status_label.setText(
            _("共 {n} 个班级；选中班级后可导出或发送邮件").format(
                n=len(targets.classes)
            )
        )
        self._update_buttons()
        self.targets_loaded.emit(targets)

    def _on_mail_loaded(self, loaded: tuple[MailSettings, bool]) -> None:
        self._mail, self._has_password = loaded
        self.recipient_label.setText(_("收件人：{to}").format(to=self._mail.to_address))

    def selected_classes(self) -> list[str]:
        """The names of the selected classes, in table order."""
        rows = sorted({index.row() for index in self.table.selectedIndexes()})
        return [self._targets.classes[row].name for row in rows]

    def _update_buttons(self) -> None:
        chosen = bool(self.selected_classes()) and not self._busy
        self.export_button.setEnabled(chosen)
        self.send_button.setEnabled(chosen)
        for button in (self.college_button, self.school_button, self.mail_button):
            button.setEnabled(not self._busy)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        if text:
            self.status_label.setText(text)
        self._update_buttons()

    # Exports.

    def export_to(self, kind: str, names: list[str], out: Path) -> None:
        """Export on a worker: ``class`` sheets or a ``college`` into the
        folder ``out``, or the ``school`` workbook as the file ``out``."""
        self._set_busy(True, _("正在导出…"))
        self._runner.submit(
            _export,
            self._db,
            self._clock,
            self._actor,
            kind,
            names,
            out,
            on_result=self._on_exported,
            on_error=self._on_job_failed,
        )

    def _on_export_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("选择导出文件夹"))
        if folder:
            self.export_to("class", self.selected_classes(), Path(folder))

    def _on_college_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("选择导出文件夹"))
        if folder:
            self.export_to("college", [self.college_combo.currentText()], Path(folder))

    def _on_school_clicked(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("导出全校统计表"), _("全校统计表.xlsx"), _("Excel 工作簿 (*.xlsx)")
        )
        if path:
            self.export_to("school", [], Path(path))

    def _on_exported(self, written: list[Path]) -> None:
        self._set_busy(False)
        where = written[0].parent if written else ""
        message = _("已导出 {n} 个工作簿到 {folder}").format(
            n=len(written), folder=where
        )
        self.status_label.setText(message)
        errors.post(message, Severity.INFO)
        self.exported.emit(written)

    # Sending.

    def send_selected(self, folder: Path | None = None) -> None:
        """Export the selected classes and e-mail each, on a worker."""
        names = self.selected_classes()
        if not names:
            return
        if not self._mail.complete:
            errors.post(_("请先在“邮件设置”中填写邮件服务器、发件人和收件人"))
            self._on_mail_clicked()
            return
        folder = folder or paths.home() / SENT_FOLDER
        self._set_busy(True, _("正在发送 {n} 封邮件…").format(n=len(names)))
        self._runner.submit(
            _send,
            self._db,
            self._clock,
            self._actor,
            names,
            folder,
            on_result=self._on_sent,
            on_error=self._on_job_failed,
        )

    def _on_send_clicked(self) -> None:
        self.send_selected()

    def _on_sent(self, outcome: SendOutcome) -> None:
        self._set_busy(False)
        done = _("已发送 {n} 封邮件至 {to}").format(
            n=len(outcome.sent), to=self._mail.to_address
        )
        if outcome.failed is None:
            self.status_label.setText(done)
            errors.post(done, Severity.INFO)
        else:
            message = _(
                "{done}；“{name}”发送失败：{reason}。工作簿已保存在 {folder}"
            ).format(
                done=done,
                name=outcome.failed,
                reason=outcome.reason,
                folder=outcome.folder,
            )
            self.status_label.setText(message)
            errors.post(message)
        self.sent.emit(outcome)

    def _on_job_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        log.error("sheets page job failed: %s", error, exc_info=error)
        message = _("操作失败：{error}").format(error=error)
        self.status_label.setText(message)
        errors.post(message)

    # Mail settings.

    def _on_mail_clicked(self) -> None:
        dialog = MailSettingsDialog(self._mail, self._has_password, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.accepted.connect(self._on_mail_dialog_accepted)
        self.mail_dialog = dialog
        dialog.open()

    def _on_mail_dialog_accepted(self) -> None:
        choice = self.mail_dialog.choice()
        if choice.password is not None:
            self._has_password = bool(choice.password)
        self._runner.submit(
            _save_mail,
            self._db,
            self._clock,
            self._actor,
            choice,
            on_result=self._on_mail_saved,
            on_error=self._on_job_failed,
        )

    def _on_mail_saved(self, settings: MailSettings) -> None:
        self._on_mail_loaded((settings, self._has_password))
        errors.post(_("邮件设置已保存"), Severity.INFO)
        self.mail_settings_saved.emit(settings)


def make_page(env: PageEnv) -> QWidget:
    """The page factory of the navigation (see ``ui/pages.py``)."""
    return SheetsPage(
        env.context.db, env.context.clock, env.actor, env.runner, env.parent
    )
