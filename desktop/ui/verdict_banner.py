"""The full-width verdict banner of the gate page.

Colour is never the only signal: every verdict has its own drawn icon
(check mark, exclamation mark, cross), a big title and the reasons in
words. On admit the banner also shows name, class and the masked document
number, so staff can compare them with the student card. The banner clears
itself after a few seconds.
"""

from __future__ import annotations

import enum
import logging

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop.i18n import _
from desktop.services.gate import GateResult
from desktop.services.verdict import Verdict
from desktop.ui.gate_certificate import certificate_lines

log = logging.getLogger(__name__)

CLEAR_AFTER_MS = 5000


class BannerState(enum.StrEnum):
    """What the banner shows; also the style-sheet property value."""

    IDLE = "idle"
    ADMIT = "admit"
    ALREADY = "already"
    NOT_YET = "not_yet"
    REFUSE = "refuse"
    FAILED = "failed"


class Glyph(enum.Enum):
    """The shape drawn in the banner's icon."""

    NONE = 0
    CHECK = 1
    EXCLAMATION = 2
    CROSS = 3
    QUESTION = 4


# state: (background, foreground, glyph)
_LOOK = {
    BannerState.IDLE: ("#e3e8ec", "#37474f", Glyph.NONE),
    BannerState.ADMIT: ("#1b7d36", "#ffffff", Glyph.CHECK),
    BannerState.ALREADY: ("#f3ab00", "#1d1d1d", Glyph.EXCLAMATION),
    BannerState.NOT_YET: ("#f3ab00", "#1d1d1d", Glyph.EXCLAMATION),
    BannerState.REFUSE: ("#c4161c", "#ffffff", Glyph.CROSS),
    BannerState.FAILED: ("#455a64", "#ffffff", Glyph.QUESTION),
}


def _title(state: BannerState) -> str:
    return {
        BannerState.IDLE: _("请出示报到二维码"),
        BannerState.ADMIT: _("准予报到"),
        BannerState.ALREADY: _("已报到"),
        BannerState.NOT_YET: _("未到返校日期"),
        BannerState.REFUSE: _("拒绝入校"),
        BannerState.FAILED: _("无法判定"),
    }[state]


