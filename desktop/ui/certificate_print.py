"""The printable release certificate (解除观察电子证明), one per page.

A page carries the title, the certificate's fields as they are signed, the
QR of the exact signed text (large enough for a phone across a desk),
the issuer and a note on how to check it. Painting uses ``QPainter`` on
``QPdfWriter`` or ``QPrinter`` only, no pixmaps, so it runs under the
offscreen platform and on a worker thread; the QR is drawn as vector
rectangles from the ``qrcode`` matrix, so it stays sharp at any
resolution. Printing to paper goes through ``QPrintDialog``; writing a
PDF needs no dialog (the command line does that).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Sequence
from pathlib import Path

import qrcode
from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from desktop.i18n import _
from desktop.services.certificates import (
    HEADER,
    LABELS,
)
from desktop.services.release_desk import PrintableCertificate

log = logging.getLogger(__name__)

RESOLUTION = 300
EXIT_OK, EXIT_NO, EXIT_USAGE = 0, 1, 2


class PageFormat(enum.Enum):
    """The paper sizes offered, with the QR's side in millimetres."""

    A4 = (QPageSize.A4, 80.0)
    A5 = (QPageSize.A5, 62.0)

    def __init__(self, page_id: QPageSize.PageSizeId, qr_mm: float) -> None:
        self.page_id = page_id
        self.qr_mm = qr_mm


def write_certificate_pdf(
    items: Sequence[PrintableCertificate],
    path: Path | str,
    page: PageFormat = PageFormat.A4,
) -> Path:
    """Write one page per certificate to the PDF at ``path``.

    Raises:
        OSError: the file cannot be written.
        ValueError: no certificate was given.
    """
    if not items:
        raise ValueError("no certificate to write")
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setTitle(_("解除观察电子证明") + " " + items[0].fields.number)
    writer.setCreator(_("校园返校管理台"))
    _paint_all(writer, items, page)
    log.info("certificate PDF written: %d pages", len(items))
    return path


def print_certificates(
    items: Sequence[PrintableCertificate],
    parent: object = None,
    page: PageFormat = PageFormat.A4,
) -> bool:
    """Ask for a printer and print the certificates; False if cancelled."""
    # Imported here: QtPrintSupport is needed only when paper is wanted.
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter(QPrinter.HighResolution)
    dialog = QPrintDialog(printer, parent)
    dialog.setWindowTitle(_("打印解除观察电子证明"))
    if dialog.exec() != QPrintDialog.Accepted:
        return False
    _paint_all(printer, items, page)
    return True


def _paint_all(
    device: QPagedPaintDevice,
    items: Sequence[PrintableCertificate],
    page: PageFormat,
) -> None:
    device.setPageSize(QPageSize(page.page_id))
    device.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Millimeter)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError(_("无法写入证明文件"))
    try:
        dpi = device.logicalDpiX()
        rect = QRectF(0, 0, device.width(), device.height())
        for index, item in enumerate(items):
            if index:
                device.newPage()
            CertificatePainter(painter, rect, dpi).paint(item, page)
    finally:
        painter.end()


class CertificatePainter:
    """Paints one certificate page in millimetres of the paper."""

    def __init__(self, painter: QPainter, page: QRectF, dpi: float) -> None:
        self._painter = painter
        self._page = page
        self._mm = dpi / 25.4

    def mm(self, value: float) -> float:
        return value * self._mm

    def paint(self, item: PrintableCertificate, page: PageFormat) -> None:
        """The whole page: frame, title, fields, QR, issuer and note."""
        painter, mm = self._painter, self.mm
        small = page is PageFormat.A5
        margin = mm(12 if small else 18)
        body = self._page.adjusted(margin, margin, -margin, -margin)
        painter.setPen(QPen(QColor("#8b1a1a"), mm(0.8)))
        painter.setBrush(Qt.NoBrush)
        painter.drawRect(body.adjusted(-mm(4), -mm(4), mm(4), mm(4)))

        painter.setPen(QColor("#8b1a1a"))
        painter.setFont(_font(22 if small else 28, bold=True))
        title = QRectF(body.left(), body.top() + mm(4), body.width(), mm(16))
        painter.drawText(title, Qt.AlignCenter, _(HEADER))
        top = self._fields(item, body, title.bottom() + mm(6), small)

        side = mm(page.qr_mm)
        qr = QRectF(body.center().x() - side / 2, top + mm(4), side, side)
        draw_qr(painter, qr, item.text)
        painter.setPen(Qt.black)
        painter.setFont(_font(9 if small else 11))
        note = QRectF(body.left(), qr.bottom() + mm(3), body.width(), mm(18))
        painter.drawText(note, Qt.AlignHCenter | Qt.TextWordWrap, _note())

        painter.setFont(_font(11 if small else 13, bold=True))
        issuer = QRectF(body.left(), body.bottom() - mm(20), body.width(), mm(9))
        painter.drawText(issuer, Qt.AlignRight | Qt.AlignVCenter, item.fields.issuer)
        painter.setFont(_font(10 if small else 12))
        dated = QRectF(body.left(), issuer.bottom(), body.width(), mm(8))
        painter.drawText(
            dated,
            Qt.AlignRight | Qt.AlignVCenter,
            _("{year}年{month}月{day}日").format(
                year=item.fields.released_on.year,
                month=item.fields.released_on.month,
                day=item.fields.released_on.day,
            ),
        )

    def _fields(
        self, item: PrintableCertificate, body: QRectF, top: float, small: bool
    ) -> float:
        """The labelled lines of the signed text; returns the bottom."""
        painter, mm = self._painter, self.mm
        fields = item.fields
        values = (
            fields.masked_name,
            fields.school,
            _("{start} 至 {end}").format(
                start=fields.period_start.isoformat(),
                end=fields.released_on.isoformat(),
            ),
            fields.released_on.isoformat(),
            fields.number,
            fields.issuer,
        )
        line = mm(9 if small else 11)
        label_width = mm(30 if small else 36)
        left = body.left() + mm(8 if small else 14)
        painter.setPen(Qt.black)
        for index, (label, value) in enumerate(zip(LABELS, values, strict=True)):
            y = top + index * line
            painter.setFont(_font(11 if small else 14, bold=True))
            box = QRectF(left, y, label_width, line)
            painter.drawText(box, Qt.AlignLeft | Qt.AlignVCenter, _(label) + "：")
            painter.setFont(_font(11 if small else 14))
            box = QRectF(left + label_width, y, body.right() - left - label_width, line)
            painter.drawText(box, Qt.AlignLeft | Qt.AlignVCenter, value)
        return top + len(values) * line


def _note() -> str:
    return _(
        "用手机扫描二维码可直接看到证明内容；学校证明核验终端扫描后，"
        "可验证电子签名并查询证明是否有效、是否已撤销。"
    )


def draw_qr(painter: QPainter, box: QRectF, text: str) -> None:
    """The QR of ``text`` (level M, quiet zone inside ``box``) as vectors.

    Dark modules of a row are merged into runs and filled as one path, so
    the code has no seams when the PDF is rasterised.
    """
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text.encode("utf-8"))
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = box.width() / len(matrix)
    path = QPainterPath()
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            path.addRect(
                QRectF(
                    box.left() + start * cell,
                    box.top() + y * cell,
                    (x - start) * cell,
                    cell,
                )
            )
    painter.save()
    painter.setRenderHint(QPainter.Antialiasing, False)
    painter.fillRect(box, Qt.white)
    path.setFillRule(Qt.WindingFill)
    painter.fillPath(path, Qt.black)
    painter.restore()


def _font(points: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font
