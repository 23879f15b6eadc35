"""Fixtures of the GUI tests: a small demo school and page factories."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import BEIJING, FixedClock
from desktop.models import Operator
from desktop.services.auth import Actor, actor_for
from desktop.services.db import Database, open_database
from desktop.services.demo import DemoCase, DemoSchool, DemoStudent, build_demo
from desktop.services.gate import GateService
from desktop.services.keys import Keyring, load_keyring
from desktop.ui import errors
from desktop.ui.capture import WorkerFactory
from desktop.ui.gate_page import GateDesk, GatePage
from desktop.ui.sounds import RecordingSoundPlayer, VerdictSounds
from desktop.ui.tasks import ThreadPoolRunner

DEMO_STUDENTS = 60
TEST_GATE = "东门"
DEMO_TIME = datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING)


@dataclass
class DemoTemplate:
    """A demo database built once per session, copied for each test."""

    folder: Path
    school: DemoSchool

    @property
    def database(self) -> Path:
        return self.folder / "demo.sqlite3"

    @property
    def keys(self) -> Path:
        return self.folder / "keys"

    def student(self, case: DemoCase, index: int = 0) -> DemoStudent:
        """The ``index``-th demo student of ``case``."""
        return [s for s in self.school.students if s.case is case][index]


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> DemoTemplate:
    folder = tmp_path_factory.mktemp("demo-template")
    db = open_database(f"sqlite:///{folder / 'demo.sqlite3'}")
    keyring = load_keyring(folder / "keys")
    with db.sessions() as session, session.begin():
        school = build_demo(
            session, FixedClock(DEMO_TIME), keyring, students=DEMO_STUDENTS
        )
    db.dispose()  # checkpoints the WAL into the main file
    return DemoTemplate(folder, school)


@pytest.fixture
def demo_clock() -> FixedClock:
    """The moment the demo school was built for."""
    return FixedClock(DEMO_TIME)


@pytest.fixture
def demo_db(demo_template: DemoTemplate, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database."""
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(demo_template.database, target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture
def demo_keyring(demo_template: DemoTemplate) -> Keyring:
    """The keys that signed the demo passes."""
    return load_keyring(demo_template.keys, create=False)


@pytest.fixture
def demo_actor(demo_db: Database) -> Callable[[str], Actor]:
    """The actor of a demo operator, by login (gate, head, college, admin)."""

    def make(login: str) -> Actor:
        with demo_db.sessions() as session:
            operator = session.scalars(
                select(Operator).where(Operator.login == login)
            ).one()
            return actor_for(operator, f"test/{TEST_GATE}")

    return make


@pytest.fixture
def error_sink() -> Iterator[errors.ErrorSink]:
    """A private error sink that never opens dialogs."""
    sink = errors.ErrorSink(show_dialogs=False)
    errors.set_sink(sink)
    yield sink
    errors.set_sink(None)


@dataclass
class GateRig:
    """A gate page with what the test needs to observe it."""

    page: GatePage
    player: RecordingSoundPlayer
    runner: ThreadPoolRunner


@pytest.fixture
def make_gate_page(
    qtbot: QtBot,
    demo_db: Database,
    demo_keyring: Keyring,
    demo_clock: FixedClock,
    demo_actor: Callable[[str], Actor],
    error_sink: errors.ErrorSink,
) -> Iterator[Callable[..., GateRig]]:
    """Factory of gate pages on the demo database, deciding on a thread."""
    rigs: list[GateRig] = []

    def make(
        *, login: str = "gate", worker_factory: WorkerFactory | None = None
    ) -> GateRig:
        actor = demo_actor(login)
        desk = GateDesk(
            lambda: GateService(demo_db, demo_keyring, demo_clock, actor, TEST_GATE)
        )
        runner = ThreadPoolRunner(max_threads=1)
        player = RecordingSoundPlayer()
        page = GatePage(
            desk,
            runner,
            VerdictSounds(player),
            gate=TEST_GATE,
            worker_factory=worker_factory,
        )
        qtbot.addWidget(page)
        page.resize(1280, 800)
        with qtbot.waitExposed(page):
            page.show()
        rig = GateRig(page, player, runner)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.page.shutdown()
        rig.runner.wait_for_done(10_000)
