"""A Qt face for the scanner's capture worker.

The worker in ``desktop.scanner`` is a plain thread that calls back from
that thread. :class:`CaptureBridge` turns those callbacks into Qt signals
queued to the GUI thread. Frames are coalesced: the bridge keeps only the
newest one and signals once until the GUI has taken it, so a slow screen
drops frames instead of queueing them.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal, Slot

from desktop.i18n import _

log = logging.getLogger(__name__)

# A video or image folder plays at about this rate (a camera sets its own).
FILE_FPS = 6.0
# Frames are shrunk to this width for the screen by the worker.
PREVIEW_WIDTH = 960


class CaptureWorkerLike(Protocol):
    """The part of ``desktop.scanner.worker.CaptureWorker`` the GUI uses."""

    def start(self) -> None:
        """Start capturing in the worker's own thread."""
        ...

    def stop(self) -> None:
        """Ask the worker to stop; returns without waiting long."""
        ...


def camera_error_text(kind: str, detail: str) -> str:
    """The operator's wording for a capture problem of ``kind``."""
    hand = _("可继续使用扫码枪")
    texts = {
        "camera_unavailable": _("摄像头无法打开，正在重试…"),
        "camera_lost": _("摄像头已断开，正在重试…"),
        "not_found": _("找不到视频文件或图片文件夹"),
        "empty": _("图片文件夹中没有图片"),
        "unreadable": _("无法读取视频或图片"),
        "unsupported": _("不支持的文件类型"),
    }
    text = texts.get(kind, _("摄像头出错"))
    return f"{text}（{detail}）\n{hand}" if detail else f"{text}\n{hand}"


class CaptureCallbacks:
    """The callbacks handed to one worker; they run on the worker's thread.

    Each worker gets its own instance, tagged with a generation number, so
    a late callback of a stopped worker is recognised and ignored.
    """

    def __init__(self, bridge: CaptureBridge, generation: int) -> None:
        self._bridge = bridge
        self._generation = generation

    def on_frame(self, frame: np.ndarray) -> None:
        """Keep ``frame`` as the newest one."""
        self._bridge._offer_frame(self._generation, frame)

    def on_decoded(self, decoded: object) -> None:
        """Forward a decoded code (``Decoded`` or plain text)."""
        text = getattr(decoded, "text", decoded)
        self._bridge._decoded.emit(self._generation, str(text))

    def on_error(self, error: BaseException) -> None:
        """Forward a ``SourceError`` (or any exception) as kind + message."""
        # The error's own message is English, for logs; the operator sees
        # the Chinese text for its kind and the source as given.
        kind = str(getattr(error, "kind", "unreadable"))
        source = str(getattr(error, "source", "") or "")
        log.info("capture error %s: %s", kind, error)
        self._bridge._failed.emit(self._generation, kind, source)

    def on_recovered(self) -> None:
        """Forward that the source works again."""
        self._bridge._recovered.emit(self._generation)

    def on_finished(self) -> None:
        """Forward that the worker has ended."""
        self._bridge._finished.emit(self._generation)


WorkerFactory = Callable[[str, CaptureCallbacks, float], CaptureWorkerLike]
"""Makes a worker from a source spec, its callbacks and the repeat window."""


