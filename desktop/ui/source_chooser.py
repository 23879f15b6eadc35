"""Choosing where the gate's pictures come from, and starting it.

Three kinds of source: a camera by index, a video file, or a folder of
images (the demo frames). The chooser turns the choice into the text spec
that ``desktop.scanner.sources.open_source`` understands and has one
start/stop button.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop.i18n import _

log = logging.getLogger(__name__)

CAMERA, VIDEO, FOLDER = "camera", "video", "folder"


def spec_kind(spec: str) -> str:
    """Which kind of source a spec names (camera index, video, folder)."""
    if spec.strip().isdigit():
        return CAMERA
    return FOLDER if Path(spec).is_dir() else VIDEO


class SourceChooser(QWidget):
    """Source kind, value and a start/stop button in one row.

    Signals:
        start_requested(str): the operator asked to capture from a spec.
        stop_requested(): the operator asked to stop capturing.
    """

    start_requested = Signal(str)
    stop_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._kind = QComboBox(self)
        self._kind.addItem(_("摄像头"), CAMERA)
        self._kind.addItem(_("视频文件"), VIDEO)
        self._kind.addItem(_("图片文件夹"), FOLDER)
        self._index = QSpinBox(self, minimum=0, maximum=99)
        self._index.setPrefix(_("编号 "))
        self._path = QLineEdit(self, placeholderText=_("文件或文件夹路径"))
        self._browse = QPushButton(_("浏览…"), self)
        self._toggle = QPushButton(_("启动摄像头"), self, objectName="captureToggle")
        self._toggle.setMinimumWidth(120)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self._kind, self._index, self._path, self._browse):
            layout.addWidget(widget)
        layout.addWidget(self._toggle)
        layout.setStretchFactor(self._path, 1)

        self._kind.currentIndexChanged.connect(self._on_kind_changed)
        self._browse.clicked.connect(self._on_browse_clicked)
        self._toggle.clicked.connect(self._on_toggle_clicked)
        self._on_kind_changed()

    def spec(self) -> str:
        """The source spec for the current choice."""
        if self._kind.currentData() == CAMERA:
            return str(self._index.value())
        return self._path.text().strip()

    def set_spec(self, spec: str) -> None:
        """Show ``spec`` as the current choice."""
        kind = spec_kind(spec)
        self._kind.setCurrentIndex(self._kind.findData(kind))
        if kind == CAMERA:
            self._index.setValue(int(spec))
        else:
            self._path.setText(spec)

    def set_running(self, running: bool) -> None:
        """Reflect whether capture runs (button text, editable fields)."""
        self._running = running
        self._toggle.setText(_("停止") if running else _("启动摄像头"))
        for widget in (self._kind, self._index, self._path, self._browse):
            widget.setEnabled(not running)

    def _on_kind_changed(self) -> None:
        camera = self._kind.currentData() == CAMERA
        self._index.setVisible(camera)
        self._path.setVisible(not camera)
        self._browse.setVisible(not camera)

    def _on_browse_clicked(self) -> None:
        # A non-modal dialog: scanning continues while it is open.
        dialog = QFileDialog(self.window(), _("选择视频文件或图片文件夹"))
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.NonModal)
        if self._kind.currentData() == FOLDER:
            dialog.setFileMode(QFileDialog.Directory)
        else:
            dialog.setFileMode(QFileDialog.ExistingFile)
            dialog.setNameFilter(_("视频 (*.mp4 *.avi *.mkv *.mov);;全部文件 (*)"))
        dialog.fileSelected.connect(self._path.setText)
        dialog.show()

    def _on_toggle_clicked(self) -> None:
        if self._running:
            self.stop_requested.emit()
            return
        spec = self.spec()
        if spec:
            self.start_requested.emit(spec)
