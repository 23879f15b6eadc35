"""The console's main window: navigation, pages, status bar, kiosk mode.

The navigation lists only the pages the operator's role may see; the
services enforce the same rules again. Each page lives in its own module.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services.auth import ROLE_LABELS, Actor, Permission
from desktop.services.gate import GateService
from desktop.ui import errors
from desktop.ui.capture import WorkerFactory
from desktop.ui.context import ConsoleContext
from desktop.ui.gate_page import GateDesk, GatePage
from desktop.ui.kiosk import KioskUnlockBar
from desktop.ui.pages import PageEnv, page_specs
from desktop.ui.roster_page import RosterPage
from desktop.ui.sounds import SoundPlayer, VerdictSounds
from desktop.ui.tasks import TaskRunner, ThreadPoolRunner

log = logging.getLogger(__name__)

APP_TITLE = "校园返校管理台"


@dataclass
class WindowServices:
    """How the window runs work and makes noise (replaced in tests).

    Attributes:
        runner: general background work (roster, login checks).
        gate_runner: the serial queue of gate decisions.
        player: plays the verdict sounds.
        worker_factory: makes capture workers (None: the real scanner).
    """

    runner: TaskRunner
    gate_runner: TaskRunner
    player: SoundPlayer
    worker_factory: WorkerFactory | None = None

    @classmethod
    def threaded(cls, player: SoundPlayer) -> WindowServices:
        """Thread pools for everything: the application's normal set-up."""
        return cls(ThreadPoolRunner(), ThreadPoolRunner(max_threads=1), player)


def window_title(context: ConsoleContext) -> str:
    """The title bar text, which says DEMO on the demo database."""
    title = f"{_(APP_TITLE)} — {context.gate}"
    return f"{title} [DEMO]" if context.demo else title


