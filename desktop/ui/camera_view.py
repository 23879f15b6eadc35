"""The live picture of the gate camera, painted cheaply.

A frame arrives as a BGR ``numpy`` array from the capture worker. The view
wraps it in a ``QImage`` that shares the array's memory (no copy) and lets
the painter scale it into the widget, keeping the aspect ratio. When the
camera cannot be read, the view shows the reason in words instead.
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.i18n import _

log = logging.getLogger(__name__)


def frame_to_image(frame: np.ndarray) -> QImage:
    """A ``QImage`` over ``frame``'s memory (BGR or grayscale, uint8).

    The image does not own the pixels: keep ``frame`` alive as long as the
    image is used.
    """
    if frame.dtype != np.uint8:
        raise ValueError(f"expected uint8 pixels, got {frame.dtype}")
    height, width = frame.shape[:2]
    if frame.ndim == 2:
        image_format = QImage.Format_Grayscale8
    elif frame.ndim == 3 and frame.shape[2] == 3:
        image_format = QImage.Format_BGR888
    else:
        raise ValueError(f"unsupported frame shape {frame.shape}")
    return QImage(frame.data, width, height, frame.strides[0], image_format)


class CameraView(QWidget):
    """Paints the latest frame, or a message when there is no picture."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frame: np.ndarray | None = None
        self._image: QImage | None = None
        self.setAttribute(Qt.WA_OpaquePaintEvent)
        self.setMinimumSize(QSize(320, 180))
        self.setFocusPolicy(Qt.NoFocus)

        self._message = QLabel(self, objectName="cameraMessage")
        self._message.setAlignment(Qt.AlignCenter)
        self._message.setWordWrap(True)
        self._message.setStyleSheet(
            "#cameraMessage { color: #ffffff; font-size: 20px; padding: 16px; }"
            '#cameraMessage[error="true"] { color: #ffd54f; font-weight: bold; }'
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self._message)
        self.show_message(_("摄像头未启动"))

    @property
    def frames_shown(self) -> bool:
        """Whether a picture (not a message) is on screen."""
        return self._image is not None

    def message_text(self) -> str:
        """The message shown instead of a picture, or ``""``."""
        return self._message.text() if self._message.isVisibleTo(self) else ""

    def show_frame(self, frame: np.ndarray) -> None:
        """Show ``frame`` (kept by reference until the next one)."""
        if frame.ndim == 3 and frame.strides[1] != 3:
            frame = np.ascontiguousarray(frame)
        self._frame = frame
        self._image = frame_to_image(frame)
        self._message.hide()
        self.update()

    def show_message(self, text: str, *, error: bool = False) -> None:
        """Replace the picture by ``text`` (an error is drawn in amber)."""
        self._frame = None
        self._image = None
        self._message.setText(text)
        self._message.setProperty("error", error)
        self._message.style().unpolish(self._message)
        self._message.style().polish(self._message)
        self._message.show()
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#202427"))
        if self._image is not None:
            painter.drawImage(self._target(self._image), self._image)
        painter.end()

    def _target(self, image: QImage) -> QRectF:
        scale = min(self.width() / image.width(), self.height() / image.height())
        width, height = image.width() * scale, image.height() * scale
        return QRectF(
            (self.width() - width) / 2, (self.height() - height) / 2, width, height
        )
