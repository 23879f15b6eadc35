"""The certificate check page (证明核验): is this release certificate real?

For staff who check certificates rather than admit students: a hand
scanner types the code into the input (one Enter per line, so the box
collects all eight lines), or the text is pasted; the check runs as soon
as a whole code has arrived, or on the button. Nothing is recorded as a
gate scan. The result shows, in words and with an icon, whether the
certificate is valid, revoked or forged, and what it says; a registration
pass checked here is named as one.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING, Clock
from desktop.i18n import _
from desktop.services.auth import Permission
from desktop.services.certificates import (
    LABELS,
    LINE_COUNT,
    CertificateProblem,
    CertificateReport,
    CertificateState,
    inspect,
    looks_like_certificate,
)
from desktop.services.db import Database
from desktop.services.keys import Keyring
from desktop.ui import errors
from desktop.ui.gate_certificate import state_line
from desktop.ui.tasks import TaskRunner
from desktop.ui.verdict_banner import Glyph, VerdictIcon

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

# state: (background, foreground, glyph, title)
_LOOK = {
    CertificateState.VALID: ("#1b7d36", "#ffffff", Glyph.CHECK, "证明有效"),
    CertificateState.UNCHECKED: ("#1b7d36", "#ffffff", Glyph.CHECK, "签名有效"),
    CertificateState.REVOKED: ("#f3ab00", "#1d1d1d", Glyph.EXCLAMATION, "证明已撤销"),
    CertificateState.UNRECORDED: (
        "#f3ab00",
        "#1d1d1d",
        Glyph.EXCLAMATION,
        "查无签发记录",
    ),
    CertificateState.FORGED: ("#c4161c", "#ffffff", Glyph.CROSS, "证明无效"),
}
_IDLE = ("#e3e8ec", "#37474f", Glyph.NONE, "请扫描或粘贴解除观察电子证明")
_NOT_A_CERTIFICATE = ("#f2a900", "#1d1d1d", Glyph.EXCLAMATION, "不是解除观察电子证明")


def _detail(report: CertificateReport) -> str:
    """The line under the banner's title: how the verdict was reached."""
    if report.state is CertificateState.VALID:
        return _("电子签名验证通过；学校记录中该证明未撤销")
    if report.state is CertificateState.UNRECORDED:
        return _("电子签名有效，但本系统查无签发记录，请联系签发单位")
    if report.problem is CertificateProblem.IS_PASS:
        # A genuine pass shown at the wrong desk is not a forgery.
        return report.summary()[0]
    return state_line(report)


def inspect_text(db: Database, keyring: Keyring, text: str) -> CertificateReport:
    """Verify ``text`` and ask the database whether it was revoked."""
    with db.sessions() as session:
        return inspect(text, keyring, session)


def is_complete(text: str) -> bool:
    """Whether a scanner has finished typing ``text`` (ends in a line end).

    A certificate is complete with its eight lines; anything else (a pass,
    stray text) with its first line end.
    """
    if not text.endswith("\n") or not text.strip():
        return False
    lines = text.strip("\n").split("\n")
    return not looks_like_certificate(lines[0]) or len(lines) >= LINE_COUNT


