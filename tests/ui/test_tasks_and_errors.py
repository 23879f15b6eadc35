"""The task runners and the error sink."""

from __future__ import annotations

import sys
import threading
from functools import partial

import shiboken6
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from desktop.ui import errors
from desktop.ui.tasks import SyncTaskRunner, ThreadPoolRunner


class _Inbox:
    def __init__(self) -> None:
        self.results: list[object] = []
        self.errors: list[BaseException] = []
        self.threads: list[threading.Thread] = []

    def take_result(self, value: object) -> None:
        self.results.append(value)
        self.threads.append(threading.current_thread())

    def take_error(self, exc: BaseException) -> None:
        self.errors.append(exc)
        self.threads.append(threading.current_thread())


def _worker_thread_name() -> str:
    return threading.current_thread().name


def _fail() -> None:
    raise ValueError("boom")


def test_thread_pool_runs_off_and_reports_on_the_gui_thread(qtbot: QtBot) -> None:
    runner, inbox = ThreadPoolRunner(max_threads=1), _Inbox()

    runner.submit(_worker_thread_name, on_result=inbox.take_result)
    runner.submit(_fail, on_result=inbox.take_result, on_error=inbox.take_error)
    qtbot.waitUntil(lambda: len(inbox.threads) == 2)

    assert inbox.results[0] != threading.main_thread().name
    assert isinstance(inbox.errors[0], ValueError)
    assert inbox.threads == [threading.main_thread()] * 2
    assert runner.pending == 0


def test_sync_runner_calls_back_before_returning() -> None:
    runner, inbox = SyncTaskRunner(), _Inbox()

    runner.submit(pow, 2, 5, on_result=inbox.take_result)
    runner.submit(_fail, on_error=inbox.take_error)

    assert inbox.results == [32]
    assert isinstance(inbox.errors[0], ValueError)
    assert runner.calls == [pow, _fail]


def test_unhandled_task_error_reaches_the_sink(
    qtbot: QtBot, error_sink: errors.ErrorSink
) -> None:
    runner = ThreadPoolRunner(max_threads=1)

    with qtbot.waitSignal(error_sink.crash_reported) as blocker:
        runner.submit(_fail)

    assert blocker.args[0] == "ValueError: boom"


def _raise_in_thread() -> None:
    raise RuntimeError("thread went wrong")


def _run_failing_thread() -> None:
    thread = threading.Thread(target=_raise_in_thread)
    thread.start()
    thread.join()


def test_thread_exceptions_are_shown_once(
    qtbot: QtBot, error_sink: errors.ErrorSink
) -> None:
    error_sink.install()
    try:
        with qtbot.waitSignal(error_sink.crash_reported) as blocker:
            _run_failing_thread()
        with qtbot.assertNotEmitted(error_sink.crash_reported, wait=200):
            _run_failing_thread()
    finally:
        error_sink.uninstall()

    assert blocker.args[0] == "RuntimeError: thread went wrong"
    assert "_raise_in_thread" in blocker.args[1]


def test_posted_messages_go_to_the_status_bar(
    qtbot: QtBot, error_sink: errors.ErrorSink
) -> None:
    from PySide6.QtWidgets import QMainWindow

    window = QMainWindow()
    qtbot.addWidget(window)
    error_sink.attach(window.statusBar(), window)

    with qtbot.waitSignal(error_sink.message_posted):
        errors.post("数据库暂时不可用")

    assert window.statusBar().currentMessage() == "数据库暂时不可用"


def test_signal_emit_keeps_its_reference_to_true() -> None:
    """PySide6 6.12.0 drops a reference to True on every ``emit()``.

    On Python 3.11 True is not immortal, so a gate that emits a signal per
    camera frame aborts with "bool_dealloc" within minutes. 6.11.3 is fine.
    """
    from PySide6.QtCore import QObject, Signal

    class Emitter(QObject):
        happened = Signal()

    emitter = Emitter()
    before = sys.getrefcount(True)
    for _ in range(50):
        emitter.happened.emit()

    assert sys.getrefcount(True) >= before - 5, (
        "this PySide6 build loses a reference to True per emit(); "
        "pin PySide6-Essentials to a version without the bug (6.11.3 works)"
    )


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[object] = []

    def take(self, value: object) -> None:
        self.calls.append(self.objectName())  # touches the C++ side


def test_result_for_a_deleted_receiver_is_dropped(qtbot: QtBot) -> None:
    runner = ThreadPoolRunner(max_threads=1)
    gate = threading.Event()
    receiver = _Receiver()
    late = _Receiver()

    runner.submit(gate.wait, on_result=partial(receiver.take))
    runner.submit(_worker_thread_name, on_result=late.take)
    shiboken6.delete(receiver)  # the page closed while its query ran
    gate.set()
    qtbot.waitUntil(lambda: runner.pending == 0)

    assert late.calls == [""]
