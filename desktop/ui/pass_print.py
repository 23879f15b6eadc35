"""A class's registration passes as a printable PDF sheet.

Cards sit in a grid (3 × 4 per A4 page by default) with a dashed cutting
line around each: the student's name, class and number and the pass QR.
Painting uses ``QPdfWriter`` and ``QPainter`` on images only (no pixmaps),
so it runs on a worker thread and under the offscreen platform; the
command line creates a ``QGuiApplication`` first (:func:`ensure_gui_app`).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
)

from desktop.i18n import _
from desktop.services.pass_sheets import PassCard, qr_png

log = logging.getLogger(__name__)

COLUMNS = 3
ROWS = 4
RESOLUTION = 300
_MM = RESOLUTION / 25.4
QR_BOX_SIZE = 4

# Called with (page index, card index, card rectangle) for each card drawn.
CardHook = Callable[[int, int, QRectF], None]


@dataclass(frozen=True)
class SheetResult:
    """What was written: where, how many pages and cards."""

    path: Path
    pages: int
    cards: int


def ensure_gui_app() -> QGuiApplication:
    """The running Qt application, or a new offscreen one (command line)."""
    app = QGuiApplication.instance()
    if app is not None:
        return app
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    return QGuiApplication(["campus-console"])


def write_pass_pdf(
    cards: list[PassCard],
    path: Path | str,
    *,
    columns: int = COLUMNS,
    rows: int = ROWS,
    on_card: CardHook | None = None,
) -> SheetResult:
    """Paint ``cards`` onto A4 pages at ``path``.

    Raises:
        OSError: the file cannot be written.
    """
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setResolution(RESOLUTION)
    writer.setPageSize(QPageSize(QPageSize.A4))
    writer.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout.Millimeter)
    writer.setTitle(_("报到码") + (f" {cards[0].class_name}" if cards else ""))
    per_page = columns * rows
    pages = max(1, -(-len(cards) // per_page))

    painter = QPainter()
    if not painter.begin(writer):
        raise OSError(_("无法写入文件：{path}").format(path=path))
    try:
        page_rect = QRectF(0, 0, writer.width(), writer.height())
        for page in range(pages):
            if page:
                writer.newPage()
            chunk = cards[page * per_page : (page + 1) * per_page]
            _paint_page(painter, page_rect, chunk, page, pages, (columns, rows))
            if on_card is not None:
                for index, rect in enumerate(_cells(page_rect, columns, rows)):
                    if index < len(chunk):
                        on_card(page, page * per_page + index, rect)
    finally:
        painter.end()
    log.info("pass sheet written: %d cards on %d pages", len(cards), pages)
    return SheetResult(path, pages, len(cards))


def _cells(page: QRectF, columns: int, rows: int) -> list[QRectF]:
    margin, header = 10 * _MM, 12 * _MM
    width = (page.width() - 2 * margin) / columns
    height = (page.height() - 2 * margin - header) / rows
    return [
        QRectF(margin + c * width, margin + header + r * height, width, height)
        for r in range(rows)
        for c in range(columns)
    ]


def _paint_page(
    painter: QPainter,
    page: QRectF,
    cards: list[PassCard],
    index: int,
    pages: int,
    grid: tuple[int, int],
) -> None:
    class_name = cards[0].class_name if cards else ""
    painter.setFont(_font(11, bold=True))
    painter.setPen(Qt.black)
    header = QRectF(10 * _MM, 8 * _MM, page.width() - 20 * _MM, 10 * _MM)
    title = _("{name} 报到码（第 {page}/{pages} 页）").format(
        name=class_name, page=index + 1, pages=pages
    )
    painter.drawText(header, Qt.AlignLeft | Qt.AlignVCenter, title)
    for card, cell in zip(cards, _cells(page, *grid), strict=False):
        _paint_card(painter, cell, card)


def _paint_card(painter: QPainter, cell: QRectF, card: PassCard) -> None:
    pen = QPen(Qt.gray, 0.3 * _MM, Qt.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.NoBrush)
    painter.drawRect(cell)

    inner = cell.adjusted(4 * _MM, 3 * _MM, -4 * _MM, -3 * _MM)
    painter.setPen(Qt.black)
    painter.setFont(_font(13, bold=True))
    name_box = QRectF(inner.left(), inner.top(), inner.width(), 8 * _MM)
    painter.drawText(name_box, Qt.AlignHCenter | Qt.AlignVCenter, card.name)
    painter.setFont(_font(8))
    lines = f"{card.class_name}\n{_('学号')} {card.student_no}"
    info_box = QRectF(inner.left(), name_box.bottom(), inner.width(), 9 * _MM)
    painter.drawText(info_box, Qt.AlignHCenter | Qt.AlignTop, lines)

    caption_height = 5 * _MM
    side = min(inner.width(), inner.bottom() - info_box.bottom() - caption_height)
    qr_box = QRectF(inner.center().x() - side / 2, info_box.bottom(), side, side)
    image = QImage.fromData(qr_png(card.text, QR_BOX_SIZE), "PNG")
    painter.setRenderHint(QPainter.SmoothPixmapTransform, False)
    painter.drawImage(qr_box, image)
    painter.setFont(_font(7))
    painter.setPen(Qt.darkGray)
    caption = QRectF(inner.left(), qr_box.bottom(), inner.width(), caption_height)
    text = _("报到时出示 · 序列号 {serial}").format(serial=card.serial)
    painter.drawText(caption, Qt.AlignHCenter | Qt.AlignVCenter, text)


def _font(points: float, *, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(points)
    font.setBold(bold)
    return font
