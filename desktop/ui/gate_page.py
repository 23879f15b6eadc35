"""The gate workstation page (DESIGN section 6).

Codes come from two places: the capture worker (camera, video, image
folder) and the hand-scanner field, a line edit that keeps the keyboard
focus. Both go to ``GateService.handle`` on a serial worker queue, so the
GUI never waits on the database and scans are decided in the order they
were read. A result updates the verdict banner, the recent-scans list, the
counters and plays the verdict's sound. Nothing here opens a dialog.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services.gate import GateCounters, GateResult, GateService
from desktop.ui.camera_view import CameraView
from desktop.ui.capture import CaptureBridge, WorkerFactory
from desktop.ui.gate_certificate import ScanLineJoiner
from desktop.ui.scan_log import CountersPanel, RecentScans
from desktop.ui.sounds import VerdictSounds
from desktop.ui.source_chooser import SourceChooser
from desktop.ui.tasks import TaskRunner
from desktop.ui.verdict_banner import VerdictBanner

log = logging.getLogger(__name__)

_TEXT_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)


class GateDesk:
    """The gate's service calls, run on the worker queue (Qt-free).

    The ``GateService`` reads the campaign settings when it is created, so
    it is created lazily by the first call, on a worker thread.
    """

    def __init__(self, make_service: Callable[[], GateService]) -> None:
        self._make_service = make_service
        self._service: GateService | None = None
        self._lock = threading.Lock()

    def service(self) -> GateService:
        """The gate service, created on first use."""
        with self._lock:
            if self._service is None:
                self._service = self._make_service()
            return self._service

    def open(self) -> tuple[GateCounters, float]:
        """Open the service: the counters and the repeat window (seconds)."""
        service = self.service()
        return service.counters(), service.settings.repeat_window_seconds

    def decide(self, text: str, source: str) -> tuple[GateResult, GateCounters]:
        """Decide and record one scan, then read the counters again."""
        service = self.service()
        result = service.handle(text, source)
        return result, service.counters()


class GatePage(QWidget):
    """Banner, camera picture, scan field, counters and recent scans.

    Signals:
        scan_decided(object): a ``GateResult`` has been recorded and shown.
        scan_failed(str): a scan could not be decided (message shown).
        camera_failed(str): the camera message now shown on the page.
        camera_recovered(): the picture is back.
    """

    scan_decided = Signal(object)
    scan_failed = Signal(str)
    camera_failed = Signal(str)
    camera_recovered = Signal()

    def __init__(
        self,
        desk: GateDesk,
        runner: TaskRunner,
        sounds: VerdictSounds,
        *,
        gate: str,
        worker_factory: WorkerFactory | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._sounds = sounds
        self._gate = gate
        self._ready = False
        self._camera_failed = False
        self._waiting: list[tuple[str, str]] = []
        self._capture = CaptureBridge(worker_factory)
        self._joiner = ScanLineJoiner(self)
        self._build()
        self._connect()
        self._runner.submit(
            self._desk.open,
            on_result=self._on_desk_opened,
            on_error=self._on_desk_open_failed,
        )

    def _build(self) -> None:
        self.banner = VerdictBanner(self)
        self.camera = CameraView(self)
        self.chooser = SourceChooser(self)
        self.counters = CountersPanel(self)
        self.recent = RecentScans(self)
        self.scan_field = QLineEdit(self, objectName="scanField")
        self.scan_field.setPlaceholderText(_("扫码枪扫码，或输入二维码内容后按回车"))
        # A hand scanner types ASCII digits: keep any input method out of it.
        self.scan_field.setAttribute(Qt.WA_InputMethodEnabled, False)
        self.scan_field.setInputMethodHints(
            Qt.ImhLatinOnly | Qt.ImhNoPredictiveText | Qt.ImhNoAutoUppercase
        )
        self.scan_field.setStyleSheet(
            "#scanField { font-size: 20px; padding: 6px; border: 2px solid #1565c0;"
            " border-radius: 6px; }"
        )
        gate_label = QLabel(_("校门：{gate}").format(gate=self._gate), self)
        gate_label.setStyleSheet("font-size: 18px; font-weight: bold;")

        left = QVBoxLayout()
        left.addWidget(self.camera, 1)
        left.addWidget(self.chooser)
        right = QVBoxLayout()
        right.addWidget(gate_label)
        right.addWidget(self.counters)
        right.addWidget(QLabel(_("扫码枪输入"), self))
        right.addWidget(self.scan_field)
        right.addWidget(self.recent, 1)
        lower = QHBoxLayout()
        lower.addLayout(left, 11)
        lower.addLayout(right, 9)
        page = QVBoxLayout(self)
        page.setContentsMargins(10, 10, 10, 10)
        page.addWidget(self.banner)
        page.addLayout(lower, 1)

    def _connect(self) -> None:
        self.scan_field.returnPressed.connect(self._on_scan_field_return_pressed)
        self._joiner.text_completed.connect(self._on_joiner_text_completed)
        self.banner.cleared.connect(self._on_banner_cleared)
        self.chooser.start_requested.connect(self.start_capture)
        self.chooser.stop_requested.connect(self.stop_capture)
        self._capture.frame_arrived.connect(self._on_capture_frame_arrived)
        self._capture.code_decoded.connect(self._on_capture_code_decoded)
        self._capture.camera_failed.connect(self._on_capture_camera_failed)
        self._capture.camera_recovered.connect(self._on_capture_camera_recovered)
        self._capture.capture_finished.connect(self._on_capture_finished)
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)
        self._watching_focus = True

    # Public API used by the main window.

    def start_capture(self, spec: str) -> None:
        """Capture from ``spec``: a camera index, a video file or a folder."""
        self.chooser.set_spec(spec)
        self.chooser.set_running(True)
        self.camera.show_message(_("正在打开…"))
        self._capture.start(spec)
        self.take_focus()

    def stop_capture(self) -> None:
        """Stop capturing (returns at once)."""
        self._capture.stop()
        self.chooser.set_running(False)
        self.camera.show_message(_("摄像头未启动"))
        self.take_focus()

    def set_muted(self, muted: bool) -> None:
        """Silence the verdict sounds, or not."""
        self._sounds.muted = muted

    def set_kiosk(self, kiosk: bool) -> None:
        """Hide the source controls in kiosk mode."""
        self.chooser.setVisible(not kiosk)
        self.take_focus()

    def camera_error_text(self) -> str:
        """The camera problem shown on the page, or ``""``."""
        return self.camera.message_text() if self._camera_failed else ""

    def take_focus(self) -> None:
        """Give the keyboard to the scan field unless the operator types
        somewhere else on purpose."""
        focused = QApplication.focusWidget()
        if focused is self.scan_field:
            return
        if isinstance(focused, _TEXT_INPUTS) and focused.isVisible():
            return
        self.scan_field.setFocus(Qt.OtherFocusReason)

    def shutdown(self) -> None:
        """Stop the capture worker and let go of application signals."""
        self._capture.stop()
        if self._watching_focus:
            self._watching_focus = False
            QApplication.instance().focusChanged.disconnect(self._on_app_focus_changed)

    # Scans.

    def submit_text(self, text: str, source: str) -> None:
        """Decide on ``text`` read by ``source`` ("camera", "hand")."""
        text = text.strip()
        if not text:
            return
        if not self._ready:
            self._waiting.append((text, source))
            return
        self._runner.submit(
            self._desk.decide,
            text,
            source,
            on_result=self._on_desk_decided,
            on_error=self._on_desk_failed,
        )

    def _on_scan_field_return_pressed(self) -> None:
        text = self.scan_field.text()
        self.scan_field.clear()
        # A certificate arrives as eight typed lines; the joiner waits for all.
        self._joiner.feed(text)

    def _on_joiner_text_completed(self, text: str) -> None:
        self.submit_text(text, "hand")

    @Slot(str)
    def _on_capture_code_decoded(self, text: str) -> None:
        self.submit_text(text, "camera")

    def _on_desk_opened(self, opened: tuple[GateCounters, float]) -> None:
        counters, repeat_seconds = opened
        self._capture.repeat_seconds = repeat_seconds
        self.counters.show_counters(counters)
        self._ready = True
        waiting, self._waiting = self._waiting, []
        for text, source in waiting:
            self.submit_text(text, source)

    def _on_desk_open_failed(self, exc: BaseException) -> None:
        # Scans are still accepted: each one tries to open the gate again.
        self._ready = True
        self._on_desk_failed(exc)
        waiting, self._waiting = self._waiting, []
        for text, source in waiting:
            self.submit_text(text, source)

    def _on_desk_decided(self, decided: tuple[GateResult, GateCounters]) -> None:
        result, counters = decided
        self.banner.show_result(result)
        self.recent.add_result(result)
        self.counters.show_counters(counters)
        self._sounds.play_for(result.verdict)
        self.take_focus()
        self.scan_decided.emit(result)

    def _on_desk_failed(self, exc: BaseException) -> None:
        log.error("gate scan failed", exc_info=exc)
        message = _("系统错误，本次扫码未记录：{error}").format(
            error=type(exc).__name__
        )
        self.banner.show_failure(message)
        self.take_focus()
        self.scan_failed.emit(message)

    # Camera.

    @Slot()
    def _on_capture_frame_arrived(self) -> None:
        frame = self._capture.take_frame()
        if frame is not None:
            self.camera.show_frame(frame)
            if self._camera_failed:
                self._on_capture_camera_recovered()

    @Slot(str, str)
    def _on_capture_camera_failed(self, kind: str, message: str) -> None:
        log.info("camera problem shown: %s", kind)
        self._camera_failed = True
        self.camera.show_message(message, error=True)
        self.camera_failed.emit(message)

    @Slot()
    def _on_capture_camera_recovered(self) -> None:
        if not self._camera_failed:
            return
        self._camera_failed = False
        self.camera.show_message(_("摄像头已恢复"))
        self.camera_recovered.emit()

    @Slot()
    def _on_capture_finished(self) -> None:
        self.chooser.set_running(False)
        # A finished video or folder keeps its last picture on screen.
        if not self._camera_failed and not self.camera.frames_shown:
            self.camera.show_message(_("播放结束"))

    # Focus.

    def _on_banner_cleared(self) -> None:
        self.take_focus()

    def _on_app_focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.isVisible() or new.window() is not self.window():
            return
        if new is self.scan_field or isinstance(new, _TEXT_INPUTS):
            return
        # A click on a button, list or combo box: hand the keyboard back
        # once Qt has finished moving the focus.
        QTimer.singleShot(0, self.take_focus)
