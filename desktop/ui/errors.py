"""The one place where the GUI shows problems to the operator.

Recoverable problems become a non-modal message in the status bar of the
window that registered one; only blocking problems open a dialog. Uncaught
exceptions, on the GUI thread or any other, reach the sink through
``sys.excepthook`` and ``threading.excepthook``; the sink forwards them to
the GUI thread with a queued signal, logs each traceback once and shows
each distinct crash once.
"""

from __future__ import annotations

import enum
import logging
import sys
import threading
import traceback
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QStatusBar, QWidget

from desktop.i18n import _

log = logging.getLogger(__name__)

STATUS_TIMEOUT_MS = 8000


class Severity(enum.IntEnum):
    """How bad a message is."""

    INFO = 0
    WARNING = 1
    ERROR = 2


class ErrorSink(QObject):
    """Collects messages and crashes and shows them on the GUI thread.

    Signals:
        message_posted(str, int): a message and its :class:`Severity`,
            already on the GUI thread.
        crash_reported(str, str): a crash's summary and its traceback text,
            emitted once per distinct crash.
    """

    message_posted = Signal(str, int)
    crash_reported = Signal(str, str)
    _crash_forwarded = Signal(str, str)
    _message_forwarded = Signal(str, int)

    def __init__(self, *, show_dialogs: bool = True) -> None:
        super().__init__()
        self._status_bar: QStatusBar | None = None
        self._dialog_parent: QWidget | None = None
        self._show_dialogs = show_dialogs
        self._seen_crashes: set[str] = set()
        self._previous_hooks: tuple | None = None
        self._crash_forwarded.connect(self._on_any_crash, Qt.QueuedConnection)
        self._message_forwarded.connect(self._on_any_message, Qt.QueuedConnection)

    def attach(self, status_bar: QStatusBar | None, parent: QWidget | None) -> None:
        """Show messages in ``status_bar`` and dialogs over ``parent``."""
        self._status_bar = status_bar
        self._dialog_parent = parent

    def post(self, text: str, severity: Severity = Severity.ERROR) -> None:
        """Show a recoverable problem without interrupting the operator.

        Safe to call from any thread.
        """
        self._message_forwarded.emit(text, int(severity))

    def blocking(self, title: str, text: str) -> QMessageBox | None:
        """Show a problem that stops the current job, in a dialog.

        Returns:
            The (non-modal, self-deleting) dialog, so the caller can react
            to its ``finished`` signal; None when dialogs are switched off.
        """
        log.error("%s: %s", title, text)
        self.message_posted.emit(text, int(Severity.ERROR))
        if not self._show_dialogs:
            return None
        box = QMessageBox(QMessageBox.Critical, title, text, parent=self._dialog_parent)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.setWindowModality(Qt.NonModal)
        box.show()
        return box

    def report_exception(self, exc: BaseException) -> None:
        """Hand an exception (from any thread) to the sink."""
        self._forward(type(exc), exc, exc.__traceback__)

    def install(self) -> None:
        """Route uncaught exceptions of every thread to this sink."""
        self._previous_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = self._forward
        threading.excepthook = self._on_thread_exception

    def uninstall(self) -> None:
        """Put the previous exception hooks back."""
        if self._previous_hooks is not None:
            sys.excepthook, threading.excepthook = self._previous_hooks
            self._previous_hooks = None

    def _on_thread_exception(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_type is SystemExit:
            return
        self._forward(args.exc_type, args.exc_value, args.exc_traceback)

    def _forward(
        self,
        exc_type: type[BaseException],
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc or exc_type(), tb)
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        summary = f"{exc_type.__name__}: {exc}" if exc else exc_type.__name__
        self._crash_forwarded.emit(summary, text)

    @Slot(str, int)
    def _on_any_message(self, text: str, severity: int) -> None:
        if severity >= Severity.ERROR:
            log.warning("shown to operator: %s", text)
        if self._status_bar is not None:
            self._status_bar.showMessage(text, STATUS_TIMEOUT_MS)
        self.message_posted.emit(text, severity)

    @Slot(str, str)
    def _on_any_crash(self, summary: str, text: str) -> None:
        key = _crash_key(text)
        if key in self._seen_crashes:
            log.debug("crash already shown: %s", summary)
            return
        self._seen_crashes.add(key)
        log.error("unexpected error:\n%s", text)
        self.crash_reported.emit(summary, text)
        if self._status_bar is not None:
            self._status_bar.showMessage(
                _("程序内部错误：{summary}").format(summary=summary), STATUS_TIMEOUT_MS
            )
        if self._show_dialogs:
            self._show_crash_dialog(summary, text)

    def _show_crash_dialog(self, summary: str, text: str) -> None:
        box = QMessageBox(
            QMessageBox.Critical,
            _("程序内部错误"),
            _("发生了意外错误，当前操作未完成。扫码仍可继续。\n{summary}").format(
                summary=summary
            ),
            parent=self._dialog_parent,
        )
        box.setDetailedText(text)
        box.setAttribute(Qt.WA_DeleteOnClose)
        box.setWindowModality(Qt.NonModal)
        box.show()


def _crash_key(text: str) -> str:
    """Group tracebacks by exception type and the innermost frames."""
    lines = [line for line in text.splitlines() if line.startswith("  File ")]
    return "\n".join(lines[-3:]) + "\n" + text.rstrip().splitlines()[-1].split(":")[0]


_sink: ErrorSink | None = None


def sink() -> ErrorSink:
    """The application's error sink (created on first use)."""
    global _sink
    if _sink is None:
        _sink = ErrorSink()
    return _sink


def set_sink(new_sink: ErrorSink | None) -> None:
    """Replace the application's error sink (tests)."""
    global _sink
    _sink = new_sink


def report_exception(exc: BaseException) -> None:
    """Send ``exc`` to the application's sink."""
    sink().report_exception(exc)


def post(text: str, severity: Severity = Severity.ERROR) -> None:
    """Show a recoverable problem in the status bar."""
    sink().post(text, severity)
