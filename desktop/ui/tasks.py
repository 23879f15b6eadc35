"""Run work off the GUI thread and get its result back on the GUI thread.

Every blocking call the widgets need (database, password hashing, file
reading) goes through a :class:`TaskRunner`. The function runs on a
``QThreadPool``; its return value or its exception comes back through a
queued signal, so callbacks always run on the GUI thread. Tests inject a
:class:`SyncTaskRunner`, which runs the function at once on the caller's
thread and calls the callbacks before ``submit`` returns.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

import shiboken6
from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class TaskRunner(Protocol):
    """Something that runs ``fn(*args)`` and reports back on the GUI thread."""

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        """Run ``fn(*args)``; call ``on_result(value)`` or ``on_error(exc)``.

        Without ``on_error`` an exception goes to the central error sink.
        """
        ...


def _report_unhandled(exc: BaseException) -> None:
    # Imported late: errors.py imports nothing from here, but the sink is
    # optional in unit tests that never install it.
    from desktop.ui import errors

    errors.report_exception(exc)


class _Task(QObject):
    """One submitted call; lives on the GUI thread until it reports.

    Signals:
        succeeded(object): emitted from the worker thread with the result;
            delivered queued.
        failed(object): emitted from the worker thread with the exception;
            delivered queued.
    """

    # FIXME(pyside): no bool argument here. A queued Signal(bool, ...) in
    # PySide6 6.12 drops a reference to True/False on each delivery, which
    # ends in "bool_dealloc" at interpreter exit after a few hundred tasks.
    succeeded = Signal(object)
    failed = Signal(object)

    def __init__(
        self,
        on_result: ResultCallback | None,
        on_error: ErrorCallback | None,
        on_done: Callable[[_Task], None],
    ) -> None:
        super().__init__()
        self._on_result = on_result
        self._on_error = on_error
        self._on_done = on_done
        self.succeeded.connect(self._on_worker_succeeded, Qt.QueuedConnection)
        self.failed.connect(self._on_worker_failed, Qt.QueuedConnection)

    @Slot(object)
    def _on_worker_succeeded(self, value: object) -> None:
        try:
            _deliver(True, value, self._on_result, self._on_error)
        finally:
            self._on_done(self)

    @Slot(object)
    def _on_worker_failed(self, exc: object) -> None:
        try:
            _deliver(False, exc, self._on_result, self._on_error)
        finally:
            self._on_done(self)


def _receiver_alive(callback: Callable[..., Any] | None) -> bool:
    """False when ``callback`` is a method of a Qt object already deleted.

    A page closed while its query runs must not be called back: its C++
    side is gone and touching it raises.
    """
    while isinstance(callback, partial):
        callback = callback.func
    owner = getattr(callback, "__self__", None)
    return not isinstance(owner, QObject) or shiboken6.isValid(owner)


def _deliver(
    ok: bool,
    value: Any,
    on_result: ResultCallback | None,
    on_error: ErrorCallback | None,
) -> None:
    if not _receiver_alive(on_result if ok else on_error):
        log.debug("dropping a task result: its receiver was deleted")
        return
    if ok:
        if on_result is not None:
            on_result(value)
    elif on_error is not None:
        on_error(value)
    else:
        _report_unhandled(value)


class _Runnable(QRunnable):
    def __init__(self, task: _Task, fn: Callable[..., Any], args: tuple) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._task = task
        self._fn = fn
        self._args = args

    def run(self) -> None:
        try:
            value = self._fn(*self._args)
        except BaseException as exc:  # noqa: BLE001 - handed to the GUI
            log.debug("task %s raised %r", self._fn, exc)
            self._task.failed.emit(exc)
        else:
            self._task.succeeded.emit(value)


class ThreadPoolRunner:
    """Runs tasks on a ``QThreadPool``.

    Args:
        max_threads: the pool size; 1 gives a serial queue where tasks
            run, and report, in the order they were submitted.
    """

    def __init__(self, max_threads: int | None = None) -> None:
        if max_threads is None:
            self._pool = QThreadPool.globalInstance()
        else:
            self._pool = QThreadPool()
            self._pool.setMaxThreadCount(max_threads)
        self._pending: set[_Task] = set()

    @property
    def pending(self) -> int:
        """How many submitted tasks have not reported yet."""
        return len(self._pending)

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        """Queue ``fn(*args)`` on the pool (see :class:`TaskRunner`)."""
        task = _Task(on_result, on_error, self._pending.discard)
        self._pending.add(task)
        self._pool.start(_Runnable(task, fn, args))

    def wait_for_done(self, msecs: int = -1) -> bool:
        """Block until the pool is idle (shutdown and tests only)."""
        return self._pool.waitForDone(msecs)


class SyncTaskRunner:
    """Runs each task at once on the calling thread (for tests).

    Attributes:
        calls: the functions submitted so far, in order.
    """

    def __init__(self) -> None:
        self.calls: list[Callable[..., Any]] = []

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: ResultCallback | None = None,
        on_error: ErrorCallback | None = None,
    ) -> None:
        """Run ``fn(*args)`` now and call back before returning."""
        self.calls.append(fn)
        try:
            value = fn(*args)
        except Exception as exc:  # noqa: BLE001 - handed to the callback
            _deliver(False, exc, on_result, on_error)
        else:
            _deliver(True, value, on_result, on_error)
