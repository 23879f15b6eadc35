"""The capture worker: reads frames, decodes them and reports, off the GUI.

:class:`CaptureWorker` runs in a plain ``threading.Thread`` and calls plain
callbacks from that thread; the Qt layer wraps the callbacks in queued
signals. A live camera that fails is reported once and re-opened until it
comes back; a file source ends with ``on_finished``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import cv2
import numpy as np

from desktop.scanner.decoders import Decoded, DecodePipeline
from desktop.scanner.repeat import RepeatFilter
from desktop.scanner.sources import FrameSource, SourceError, open_source

logger = logging.getLogger(__name__)

SourceFactory = Callable[[], FrameSource]


def _ignore(*_args: object) -> None:
    """Default callback: do nothing."""


class CaptureWorker:
    """Reads a frame source in a thread, decodes it and reports scans.

    Every callback is called from the worker thread:

    - ``on_frame(frame)``: a (possibly downscaled) BGR frame to show;
    - ``on_decoded(decoded)``: a new scan that passed the repeat filter;
    - ``on_error(error)``: the source failed (once per outage);
    - ``on_recovered()``: a failed live source works again;
    - ``on_finished()``: the worker stopped, at the end of a file source,
      after a fatal error of a file source, or after :meth:`stop`.
    """

    def __init__(
        self,
        source: str | int | SourceFactory,
        pipeline: DecodePipeline,
        repeat_filter: RepeatFilter,
        *,
        on_frame: Callable[[np.ndarray], None] = _ignore,
        on_decoded: Callable[[Decoded], None] = _ignore,
        on_error: Callable[[SourceError], None] = _ignore,
        on_recovered: Callable[[], None] = _ignore,
        on_finished: Callable[[], None] = _ignore,
        max_fps: float = 0.0,
        retry_seconds: float = 2.0,
        preview_width: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Prepare the worker; nothing runs until :meth:`start`.

        Args:
            source: A source spec for :func:`open_source`, or a factory that
                returns an opened :class:`FrameSource` (tests use fakes).
            pipeline: The decoder; used only from the worker thread.
            repeat_filter: Drops re-reads of the code still in view.
            on_frame: See the class docstring.
            on_decoded: See the class docstring.
            on_error: See the class docstring.
            on_recovered: See the class docstring.
            on_finished: See the class docstring.
            max_fps: Pace finite sources to at most this rate (a video then
                plays at about real speed); 0 reads as fast as possible.
                Live sources are paced by the camera itself.
            retry_seconds: Delay between attempts to re-open a failed
                camera.
            preview_width: Downscale frames passed to ``on_frame`` to this
                width; 0 passes them at full size.
            clock: Monotonic time in seconds, injectable for tests.
        """
        self._factory = source if callable(source) else _spec_factory(source)
        self._pipeline = pipeline
        self._repeat_filter = repeat_filter
        self._on_frame = on_frame
        self._on_decoded = on_decoded
        self._on_error = on_error
        self._on_recovered = on_recovered
        self._on_finished = on_finished
        self._frame_interval = 1.0 / max_fps if max_fps > 0 else 0.0
        self._retry_seconds = retry_seconds
        self._preview_width = preview_width
        self._clock = clock
        self._stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_running(self) -> bool:
        """True while the worker thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the worker thread.

        Raises:
            RuntimeError: If the worker was already started.
        """
        if self._thread is not None:
            raise RuntimeError("a CaptureWorker can only be started once")
        self._thread = threading.Thread(
            target=self._run, name="capture-worker", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to stop and wait for it; safe to call repeatedly.

        Args:
            timeout: Longest wait for the thread, in seconds.
        """
        self._stop_event.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                logger.warning("Capture worker did not stop within %s s", timeout)

    def _run(self) -> None:
        try:
            self._capture_loop()
        except Exception:
            logger.exception("Capture worker crashed")
        finally:
            self._on_finished()

    def _capture_loop(self) -> None:
        source = self._open_first()
        failed = False
        while source is not None and not self._stop_event.is_set():
            try:
                self._play(source)
                return
            except SourceError as error:
                source.close()
                if not source.is_live:
                    self._on_error(error)
                    return
                if not failed:
                    logger.warning("Camera failed: %s", error)
                    self._on_error(error)
                failed = True

            source = self._reopen_live()
            if source is not None:
                self._on_recovered()
                failed = False

    def _open_first(self) -> FrameSource | None:
        try:
            return self._factory()
        except SourceError as error:
            logger.warning("Cannot open frame source: %s", error)
            self._on_error(error)
            if error.kind not in ("camera_unavailable", "camera_lost"):
                return None

        source = self._reopen_live()
        if source is not None:
            self._on_recovered()
        return source

    def _reopen_live(self) -> FrameSource | None:
        """Retry opening until it works or the worker is stopped."""
        while not self._stop_event.wait(self._retry_seconds):
            try:
                source = self._factory()
            except SourceError as error:
                logger.debug("Camera still unavailable: %s", error)
                continue
            logger.info("Frame source %s is back", source.description)
            return source
        return None

    def _play(self, source: FrameSource) -> None:
        """Read, decode and report until the source ends or stop() is called.

        Raises:
            SourceError: If the source fails while reading.
        """
        with source:
            next_due = self._clock()
            while not self._stop_event.is_set():
                frame = source.read()
                if frame is None:
                    logger.info("Frame source %s ended", source.description)
                    return

                self._handle_frame(frame)
                if not source.is_live and self._frame_interval:
                    next_due = self._pace(next_due)

    def _handle_frame(self, frame: np.ndarray) -> None:
        self._on_frame(self._preview(frame))

        for item in self._pipeline.decode(frame):
            if self._repeat_filter.accept(item.text, self._clock()):
                self._on_decoded(item)

    def _pace(self, next_due: float) -> float:
        next_due += self._frame_interval
        delay = next_due - self._clock()
        if delay > 0:
            self._stop_event.wait(delay)
            return next_due
        return self._clock()

    def _preview(self, frame: np.ndarray) -> np.ndarray:
        width = frame.shape[1]
        if not self._preview_width or width <= self._preview_width:
            return frame
        scale = self._preview_width / width
        size = (self._preview_width, max(1, round(frame.shape[0] * scale)))
        return cv2.resize(frame, size, interpolation=cv2.INTER_AREA)


def _spec_factory(spec: str | int) -> SourceFactory:
    def factory() -> FrameSource:
        return open_source(spec)

    return factory
