"""The gate page: camera frames, hand scanner, banner, sounds, camera errors."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.models import CheckIn, GateScan, Student
from desktop.services.db import Database
from desktop.services.demo import DemoCase
from desktop.services.gate import GateCounters, GateResult
from desktop.services.verdict import Verdict
from desktop.ui.capture import CaptureCallbacks, scanner_worker
from desktop.ui.verdict_banner import BannerState
from tests.ui.conftest import TEST_GATE, DemoTemplate, GateRig

SCAN_TIMEOUT_MS = 15_000


def _type_pass(qtbot: QtBot, rig: GateRig, text: str) -> GateResult:
    field = rig.page.scan_field
    with qtbot.waitSignal(rig.page.scan_decided, timeout=SCAN_TIMEOUT_MS) as blocker:
        qtbot.keyClicks(field, text)
        qtbot.keyClick(field, Qt.Key_Return)
    return blocker.args[0]


def test_hand_scanner_admits_then_says_already(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_template: DemoTemplate
) -> None:
    rig = make_gate_page()
    student = demo_template.student(DemoCase.ADMIT)
    before = _counters(rig)

    first = _type_pass(qtbot, rig, student.pass_text)

    assert first.verdict is Verdict.ADMIT
    banner = rig.page.banner
    assert banner.state is BannerState.ADMIT
    assert banner.title_text() == "准予报到"
    assert first.student_name and first.student_name in banner.detail_text()
    assert first.masked_document and first.masked_document in banner.detail_text()
    assert "请核对学生证" in banner.detail_text()
    assert rig.page.scan_field.text() == ""

    # The same pass again, typed while the admit banner is still showing.
    second = _type_pass(qtbot, rig, student.pass_text)

    assert second.verdict is Verdict.ALREADY
    assert banner.state is BannerState.ALREADY
    assert TEST_GATE in banner.detail_text()
    after = _counters(rig)
    assert after.admitted_here_today == before.admitted_here_today + 1
    assert after.checked_in_total == before.checked_in_total + 1
    assert rig.page.counters.texts()[:2] == (
        str(after.admitted_here_today),
        str(after.checked_in_total),
    )


def _counters(rig: GateRig) -> GateCounters:
    return rig.page._desk.service().counters()  # noqa: SLF001 - read-only peek


def test_empty_input_is_ignored(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig]
) -> None:
    rig = make_gate_page()

    with qtbot.assertNotEmitted(rig.page.scan_decided, wait=300):
        qtbot.keyClicks(rig.page.scan_field, "   ")
        qtbot.keyClick(rig.page.scan_field, Qt.Key_Return)

    assert rig.page.banner.state is BannerState.IDLE


def test_garbage_is_refused_with_a_reason(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig]
) -> None:
    rig = make_gate_page()

    result = _type_pass(qtbot, rig, "https://example.com/not-a-pass")

    assert result.verdict is Verdict.REFUSE
    assert rig.page.banner.title_text() == "拒绝入校"
    assert result.reasons[0] in rig.page.banner.detail_text()
    assert rig.page.recent.rowCount() == 1


@pytest.mark.parametrize(
    ("case", "sound"),
    [
        (DemoCase.ADMIT, "admit"),
        (DemoCase.ALREADY, "warn"),
        (DemoCase.NOT_YET, "warn"),
        (DemoCase.UNAPPROVED, "refuse"),
    ],
)
def test_each_verdict_asks_for_its_sound(
    qtbot: QtBot,
    make_gate_page: Callable[..., GateRig],
    demo_template: DemoTemplate,
    case: DemoCase,
    sound: str,
) -> None:
    rig = make_gate_page()

    result = _type_pass(qtbot, rig, demo_template.student(case).pass_text)

    assert result.verdict is case.verdict
    assert rig.page.banner.state.value == case.verdict.value
    assert rig.player.played == [sound]


def test_muted_gate_plays_nothing(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_template: DemoTemplate
) -> None:
    rig = make_gate_page()
    rig.page.set_muted(True)

    for case in (DemoCase.ADMIT, DemoCase.SYMPTOMS):
        _type_pass(qtbot, rig, demo_template.student(case).pass_text)

    assert rig.player.played == []


def test_scan_field_keeps_the_focus(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_template: DemoTemplate
) -> None:
    rig = make_gate_page()
    page = rig.page
    page.activateWindow()
    qtbot.waitUntil(page.scan_field.hasFocus)

    # A click on a button takes the focus; the page hands it back.
    button = page.chooser.findChild(type(page.chooser._toggle), "captureToggle")  # noqa: SLF001
    button.setFocus(Qt.MouseFocusReason)
    qtbot.waitUntil(page.scan_field.hasFocus)

    _type_pass(qtbot, rig, demo_template.student(DemoCase.NOT_YET).pass_text)
    assert page.scan_field.hasFocus()


class _DemoFrames:
    """Pass texts of known demo students rendered as webcam-like frames."""

    cases = (DemoCase.ADMIT, DemoCase.ALREADY, DemoCase.NOT_YET, DemoCase.SEVERE_AREA)

    def __init__(self, template: DemoTemplate, folder: Path) -> None:
        from desktop.scanner.synthetic import FrameItem, render_frames

        self.students = [template.student(case, 1) for case in self.cases]
        items = [FrameItem(s.pass_text, s.case.label) for s in self.students]
        render_frames(items, folder, frames_per_item=3, gap_frames=1, video=False)
        self.folder = folder / "frames"


def test_demo_frames_played_into_the_gate(
    qtbot: QtBot,
    make_gate_page: Callable[..., GateRig],
    demo_template: DemoTemplate,
    demo_db: Database,
    tmp_path: Path,
) -> None:
    frames = _DemoFrames(demo_template, tmp_path / "frames")
    rig = make_gate_page(worker_factory=partial(scanner_worker, max_fps=30))
    seen: list[tuple[GateResult, BannerState]] = []

    def record(result: GateResult) -> None:
        seen.append((result, rig.page.banner.state))

    rig.page.scan_decided.connect(record)
    with qtbot.waitSignal(rig.page._capture.capture_finished, timeout=30_000):  # noqa: SLF001
        rig.page.start_capture(str(frames.folder))
    qtbot.waitUntil(lambda: len(seen) >= len(frames.students), timeout=SCAN_TIMEOUT_MS)

    expected = [s.case.verdict for s in frames.students]
    assert [result.verdict for result, _ in seen] == expected
    assert [state.value for _, state in seen] == [v.value for v in expected]
    assert [result.student_no for result, _ in seen] == [
        s.student_no for s in frames.students
    ]
    assert rig.page.camera.frames_shown
    with demo_db.sessions() as session:
        scans = session.scalars(
            select(GateScan)
            .where(GateScan.gate == TEST_GATE, GateScan.workstation != "demo")
            .order_by(GateScan.id)
        ).all()
        admitted = session.scalars(
            select(CheckIn)
            .join(Student, Student.id == CheckIn.student_id)
            .where(Student.student_no == frames.students[0].student_no)
        ).one()
    assert [scan.verdict for scan in scans] == [v.value for v in expected]
    assert {scan.source for scan in scans} == {"camera"}
    assert admitted.gate == TEST_GATE


def test_camera_that_does_not_open(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_template: DemoTemplate
) -> None:
    rig = make_gate_page()

    with qtbot.waitSignal(rig.page.camera_failed, timeout=SCAN_TIMEOUT_MS):
        rig.page.start_capture("97")

    error = rig.page.camera_error_text()
    assert "摄像头无法打开" in error
    assert "可继续使用扫码枪" in error
    result = _type_pass(qtbot, rig, demo_template.student(DemoCase.ADMIT, 2).pass_text)
    assert result.verdict is Verdict.ADMIT
    assert rig.page.camera_error_text() == error


class _FlakyCamera:
    """A fake worker whose camera fails, then comes back with a picture."""

    def __init__(self, spec: str, callbacks: CaptureCallbacks, _repeat: float) -> None:
        self.callbacks = callbacks
        self.recover = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.recover.set()

    def _run(self) -> None:
        self.callbacks.on_error(_CameraLost())
        self.recover.wait(10)
        self.callbacks.on_recovered()
        self.callbacks.on_frame(np.zeros((72, 128, 3), np.uint8))


class _CameraLost(Exception):
    kind = "camera_lost"
    source = "0"


def test_camera_error_clears_when_the_camera_returns(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig]
) -> None:
    workers: list[_FlakyCamera] = []

    def factory(spec: str, callbacks: CaptureCallbacks, repeat: float) -> _FlakyCamera:
        workers.append(_FlakyCamera(spec, callbacks, repeat))
        return workers[-1]

    rig = make_gate_page(worker_factory=factory)
    with qtbot.waitSignal(rig.page.camera_failed, timeout=SCAN_TIMEOUT_MS):
        rig.page.start_capture("0")
    assert "摄像头已断开" in rig.page.camera_error_text()

    with qtbot.waitSignal(rig.page.camera_recovered, timeout=SCAN_TIMEOUT_MS):
        workers[0].recover.set()

    assert rig.page.camera_error_text() == ""
    qtbot.waitUntil(lambda: rig.page.camera.frames_shown)


def test_gate_counters_after_scans(
    qtbot: QtBot,
    make_gate_page: Callable[..., GateRig],
    demo_template: DemoTemplate,
    demo_db: Database,
) -> None:
    rig = make_gate_page()
    before = _counters(rig)

    _type_pass(qtbot, rig, demo_template.student(DemoCase.ADMIT, 3).pass_text)
    _type_pass(qtbot, rig, demo_template.student(DemoCase.EXPIRED_PASS).pass_text)

    assert rig.page.counters.texts() == (
        str(before.admitted_here_today + 1),
        str(before.checked_in_total + 1),
        str(before.refused_here_today + 1),
    )
    assert rig.page.recent.rowCount() == 2