class CertificateCheckPage(QWidget):
    """Input box, status banner and the certificate's fields.

    Signals:
        checked(object): a ``CertificateReport`` is now shown.
    """

    checked = Signal(object)

    def __init__(
        self,
        db: Database,
        keyring: Keyring,
        clock: Clock,
        runner: TaskRunner,
        *,
        show_student_no: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._keyring = keyring
        self._clock = clock
        self._runner = runner
        self._show_student_no = show_student_no
        self._build()
        self._show_look(_IDLE, _("扫码枪扫码会自动核验；也可粘贴证明文字后点“核验”"))

    def _build(self) -> None:
        self.input = QPlainTextEdit(self, objectName="certificateInput")
        self.input.setPlaceholderText(_("扫码枪扫描证明二维码，或粘贴证明文字"))
        self.input.setFixedHeight(120)
        self.input.setTabChangesFocus(True)
        self.input.textChanged.connect(self._on_input_text_changed)
        self.check_button = QPushButton(_("核验"), self)
        self.check_button.setDefault(True)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.clear_button = QPushButton(_("清空"), self)
        self.clear_button.clicked.connect(self._on_clear_button_clicked)
        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self.input)
        shortcut.activated.connect(self._on_check_button_clicked)

        self.banner = QFrame(self, objectName="checkBanner")
        self.icon = VerdictIcon(self.banner)
        self.icon.setFixedSize(96, 96)
        self.title = QLabel(self.banner, objectName="checkTitle")
        self.state = QLabel(self.banner, objectName="checkState")
        self.state.setWordWrap(True)
        words = QVBoxLayout()
        words.addWidget(self.title)
        words.addWidget(self.state)
        words.addStretch(1)
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(20, 14, 20, 14)
        row.setSpacing(20)
        row.addWidget(self.icon, 0, Qt.AlignTop)
        row.addLayout(words, 1)
        self.banner.setMinimumHeight(130)

        self.values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignRight)
        form.setHorizontalSpacing(18)
        form.setVerticalSpacing(10)
        labels = (*LABELS, "学号", "核验时间")
        for label in labels:
            value = QLabel(self, objectName="checkValue")
            value.setTextInteractionFlags(Qt.TextSelectableByMouse)
            self.values[label] = value
            form.addRow(QLabel(_(label) + "：", self, objectName="checkLabel"), value)
        self.values["学号"].setVisible(self._show_student_no)
        form.labelForField(self.values["学号"]).setVisible(self._show_student_no)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        buttons.addWidget(self.check_button)
        heading = QLabel(_("解除观察电子证明核验"), self, objectName="checkHeading")
        page = QVBoxLayout(self)
        page.setContentsMargins(16, 12, 16, 12)
        page.addWidget(heading)
        page.addWidget(self.input)
        page.addLayout(buttons)
        page.addWidget(self.banner)
        page.addLayout(form)
        page.addStretch(1)
        self.setStyleSheet(_PAGE_STYLE)

    # Checking.

    def check_text(self, text: str) -> None:
        """Check ``text`` on the worker; the result replaces the one shown."""
        text = text.strip()
        if not text:
            return
        self.check_button.setEnabled(False)
        self._runner.submit(
            inspect_text,
            self._db,
            self._keyring,
            text,
            on_result=self._on_inspect_done,
            on_error=self._on_inspect_failed,
        )

    def _on_input_text_changed(self) -> None:
        text = self.input.toPlainText()
        if is_complete(text):
            self._take_input()

    def _on_check_button_clicked(self) -> None:
        self._take_input()

    def _on_clear_button_clicked(self) -> None:
        self.input.clear()
        self.input.setFocus(Qt.OtherFocusReason)

    def _take_input(self) -> None:
        text = self.input.toPlainText()
        self.input.blockSignals(True)
        self.input.clear()
        self.input.blockSignals(False)
        self.check_text(text)

    def _on_inspect_done(self, report: CertificateReport) -> None:
        self.check_button.setEnabled(True)
        look = _LOOK[report.state]
        if report.problem is CertificateProblem.IS_PASS:
            look = _NOT_A_CERTIFICATE
        self._show_look(look, _detail(report))
        fields = report.fields
        values = ("",) * len(LABELS)
        if fields is not None:
            period = _("{start} 至 {end}").format(
                start=fields.period_start.isoformat(),
                end=fields.released_on.isoformat(),
            )
            values = (
                fields.masked_name,
                fields.school,
                period,
                fields.released_on.isoformat(),
                fields.number,
                fields.issuer,
            )
        for label, value in zip(LABELS, values, strict=True):
            self.values[label].setText(value)
        self.values["学号"].setText(report.student_no or "")
        now = self._clock.now().astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
        self.values["核验时间"].setText(now)
        log.info("certificate checked: %s", report.state.value)
        self.input.setFocus(Qt.OtherFocusReason)
        self.checked.emit(report)

    def _on_inspect_failed(self, exc: BaseException) -> None:
        self.check_button.setEnabled(True)
        log.error("certificate check failed", exc_info=exc)
        message = _("核验失败：{error}").format(error=type(exc).__name__)
        errors.post(message)
        self._show_look(("#455a64", "#ffffff", Glyph.QUESTION, "无法核验"), message)

    def _show_look(self, look: tuple[str, str, Glyph, str], detail: str) -> None:
        background, foreground, glyph, title = look
        self.icon.set_glyph(glyph, foreground)
        self.icon.setVisible(glyph is not Glyph.NONE)
        self.title.setText(_(title))
        self.state.setText(detail)
        self.banner.setStyleSheet(_BANNER_STYLE.format(bg=background, fg=foreground))

    def title_text(self) -> str:
        """The banner's title (for tests)."""
        return self.title.text()

    def detail_text(self) -> str:
        """The banner's state line and every field shown (for tests)."""
        shown = [self.state.text()]
        shown += [f"{k}：{v.text()}" for k, v in self.values.items() if v.text()]
        return "\n".join(shown)


_BANNER_STYLE = """
#checkBanner {{ background: {bg}; border-radius: 8px; }}
#checkBanner QLabel {{ color: {fg}; background: transparent; }}
#checkTitle {{ font-size: 34px; font-weight: bold; }}
#checkState {{ font-size: 20px; }}
"""
_PAGE_STYLE = """
#checkHeading { font-size: 20px; font-weight: bold; }
#certificateInput { font-size: 15px; }
QLabel#checkValue { font-size: 17px; }
QLabel#checkLabel { font-size: 17px; color: #455a64; }
"""


def make_page(env: PageEnv) -> QWidget:
    """The page factory registered in ``pages.page_specs``."""
    return CertificateCheckPage(
        env.context.db,
        env.context.keyring,
        env.context.clock,
        env.runner,
        show_student_no=env.actor.may(Permission.ROSTER_VIEW),
        parent=env.parent,
    )
