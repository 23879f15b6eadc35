"""Start the GUI: open the database, log in, show the main window.

``run_gui`` is what ``campus-console gui`` calls. Opening the database
(and building the demo school on an empty demo database) happens on a
worker thread while a small start-up window says what is going on; then
the login dialog, then the main window. Logging out returns to the login.
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication, QLabel, QProgressBar, QVBoxLayout, QWidget

from desktop import paths
from desktop.clock import Clock, SystemClock
from desktop.i18n import _, set_language
from desktop.services import demo as demo_service
from desktop.services.auth import Actor
from desktop.services.db import Database, open_database
from desktop.services.demo_accounts import Passwords, keep_passwords, password_lines
from desktop.services.keys import Keyring, load_keyring
from desktop.ui import errors
from desktop.ui.context import ConsoleContext
from desktop.ui.login_dialog import LoginDialog
from desktop.ui.main_window import APP_TITLE, MainWindow, WindowServices
from desktop.ui.sounds import CommandSoundPlayer
from desktop.ui.tasks import ThreadPoolRunner

log = logging.getLogger(__name__)

DEFAULT_GATE = "东门"
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/wqy-microhei/wqy-microhei.ttc"),
)


@dataclass(frozen=True)
class Prepared:
    """The result of the start-up work done off the GUI thread."""

    db: Database
    keyring: Keyring
    demo_passwords: Passwords | None


def prepare(
    db_url: str, demo: bool, clock: Clock, report: Signal | None = None
) -> Prepared:
    """Open the database and keys; build the demo school if asked and empty.

    Runs on a worker thread; ``report`` (a signal) carries progress text.
    """
    db = open_database(db_url)
    keyring = load_keyring(paths.keys_dir())
    passwords = None
    if demo:
        with db.sessions() as session:
            empty = demo_service.is_empty(session)
        if empty:
            if report is not None:
                report.emit(_("正在生成演示学校（约需数秒）…"))
            with db.sessions() as session, session.begin():
                school = demo_service.build_demo(session, clock, keyring)
            passwords = school.passwords
    return Prepared(db, keyring, passwords)


def load_cjk_font(app: QApplication) -> str | None:
    """Use a CJK font shipped by the system, if one is installed."""
    for path in CJK_FONT_FILES:
        if not path.exists():
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id)
        if families:
            font = QFont(families[0])
            font.setPointSize(max(app.font().pointSize(), 10))
            app.setFont(font)
            log.info("CJK font: %s", families[0])
            return families[0]
    log.info("no bundled CJK font found; relying on fontconfig")
    return None


class StartupWindow(QWidget):
    """A small window that says what start-up is doing."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.setWindowTitle(title)
        self.message = QLabel(_("正在打开数据库…"), self)
        bar = QProgressBar(self)
        bar.setRange(0, 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(self.message)
        layout.addWidget(bar)
        self.setMinimumWidth(380)


class ConsoleController(QObject):
    """Runs one console session: start-up, login, main window, logout.

    Signals:
        progress_reported(str): start-up progress (from the worker thread).
        window_shown(object): the main window after a login.
    """

    progress_reported = Signal(str)
    window_shown = Signal(object)

    def __init__(
        self,
        db_url: str,
        *,
        demo: bool,
        gate: str,
        source: str | None,
        kiosk: bool,
        clock: Clock | None = None,
    ) -> None:
        super().__init__()
        self._db_url = db_url
        self._demo = demo
        self._gate = gate
        self._source = source
        self._kiosk = kiosk
        self._clock = clock or SystemClock()
        self._runner = ThreadPoolRunner()
        self._services = WindowServices.threaded(CommandSoundPlayer())
        self._context: ConsoleContext | None = None
        self._title = _(APP_TITLE) + (" [DEMO]" if demo else "")
        self.startup = StartupWindow(self._title)
        self.login: LoginDialog | None = None
        self.window: MainWindow | None = None
        self.progress_reported.connect(self.startup.message.setText)

    def start(self) -> None:
        """Show the start-up window and open the database in a worker."""
        self.startup.show()
        self._runner.submit(
            prepare,
            self._db_url,
            self._demo,
            self._clock,
            self.progress_reported,
            on_result=self._on_prepare_done,
            on_error=self._on_prepare_failed,
        )

    def _on_prepare_done(self, prepared: Prepared) -> None:
        if prepared.demo_passwords:
            # Printed once, when the demo school is created, and kept in a
            # file only the owner can read.
            path = keep_passwords(prepared.demo_passwords, prepared.db.url)
            print(password_lines(prepared.demo_passwords), end="", flush=True)
            print(_("（已保存到 {path}）").format(path=path), flush=True)
        workstation = f"{socket.gethostname()}/{self._gate}"
        self._context = ConsoleContext(
            prepared.db,
            prepared.keyring,
            self._clock,
            self._gate,
            workstation,
            demo=self._demo,
        )
        self.startup.hide()
        self.show_login()

    def _on_prepare_failed(self, exc: BaseException) -> None:
        log.error("start-up failed", exc_info=exc)
        self.startup.hide()
        box = errors.sink().blocking(
            _("无法启动"), _("无法打开数据库：{error}").format(error=exc)
        )
        if box is None:
            QApplication.exit(1)
        else:
            box.finished.connect(self._on_fatal_box_finished)

    def _on_fatal_box_finished(self) -> None:
        QApplication.exit(1)

    def show_login(self) -> None:
        """Ask for login and password."""
        assert self._context is not None
        suffix = " [DEMO]" if self._demo else ""
        self.login = LoginDialog(
            self._context.db,
            self._clock,
            self._runner,
            workstation=self._context.workstation,
            title_suffix=suffix,
        )
        self.login.setAttribute(Qt.WA_DeleteOnClose)
        self.login.logged_in.connect(self._on_login_logged_in)
        self.login.rejected.connect(self._on_login_rejected)
        self.login.show()

    def _on_login_logged_in(self, actor: Actor) -> None:
        assert self._context is not None
        self.login = None
        window = MainWindow(self._context, actor, self._services)
        window.setAttribute(Qt.WA_DeleteOnClose)
        window.logged_out.connect(self._on_window_logged_out)
        self.window = window
        window.resize(1280, 800)
        window.show()
        if window.gate_page is not None and self._source:
            window.gate_page.start_capture(self._source)
        if self._kiosk:
            window.enter_kiosk()
        self.window_shown.emit(window)

    def _on_login_rejected(self) -> None:
        self.login = None
        if self.window is None:
            QApplication.quit()

    def _on_window_logged_out(self) -> None:
        self.window = None
        self.show_login()

    def shutdown(self) -> None:
        """Close the window and wait for background work to end."""
        if self.window is not None:
            self.window.close_for_good()
            self.window = None
        for runner in (self._runner, self._services.runner, self._services.gate_runner):
            if isinstance(runner, ThreadPoolRunner):
                runner.wait_for_done(5000)
        if self._context is not None:
            self._context.db.dispose()


def run_gui(
    db_url: str | None = None,
    demo: bool = False,
    gate: str = DEFAULT_GATE,
    source: str | None = None,
    kiosk: bool = False,
    *,
    lang: str | None = None,
) -> int:
    """Open the console window; returns the process exit code.

    Args:
        db_url: the database; default the demo or the embedded database.
        demo: use (and if empty, build) the demo database.
        gate: the name of the gate this workstation guards.
        source: camera index, video file or image folder to scan from.
        kiosk: start the gate page in locked full-screen mode.
        lang: "zh" (default) or "en" for the user interface.
    """
    if lang:
        set_language(lang)
    url = db_url or paths.default_database_url(demo=demo)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("campus-console")
    load_cjk_font(app)
    sink = errors.sink()
    sink.install()
    controller = ConsoleController(
        url, demo=demo, gate=gate, source=source, kiosk=kiosk
    )
    controller.start()
    try:
        return app.exec()
    finally:
        controller.shutdown()
        sink.uninstall()


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m desktop.ui.app [--db URL] [--demo] ...``."""
    parser = argparse.ArgumentParser(prog="campus-console gui")
    parser.add_argument("--db", dest="db_url")
    parser.add_argument("--demo", action="store_true")
    parser.add_argument("--gate", default=DEFAULT_GATE)
    parser.add_argument("--source")
    parser.add_argument("--kiosk", action="store_true")
    parser.add_argument("--lang", choices=("zh", "en"))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    return run_gui(
        args.db_url, args.demo, args.gate, args.source, args.kiosk, lang=args.lang
    )


if __name__ == "__main__":
    sys.exit(main())
