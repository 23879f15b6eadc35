"""The main window: pages by role, status bar, kiosk mode; start-up helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.clock import FixedClock
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.keys import Keyring
from desktop.services.verdict import Verdict
from desktop.ui import app
from desktop.ui.context import ConsoleContext
from desktop.ui.main_window import MainWindow, WindowServices
from desktop.ui.sounds import (
    CommandSoundPlayer,
    RecordingSoundPlayer,
    VerdictSounds,
    sound_path,
)
from desktop.ui.tasks import ThreadPoolRunner
from tests.ui.conftest import TEST_GATE, DemoTemplate

WAIT_MS = 10_000


@pytest.fixture
def make_window(
    qtbot: QtBot,
    demo_db: Database,
    demo_keyring: Keyring,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: object,
) -> Iterator[Callable[[str], MainWindow]]:
    windows: list[MainWindow] = []
    services = WindowServices(
        ThreadPoolRunner(), ThreadPoolRunner(max_threads=1), RecordingSoundPlayer()
    )
    context = ConsoleContext(
        demo_db, demo_keyring, demo_clock, TEST_GATE, "test", demo=True
    )

    def make(login: str) -> MainWindow:
        window = MainWindow(context, demo_actor(login), services)
        qtbot.addWidget(window)
        window.resize(1280, 800)
        window.show()
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close_for_good()
    for runner in (services.runner, services.gate_runner):
        runner.wait_for_done(WAIT_MS)


def _pages(window: MainWindow) -> list[str]:
    return [window.nav.item(row).text() for row in range(window.nav.count())]


def test_pages_follow_the_role(make_window: Callable[[str], MainWindow]) -> None:
    assert _pages(make_window("gate")) == ["扫码报到", "证明核验"]
    assert _pages(make_window("head")) == ["学生名单", "总览", "统计表", "健康打卡"]
    assert _pages(make_window("college")) == ["学生名单", "总览", "统计表", "健康打卡"]
    assert _pages(make_window("admin")) == [
        "扫码报到",
        "学生名单",
        "总览",
        "统计表",
        "操作日志",
        "健康打卡",
        "解除观察",
        "证明核验",
    ]


def test_title_and_status_bar_say_demo(
    make_window: Callable[[str], MainWindow],
) -> None:
    window = make_window("head")

    assert "DEMO" in window.windowTitle()
    labels = window.statusBar().findChildren(QLabel)
    shown = " ".join(label.text() for label in labels)
    assert "王老师" in shown and "班主任" in shown and "DEMO" in shown
    assert "sqlite" in shown


def test_kiosk_needs_the_password_to_leave(
    qtbot: QtBot,
    make_window: Callable[[str], MainWindow],
    demo_template: DemoTemplate,
) -> None:
    window = make_window("gate")
    window.enter_kiosk()
    assert window.kiosk and not window.nav.isVisible()

    # Closing is refused and asks for the password instead.
    window.close()
    assert window.isVisible() and window.kiosk
    assert window.unlock_bar.isVisible()

    bar = window.unlock_bar
    qtbot.keyClicks(bar.password_edit, "wrong password")
    qtbot.keyClick(bar.password_edit, Qt.Key_Return)
    qtbot.waitUntil(lambda: bar.message.text() == "密码错误", timeout=WAIT_MS)
    assert window.kiosk

    password = demo_template.school.passwords["gate"][1]
    with qtbot.waitSignal(window.kiosk_changed, timeout=WAIT_MS) as blocker:
        qtbot.keyClicks(bar.password_edit, password)
        qtbot.keyClick(bar.password_edit, Qt.Key_Return)
    assert blocker.args == [False]
    assert not window.kiosk and window.nav.isVisible()


def test_escape_in_kiosk_asks_for_the_password(
    qtbot: QtBot, make_window: Callable[[str], MainWindow]
) -> None:
    window = make_window("admin")
    window.enter_kiosk()

    qtbot.keyClick(window.gate_page.scan_field, Qt.Key_Escape)

    assert window.kiosk and window.unlock_bar.isVisible()


def test_mute_action_silences_the_gate(
    qtbot: QtBot, make_window: Callable[[str], MainWindow]
) -> None:
    window = make_window("gate")

    window.mute_action.setChecked(True)

    assert window.gate_page._sounds.muted  # noqa: SLF001


def test_prepare_builds_the_demo_only_once(
    monkeypatch: pytest.MonkeyPatch, demo_clock: FixedClock
) -> None:
    from desktop.services import demo

    real_build = demo.build_demo

    def small_demo(*args: object) -> demo.DemoSchool:
        return real_build(*args, students=20)

    monkeypatch.setattr(demo, "build_demo", small_demo)
    url = paths.default_database_url(demo=True)

    first = app.prepare(url, True, demo_clock)
    first.db.dispose()
    second = app.prepare(url, True, demo_clock)
    second.db.dispose()

    assert first.demo_passwords and "admin" in first.demo_passwords
    assert second.demo_passwords is None


def test_verdict_sounds_and_the_command_player() -> None:
    recorder = RecordingSoundPlayer()
    sounds = VerdictSounds(recorder)

    for verdict in Verdict:
        sounds.play_for(verdict)
    sounds.muted = True
    sounds.play_for(Verdict.ADMIT)

    assert recorder.played == ["admit", "warn", "warn", "refuse"]
    for name in ("admit", "warn", "refuse"):
        assert 1000 < sound_path(name).stat().st_size < 20_000
    CommandSoundPlayer("/bin/true").play("admit")  # starts and never waits