class MainWindow(QMainWindow):
    """Pages allowed to the operator, and the gate's kiosk mode.

    Signals:
        logged_out(): the operator chose to log out.
        kiosk_changed(bool): kiosk mode was entered (True) or left.
    """

    logged_out = Signal()
    kiosk_changed = Signal(bool)

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        services: WindowServices,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.actor = actor
        self._services = services
        self._kiosk = False
        self._closing_allowed = False
        self.gate_page: GatePage | None = None
        self.roster_page: RosterPage | None = None
        self.setWindowTitle(window_title(context))
        self._build_pages()
        self._build_actions()
        self._build_status_bar()
        errors.sink().attach(self.statusBar(), self)

    def _build_pages(self) -> None:
        self.nav = QListWidget(self, objectName="navigation")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet("#navigation { font-size: 16px; }")
        self.stack = QStackedWidget(self)
        if self.actor.may(Permission.GATE_SCAN):
            self.gate_page = self._make_gate_page()
            self._add_page(_("扫码报到"), self.gate_page)
        if self.actor.may(Permission.ROSTER_VIEW):
            self.roster_page = RosterPage(
                self.context.db,
                self.actor,
                self._services.runner,
                self,
                context=self.context,
            )
            self._add_page(_("学生名单"), self.roster_page)
        env = PageEnv(self.context, self.actor, self._services.runner, self)
        for spec in page_specs():
            if self.actor.may(spec.permission):
                self._add_page(_(spec.title), spec.make(env))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.unlock_bar = KioskUnlockBar(
            self.context, self.actor, self._services.runner
        )
        self.unlock_bar.unlocked.connect(self._on_unlock_bar_unlocked)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        central = QWidget(self)
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.unlock_bar)
        column.addLayout(body, 1)
        self.setCentralWidget(central)

    def _make_gate_page(self) -> GatePage:
        context, actor = self.context, self.actor
        make_service = partial(
            GateService, context.db, context.keyring, context.clock, actor, context.gate
        )
        return GatePage(
            GateDesk(make_service),
            self._services.gate_runner,
            VerdictSounds(self._services.player),
            gate=context.gate,
            worker_factory=self._services.worker_factory,
            parent=self,
        )

    def _add_page(self, title: str, page: QWidget) -> None:
        self.nav.addItem(title)
        self.stack.addWidget(page)

    def _build_actions(self) -> None:
        self.toolbar = QToolBar(_("操作"), self)
        self.toolbar.setMovable(False)
        self.addToolBar(self.toolbar)
        menu = self.menuBar().addMenu(_("系统"))

        self.logout_action = QAction(_("退出登录"), self)
        self.logout_action.triggered.connect(self._on_logout_triggered)
        self.kiosk_action = QAction(_("门岗全屏模式"), self)
        self.kiosk_action.setShortcut(QKeySequence("F11"))
        self.kiosk_action.triggered.connect(self.enter_kiosk)
        self.mute_action = QAction(_("静音"), self, checkable=True)
        self.mute_action.toggled.connect(self._on_mute_toggled)
        gate_actions = (self.kiosk_action, self.mute_action)
        for action in (*gate_actions, self.logout_action):
            if action in gate_actions and self.gate_page is None:
                continue
            self.toolbar.addAction(action)
            menu.addAction(action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        role = _(ROLE_LABELS[self.actor.role])
        url = self.context.db.engine.url.render_as_string(hide_password=True)
        bar.addPermanentWidget(
            QLabel(_("操作员：{name}").format(name=self.actor.display_name))
        )
        bar.addPermanentWidget(QLabel(_("角色：{role}").format(role=role)))
        bar.addPermanentWidget(QLabel(_("数据库：{url}").format(url=url)))
        if self.context.demo:
            demo = QLabel(_("演示数据 DEMO"), objectName="demoBadge")
            demo.setStyleSheet(
                "#demoBadge { color: #ffffff; background: #e65100;"
                " font-weight: bold; padding: 1px 8px; border-radius: 4px; }"
            )
            bar.addPermanentWidget(demo)

    # Kiosk mode.

    @property
    def kiosk(self) -> bool:
        """Whether the window is locked in kiosk mode."""
        return self._kiosk

    def enter_kiosk(self) -> None:
        """Full screen on the gate page; leaving needs the password."""
        if self.gate_page is None or self._kiosk:
            return
        self._kiosk = True
        self.stack.setCurrentWidget(self.gate_page)
        for widget in (self.nav, self.toolbar, self.menuBar(), self.statusBar()):
            widget.hide()
        self.gate_page.set_kiosk(True)
        self.showFullScreen()
        self.kiosk_changed.emit(True)

    def leave_kiosk(self) -> None:
        """Back to the normal window (after the password was checked)."""
        if not self._kiosk:
            return
        self._kiosk = False
        for widget in (self.nav, self.toolbar, self.menuBar(), self.statusBar()):
            widget.show()
        self.unlock_bar.hide()
        if self.gate_page is not None:
            self.gate_page.set_kiosk(False)
        self.showNormal()
        self.kiosk_changed.emit(False)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # Esc reaches the window from any child that does not use it,
        # including the scan field.
        if event.key() == Qt.Key_Escape and self._kiosk:
            self._on_escape_pressed()
            event.accept()
            return
        super().keyPressEvent(event)

    def _on_escape_pressed(self) -> None:
        if self.unlock_bar.isVisible():
            self.unlock_bar.hide()
            if self.gate_page is not None:
                self.gate_page.take_focus()
        else:
            self.unlock_bar.ask()

    def _on_unlock_bar_unlocked(self) -> None:
        self.leave_kiosk()

    # Other actions.

    def _on_mute_toggled(self, muted: bool) -> None:
        if self.gate_page is not None:
            self.gate_page.set_muted(muted)

    def _on_logout_triggered(self) -> None:
        log.info("logout: %s", self.actor.login)
        self.close_for_good()
        self.logged_out.emit()

    def close_for_good(self) -> None:
        """Close even in kiosk mode (logout, application quit)."""
        self._closing_allowed = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._kiosk and not self._closing_allowed:
            event.ignore()
            self.unlock_bar.ask()
            return
        if self.gate_page is not None:
            self.gate_page.shutdown()
        errors.sink().attach(None, None)
        super().closeEvent(event)