class VerdictIcon(QWidget):
    """A round badge with a check mark, exclamation mark or cross."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._glyph = Glyph.NONE
        self._colour = QColor("#ffffff")
        self.setFixedSize(QSize(132, 132))

    def set_glyph(self, glyph: Glyph, colour: str) -> None:
        """Draw ``glyph`` in ``colour`` from now on."""
        self._glyph = glyph
        self._colour = QColor(colour)
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt override
        if self._glyph is Glyph.NONE:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.Antialiasing)
        side = min(self.width(), self.height()) - 8
        box = QRectF(4, 4, side, side)
        painter.setPen(QPen(self._colour, side * 0.07))
        painter.drawEllipse(box)
        pen = QPen(self._colour, side * 0.12, Qt.SolidLine, Qt.RoundCap, Qt.RoundJoin)
        painter.setPen(pen)
        painter.drawPath(_glyph_path(self._glyph, box))
        if self._glyph in (Glyph.EXCLAMATION, Glyph.QUESTION):
            painter.setBrush(self._colour)
            painter.setPen(Qt.NoPen)
            centre = QPointF(box.center().x(), box.top() + side * 0.75)
            painter.drawEllipse(centre, side * 0.075, side * 0.075)
        painter.end()


def _glyph_path(glyph: Glyph, box: QRectF) -> QPainterPath:
    """The strokes of ``glyph`` inside ``box`` (dots are drawn separately)."""

    def at(fx: float, fy: float) -> QPointF:
        return QPointF(box.left() + box.width() * fx, box.top() + box.height() * fy)

    path = QPainterPath()
    if glyph is Glyph.CHECK:
        path.moveTo(at(0.27, 0.52))
        path.lineTo(at(0.44, 0.69))
        path.lineTo(at(0.74, 0.34))
    elif glyph is Glyph.CROSS:
        path.moveTo(at(0.32, 0.32))
        path.lineTo(at(0.68, 0.68))
        path.moveTo(at(0.68, 0.32))
        path.lineTo(at(0.32, 0.68))
    elif glyph is Glyph.EXCLAMATION:
        path.moveTo(at(0.5, 0.24))
        path.lineTo(at(0.5, 0.56))
    elif glyph is Glyph.QUESTION:
        path.moveTo(at(0.36, 0.38))
        path.cubicTo(at(0.36, 0.2), at(0.66, 0.2), at(0.64, 0.4))
        path.cubicTo(at(0.62, 0.52), at(0.5, 0.5), at(0.5, 0.6))
    return path


class VerdictBanner(QFrame):
    """Shows the last verdict edge to edge and clears itself.

    Signals:
        cleared(): the banner went back to idle (timer or ``clear()``).
    """

    cleared = Signal()

    def __init__(
        self, parent: QWidget | None = None, *, clear_after_ms: int = CLEAR_AFTER_MS
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBanner")
        self._state = BannerState.IDLE
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(clear_after_ms)
        self._timer.timeout.connect(self.clear)
        self._build()
        self._apply(BannerState.IDLE, [_("扫码枪或摄像头均可使用")], "", "")

    def _build(self) -> None:
        self._icon = VerdictIcon(self)
        self._title = QLabel(self, objectName="verdictTitle")
        self._reasons = QLabel(self, objectName="verdictReasons")
        self._reasons.setWordWrap(True)
        self._person = QLabel(self, objectName="verdictPerson")
        self._document = QLabel(self, objectName="verdictDocument")
        for label in (self._title, self._reasons, self._person, self._document):
            label.setTextInteractionFlags(Qt.NoTextInteraction)
            label.setFocusPolicy(Qt.NoFocus)

        text = QVBoxLayout()
        text.setSpacing(6)
        text.addWidget(self._title)
        text.addWidget(self._reasons)
        text.addWidget(self._person)
        text.addWidget(self._document)
        text.addStretch(1)

        row = QHBoxLayout(self)
        row.setContentsMargins(28, 20, 28, 20)
        row.setSpacing(28)
        row.addWidget(self._icon, 0, Qt.AlignTop)
        row.addLayout(text, 1)
        self.setMinimumHeight(230)
        self.setFocusPolicy(Qt.NoFocus)

    @property
    def state(self) -> BannerState:
        """What the banner shows now."""
        return self._state

    def title_text(self) -> str:
        """The big title currently shown."""
        return self._title.text()

    def detail_text(self) -> str:
        """Reasons, person and document lines, joined (for tests)."""
        parts = (self._reasons, self._person, self._document)
        return "\n".join(label.text() for label in parts if label.text())

    def show_result(self, result: GateResult) -> None:
        """Show a recorded gate decision and restart the clear timer."""
        state = BannerState(result.verdict.value)
        title = _title(state)
        reasons = [reason for reason in result.reasons if reason != title]
        person = ""
        if result.student_name:
            person = "  ".join(
                part for part in (result.student_name, result.class_name) if part
            )
        document = ""
        if result.verdict is Verdict.ADMIT and result.masked_document:
            document = _("证件号码 {number}　请核对学生证").format(
                number=result.masked_document
            )
        if result.certificate is not None:
            reasons, person, document = certificate_lines(result.certificate)
        self._apply(state, reasons, person, document)
        self._timer.start()

    def show_failure(self, message: str) -> None:
        """Show that no verdict could be reached (nothing was decided)."""
        self._apply(BannerState.FAILED, [message, _("请重新扫码或人工核验")], "", "")
        self._timer.start()

    def clear(self) -> None:
        """Go back to idle."""
        self._timer.stop()
        if self._state is BannerState.IDLE:
            return
        self._apply(BannerState.IDLE, [_("扫码枪或摄像头均可使用")], "", "")
        self.cleared.emit()

    def _apply(
        self, state: BannerState, reasons: list[str], person: str, document: str
    ) -> None:
        self._state = state
        background, foreground, glyph = _LOOK[state]
        self._icon.set_glyph(glyph, foreground)
        self._icon.setVisible(glyph is not Glyph.NONE)
        self._title.setText(_title(state))
        self._reasons.setText("；".join(reasons))
        self._person.setText(person)
        self._person.setVisible(bool(person))
        self._document.setText(document)
        self._document.setVisible(bool(document))
        self.setStyleSheet(_STYLE.format(bg=background, fg=foreground))
        log.debug("banner: %s", state.value)


_STYLE = """
#verdictBanner {{ background: {bg}; border-radius: 10px; }}
#verdictBanner QLabel {{ color: {fg}; background: transparent; }}
#verdictTitle {{ font-size: 52px; font-weight: bold; }}
#verdictReasons {{ font-size: 26px; }}
#verdictPerson {{ font-size: 30px; font-weight: bold; }}
#verdictDocument {{ font-size: 26px; }}
"""
