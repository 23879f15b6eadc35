"""Release certificates shown where a registration pass is due.

Two helpers for the gate page and the certificate check page:

- :class:`ScanLineJoiner` puts a certificate back together when a hand
  scanner types its eight lines with an Enter after each one (a line
  edit sees eight "returns"); a pass, one line of digits, goes through
  at once.
- :func:`certificate_lines` turns a ``CertificateReport`` into the words
  the verdict banner shows: what the code is, whether it is valid,
  revoked or forged, and the release it states.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.clock import BEIJING
from desktop.i18n import _
from desktop.services.certificates import (
    LINE_COUNT,
    STATE_LABELS,
    CertificateReport,
    CertificateState,
    looks_like_certificate,
)
from desktop.services.passes import looks_like_pass

log = logging.getLogger(__name__)

# A scanner types a whole code within well under a second; a certificate
# still incomplete after this long is decided as it is (and refused).
JOIN_TIMEOUT_MS = 1500


class ScanLineJoiner(QObject):
    """Joins the lines of a certificate typed line by line.

    Signals:
        text_completed(str): a whole scanned text, ready to decide.
    """

    text_completed = Signal(str)

    def __init__(
        self, parent: QObject | None = None, *, timeout_ms: int = JOIN_TIMEOUT_MS
    ) -> None:
        super().__init__(parent)
        self._lines: list[str] = []
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self.flush)

    @property
    def pending(self) -> bool:
        """Whether part of a certificate is waiting for its other lines."""
        return bool(self._lines)

    def feed(self, line: str) -> None:
        """Take one line as typed (without its line end)."""
        if "\n" in line:  # pasted whole
            self.flush()
            self.text_completed.emit(line)
            return
        starts_new = looks_like_certificate(line) or looks_like_pass(line.strip())
        if self._lines and starts_new:
            self.flush()
        if not self._lines and not looks_like_certificate(line):
            self.text_completed.emit(line)
            return
        self._lines.append(line)
        if len(self._lines) >= LINE_COUNT:
            self.flush()
        else:
            self._timer.start()

    def flush(self) -> None:
        """Hand over whatever has been collected."""
        self._timer.stop()
        if not self._lines:
            return
        text, self._lines = "\n".join(self._lines), []
        if text.count("\n") + 1 < LINE_COUNT:
            log.info("incomplete certificate scan decided as it is")
        self.text_completed.emit(text)


def state_line(report: CertificateReport) -> str:
    """Whether the certificate is valid, revoked or forged, in words."""
    state = report.state
    text = _("证明状态：{state}").format(state=_(STATE_LABELS[state]))
    if state is CertificateState.REVOKED and report.revoked_at is not None:
        text += _("（{day}撤销：{reason}）").format(
            day=report.revoked_at.astimezone(BEIJING).date().isoformat(),
            reason=report.revoke_reason or "",
        )
    if state is CertificateState.FORGED:
        text += "：" + report.summary()[0]
    return text


def field_lines(report: CertificateReport) -> list[str]:
    """The release the certificate states, as short labelled lines."""
    fields = report.fields
    if fields is None:
        return []
    return [
        _("姓名 {name}　学校 {school}").format(
            name=fields.masked_name, school=fields.school
        ),
        _("观察期 {start} 至 {end}　解除日期 {end}").format(
            start=fields.period_start.isoformat(), end=fields.released_on.isoformat()
        ),
        _("证明编号 {number}　签发 {issuer}").format(
            number=fields.number, issuer=fields.issuer
        ),
    ]


def certificate_lines(report: CertificateReport) -> tuple[list[str], str, str]:
    """The banner's reasons, status line and detail lines for a certificate."""
    reasons = [_("这是解除观察电子证明，不是报到二维码")]
    return reasons, state_line(report), "\n".join(field_lines(report))
