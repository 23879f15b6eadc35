"""CaptureWorker: decoding in a thread, dedupe, errors and recovery."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from desktop.scanner.decoders import Decoded, DecodePipeline
from desktop.scanner.repeat import RepeatFilter
from desktop.scanner.sources import FrameSource, SourceError
from desktop.scanner.worker import CaptureWorker
from tests.scanner.conftest import on_frame, qr_image


class Recorder:
    """Collects callbacks and lets a test wait for them without sleeping."""

    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []
        self.finished = threading.Event()
        self.recovered = threading.Event()
        self.frames = 0

    def on_frame(self, frame: np.ndarray) -> None:
        self.frames += 1

    def on_decoded(self, decoded: Decoded) -> None:
        self.events.append(("decoded", decoded.text))

    def on_error(self, error: SourceError) -> None:
        self.events.append(("error", error.kind))

    def on_recovered(self) -> None:
        self.events.append(("recovered", None))
        self.recovered.set()

    def on_finished(self) -> None:
        self.events.append(("finished", None))
        self.finished.set()

    def callbacks(self) -> dict[str, object]:
        return {
            "on_frame": self.on_frame,
            "on_decoded": self.on_decoded,
            "on_error": self.on_error,
            "on_recovered": self.on_recovered,
            "on_finished": self.on_finished,
        }


class FakeCamera(FrameSource):
    """A live source that shows one code forever."""

    is_live = True
    description = "fake camera"

    def __init__(self) -> None:
        self._frame = on_frame(qr_image("CAMERA"))

    def read(self) -> np.ndarray | None:
        time.sleep(0.005)  # a real camera delivers a frame every few ms
        return self._frame


class FlakyFactory:
    """Fails to open the camera twice, then works."""

    def __init__(self) -> None:
        self.attempts = 0

    def __call__(self) -> FrameSource:
        self.attempts += 1
        if self.attempts <= 2:
            raise SourceError("camera_unavailable", "0", "camera index 0 ...")
        return FakeCamera()


def test_folder_source_reports_scans_in_order(code_folder: Path) -> None:
    recorder = Recorder()
    worker = CaptureWorker(
        str(code_folder),
        DecodePipeline.default("live"),
        RepeatFilter(window_seconds=3.0),
        preview_width=320,
        **recorder.callbacks(),
    )

    worker.start()
    assert recorder.finished.wait(20)
    worker.stop()

    assert recorder.events == [
        ("decoded", "A"),
        ("decoded", "B"),
        ("decoded", "C"),
        ("finished", None),
    ]
    assert recorder.frames == 5


def test_failing_camera_reports_once_then_recovers() -> None:
    recorder = Recorder()
    factory = FlakyFactory()
    worker = CaptureWorker(
        factory,
        DecodePipeline.default("live"),
        RepeatFilter(),
        retry_seconds=0.01,
        **recorder.callbacks(),
    )

    worker.start()
    assert recorder.recovered.wait(10)
    worker.stop()

    kinds = [event for event, _ in recorder.events]
    assert kinds[:2] == ["error", "recovered"]
    assert kinds.count("error") == 1
    assert ("decoded", "CAMERA") in recorder.events
    assert kinds[-1] == "finished"


def test_stop_is_prompt_and_idempotent() -> None:
    recorder = Recorder()
    worker = CaptureWorker(
        lambda: FakeCamera(),
        DecodePipeline.default("live"),
        RepeatFilter(),
        **recorder.callbacks(),
    )
    worker.start()

    started = time.monotonic()
    worker.stop()
    worker.stop()

    assert time.monotonic() - started < 2.0
    assert not worker.is_running
    assert recorder.finished.is_set()


def test_file_source_error_ends_worker(tmp_path: Path) -> None:
    recorder = Recorder()
    worker = CaptureWorker(
        str(tmp_path / "missing.avi"),
        DecodePipeline.default("live"),
        RepeatFilter(),
        **recorder.callbacks(),
    )

    worker.start()
    assert recorder.finished.wait(5)

    assert recorder.events == [("error", "not_found"), ("finished", None)]
