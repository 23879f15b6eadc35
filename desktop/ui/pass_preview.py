"""The record a student just registered, with their pass QR beside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _

log = logging.getLogger(__name__)

QR_SIDE = 280


@dataclass(frozen=True)
class SubmittedRecord:
    """A stored registration as the preview shows it (personal data masked).

    Attributes:
        student_no: the student number.
        name: the student's name.
        class_name: the class.
        version: the registration's version (1 for the first).
        lines: (label, value) pairs of the record, in the form's order.
        serial: the pass's serial.
        pass_text: the signed QR text of the pass.
        qr_png: the QR code as PNG bytes.
    """

    student_no: str
    name: str
    class_name: str
    version: int
    lines: tuple[tuple[str, str], ...]
    serial: int
    pass_text: str
    qr_png: bytes


def qr_pixmap(png: bytes, side: int = QR_SIDE) -> QPixmap:
    """A square pixmap of a QR PNG, scaled without blurring the modules."""
    pixmap = QPixmap()
    if not pixmap.loadFromData(png, "PNG"):
        log.error("QR image could not be read")
        return pixmap
    return pixmap.scaled(side, side, Qt.KeepAspectRatio, Qt.FastTransformation)


class RecordPreview(QWidget):
    """The record's fields on the left, the pass QR on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(self, objectName="previewTitle")
        self.title_label.setStyleSheet(
            "#previewTitle { font-size: 18px; font-weight: bold; color: #2e7d32; }"
        )
        self.qr_label = QLabel(self, alignment=Qt.AlignCenter)
        self.qr_label.setMinimumSize(QR_SIDE, QR_SIDE)
        self.qr_caption = QLabel(self, alignment=Qt.AlignCenter, wordWrap=True)
        self._fields = QWidget(self)
        self._form = QFormLayout(self._fields)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._fields)

        qr_column = QVBoxLayout()
        qr_column.addWidget(self.qr_label)
        qr_column.addWidget(self.qr_caption)
        qr_column.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(scroll, 1)
        body.addLayout(qr_column)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addLayout(body, 1)

    def show_record(self, record: SubmittedRecord) -> None:
        """Show ``record`` and its pass."""
        if record.version > 1:
            title = _("已保存修改（第 {version} 版）")
        else:
            title = _("登记成功")
        self.title_label.setText(
            title.format(version=record.version)
            + f"  {record.name}（{record.student_no}，{record.class_name}）"
        )
        while self._form.rowCount():
            self._form.removeRow(0)
        for label, value in record.lines:
            self._form.addRow(f"{label}：", QLabel(value, self._fields))
        self.qr_label.setPixmap(qr_pixmap(record.qr_png))
        self.qr_caption.setText(
            _("报到码（序列号 {serial}）：报到时向门岗出示").format(
                serial=record.serial
            )
        )

    def has_qr(self) -> bool:
        """Whether a QR code is shown."""
        pixmap = self.qr_label.pixmap()
        return pixmap is not None and not pixmap.isNull()