class CaptureBridge(QObject):
    """Runs one capture worker and re-emits its callbacks on the GUI thread.

    Signals:
        frame_arrived(): a new frame waits in :meth:`take_frame`.
        code_decoded(str): a QR text read by the camera.
        camera_failed(str, str): the error kind and the operator's message.
        camera_recovered(): the source delivers frames again.
        capture_finished(): the worker ended (stopped or source exhausted).
    """

    frame_arrived = Signal()
    code_decoded = Signal(str)
    camera_failed = Signal(str, str)
    camera_recovered = Signal()
    capture_finished = Signal()

    # Emitted on worker threads with the worker's generation first.
    _frame_ready = Signal(int)
    _decoded = Signal(int, str)
    _failed = Signal(int, str, str)
    _recovered = Signal(int)
    _finished = Signal(int)

    def __init__(
        self, factory: WorkerFactory | None = None, *, repeat_seconds: float = 4.0
    ) -> None:
        super().__init__()
        self._factory = factory or scanner_worker
        self.repeat_seconds = repeat_seconds
        self._worker: CaptureWorkerLike | None = None
        self._generation = 0
        self._lock = threading.Lock()
        self._latest: np.ndarray | None = None
        self._frame_signalled = False
        queued = Qt.QueuedConnection
        self._frame_ready.connect(self._on_worker_frame_ready, queued)
        self._decoded.connect(self._on_worker_decoded, queued)
        self._failed.connect(self._on_worker_failed, queued)
        self._recovered.connect(self._on_worker_recovered, queued)
        self._finished.connect(self._on_worker_finished, queued)

    @property
    def running(self) -> bool:
        """Whether a worker has been started and not finished."""
        return self._worker is not None

    def start(self, spec: str) -> None:
        """Start capturing from ``spec`` (camera index, video or folder)."""
        self.stop()
        self._generation += 1
        log.info("capture from %s", spec)
        callbacks = CaptureCallbacks(self, self._generation)
        try:
            worker = self._factory(spec, callbacks, self.repeat_seconds)
        except Exception as exc:  # a bad spec or a missing decoder library
            log.warning("capture worker not created: %s", exc)
            self.camera_failed.emit("unreadable", camera_error_text("unreadable", ""))
            return
        self._worker = worker
        worker.start()

    def stop(self) -> None:
        """Stop the current worker, if any, without waiting for it."""
        worker, self._worker = self._worker, None
        self._generation += 1
        if worker is not None:
            # The worker's stop() joins its thread: never on the GUI thread.
            threading.Thread(
                target=worker.stop, name="capture-stop", daemon=True
            ).start()
        with self._lock:
            self._latest = None
            self._frame_signalled = False

    def take_frame(self) -> np.ndarray | None:
        """The newest frame, once; None if it was taken already."""
        with self._lock:
            frame, self._latest = self._latest, None
            self._frame_signalled = False
        return frame

    def _offer_frame(self, generation: int, frame: np.ndarray) -> None:
        # Worker thread: keep the newest frame, signal unless one is pending.
        with self._lock:
            if generation != self._generation:
                return
            self._latest = frame
            if self._frame_signalled:
                return
            self._frame_signalled = True
        self._frame_ready.emit(generation)

    def _current(self, generation: int) -> bool:
        return generation == self._generation and self._worker is not None

    @Slot(int)
    def _on_worker_frame_ready(self, generation: int) -> None:
        if self._current(generation):
            self.frame_arrived.emit()

    @Slot(int, str)
    def _on_worker_decoded(self, generation: int, text: str) -> None:
        if self._current(generation):
            self.code_decoded.emit(text)

    @Slot(int, str, str)
    def _on_worker_failed(self, generation: int, kind: str, detail: str) -> None:
        if self._current(generation):
            self.camera_failed.emit(kind, camera_error_text(kind, detail))

    @Slot(int)
    def _on_worker_recovered(self, generation: int) -> None:
        if self._current(generation):
            self.camera_recovered.emit()

    @Slot(int)
    def _on_worker_finished(self, generation: int) -> None:
        if self._current(generation):
            self._worker = None
            self.capture_finished.emit()


def scanner_worker(
    spec: str,
    callbacks: CaptureCallbacks,
    repeat_seconds: float,
    *,
    max_fps: float = FILE_FPS,
) -> CaptureWorkerLike:
    """The real capture worker of ``desktop.scanner`` wired to ``callbacks``."""
    from desktop.scanner.decoders import DecodePipeline
    from desktop.scanner.repeat import RepeatFilter
    from desktop.scanner.worker import CaptureWorker

    return CaptureWorker(
        spec,
        DecodePipeline.default(),
        RepeatFilter(repeat_seconds),
        on_frame=callbacks.on_frame,
        on_decoded=callbacks.on_decoded,
        on_error=callbacks.on_error,
        on_recovered=callbacks.on_recovered,
        on_finished=callbacks.on_finished,
        max_fps=max_fps,
        preview_width=PREVIEW_WIDTH,
    )
