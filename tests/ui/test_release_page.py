"""The release page: release many, see them move, undo; roles; the PDF."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.clock import FixedClock
from desktop.models import Operator
from desktop.scanner.decoders import DecodePipeline
from desktop.services import certificates
from desktop.services.auth import Actor, Permission, PermissionDenied, actor_for
from desktop.services.certificates import CertificateState
from desktop.services.db import Database, open_database
from desktop.services.demo import build_demo
from desktop.services.keys import Keyring, load_keyring
from desktop.services.observation import ObservationState
from desktop.services.release_desk import ReleaseDesk
from desktop.ui.certificate_print import PageFormat, write_certificate_pdf
from desktop.ui.release_page import ReleasePage
from desktop.ui.tasks import ThreadPoolRunner
from tests.ui.conftest import DEMO_TIME

WAIT_MS = 15_000
BIG_DEMO = 200  # enough students to have several eligible, in several classes


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database of BIG_DEMO students, built once for this module."""
    folder = tmp_path_factory.mktemp("release-demo")
    db = open_database(f"sqlite:///{folder / 'demo.sqlite3'}")
    keyring = load_keyring(folder / "keys")
    with db.sessions() as session, session.begin():
        build_demo(session, FixedClock(DEMO_TIME), keyring, students=BIG_DEMO)
    db.dispose()
    return folder


@pytest.fixture
def big_db(big_demo: Path, tmp_path: Path) -> Iterator[Database]:
    target = tmp_path / "demo.sqlite3"
    shutil.copyfile(big_demo / "demo.sqlite3", target)
    database = open_database(f"sqlite:///{target}")
    yield database
    database.dispose()


@pytest.fixture
def big_keyring(big_demo: Path) -> Keyring:
    return load_keyring(big_demo / "keys", create=False)


def actor_of(db: Database, login: str) -> Actor:
    with db.sessions() as session:
        operator = session.scalars(
            select(Operator).where(Operator.login == login)
        ).one()
        return actor_for(operator, "test")


@dataclass
class ReleaseRig:
    page: ReleasePage
    desk: ReleaseDesk
    clock: FixedClock
    keyring: Keyring


@pytest.fixture
def release_rig(
    qtbot: QtBot, big_db: Database, big_keyring: Keyring, error_sink: object
) -> Iterator[ReleaseRig]:
    clock = FixedClock(DEMO_TIME)
    desk = ReleaseDesk(big_db, clock, big_keyring, actor_of(big_db, "admin"))
    runner = ThreadPoolRunner()
    page = ReleasePage(desk, runner)
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    qtbot.waitUntil(lambda: page.board is not None, timeout=WAIT_MS)
    yield ReleaseRig(page, desk, clock, big_keyring)
    runner.wait_for_done(WAIT_MS)


def _release(qtbot: QtBot, page: ReleasePage, reason: str) -> list:
    page.reason_edit.insert(reason)  # keyClicks takes ASCII only
    assert page.release_button.isEnabled()
    qtbot.mouseClick(page.release_button, Qt.LeftButton)
    assert page.confirm_bar.isVisible()
    with qtbot.waitSignal(page.released, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(page.confirm_bar.confirm_button, Qt.LeftButton)
    with qtbot.waitSignal(page.board_loaded, timeout=WAIT_MS):
        pass  # the page reloads its lists after a release
    return blocker.args[0]


def test_eligible_list_gives_each_reason(release_rig: ReleaseRig) -> None:
    page = release_rig.page
    board = page.board
    assert board is not None and len(board.eligible) >= 3

    items = page.eligible.students()
    assert len(items) == len(board.eligible)
    for item in items:
        assert "已观察满14天" in item.text(2) and "每日均已打卡" in item.text(2)
    assert page.tabs.tabText(0) == f"可解除观察（{len(board.eligible)}）"
    states = {row.status.state for row in board.observing}
    assert ObservationState.REFERRED_BACK in states
    assert any("第" in page.observing.item(r, 4).text() for r in range(3))


def test_school_admin_releases_a_class_and_undoes_one(
    qtbot: QtBot, release_rig: ReleaseRig, tmp_path: Path
) -> None:
    page, keyring = release_rig.page, release_rig.keyring
    board = page.board
    assert board is not None
    first = board.eligible[0]
    class_rows = [r for r in board.eligible if r.class_name == first.class_name]
    other = next(r for r in board.eligible if r.class_name != first.class_name)

    # Select all in one class, plus one student of another class.
    page.eligible.class_item(first.class_name).setCheckState(0, Qt.Checked)
    other_item = next(
        item
        for item in page.eligible.students()
        if item.text(0).startswith(other.student_no)
    )
    other_item.setCheckState(0, Qt.Checked)
    chosen = [r.student_no for r in class_rows] + [other.student_no]
    assert sorted(page.eligible.checked_numbers()) == sorted(chosen)
    assert not page.release_button.isEnabled()  # no reason yet

    done = _release(qtbot, page, "观察期满，符合解除条件")

    assert sorted(d.student_no for d in done) == sorted(chosen)
    assert set(chosen) <= set(page.released_table.row_numbers())
    assert not set(chosen) & {r.student_no for r in page.board.eligible}
    assert "已签发证明" in page.message_text()
    for item in done:
        report = certificates.verify(item.certificate_text, keyring)
        assert report.valid and report.fields.number == item.certificate_number

    # Undo one release within the day, with a reason.
    undone = chosen[0]
    row = page.released_table.row_numbers().index(undone)
    page.released_table.selectRow(row)
    qtbot.mouseClick(page.undo_button, Qt.LeftButton)
    dialog = page.reason_dialog
    assert dialog is not None and not dialog.ok_button.isEnabled()
    dialog.reason.insert("误操作，撤回")
    with qtbot.waitSignal(page.release_undone, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    with qtbot.waitSignal(page.board_loaded, timeout=WAIT_MS):
        pass
    number = blocker.args[0]
    assert number.startswith("JC2020-")
    eligible = {r.student_no: r for r in page.board.eligible}
    assert undone in eligible and "解除已撤回" in eligible[undone].reason
    assert undone not in page.released_table.row_numbers()
    with release_rig.desk._db.sessions() as session:  # noqa: SLF001
        text = next(d.certificate_text for d in done if d.student_no == undone)
        inspected = certificates.inspect(text, keyring, session)
    assert inspected.state is CertificateState.REVOKED


def test_a_refused_release_writes_nothing_and_says_why(
    qtbot: QtBot, release_rig: ReleaseRig
) -> None:
    page, desk = release_rig.page, release_rig.desk
    board = page.board
    assert board is not None
    target = board.eligible[0].student_no
    # Someone else releases the student after the page was loaded.
    desk.release([target], "他人已解除")
    page.eligible.set_all(True)
    page.reason_edit.insert("观察期满")
    qtbot.mouseClick(page.release_button, Qt.LeftButton)

    with qtbot.waitSignal(page.release_refused, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(page.confirm_bar.confirm_button, Qt.LeftButton)

    assert list(blocker.args[0]) == [target]
    assert "未解除任何学生" in page.message_text() and target in page.message_text()
    fresh = desk.load()
    assert len(fresh.eligible) == len(board.eligible) - 1


def test_revoking_a_certificate_from_the_released_list(
    qtbot: QtBot, release_rig: ReleaseRig
) -> None:
    page = release_rig.page
    board = page.board
    assert board is not None
    valid = next(
        r for r in board.released if r.status.state is ObservationState.RELEASED
    )
    page.released_table.selectRow(
        page.released_table.row_numbers().index(valid.student_no)
    )

    qtbot.mouseClick(page.revoke_button, Qt.LeftButton)
    dialog = page.reason_dialog
    assert dialog is not None
    dialog.reason.insert("证明信息有误")
    with qtbot.waitSignal(page.certificate_revoked, timeout=WAIT_MS) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            r.student_no == valid.student_no
            and r.status.state is ObservationState.CERTIFICATE_REVOKED
            for r in page.board.released
        ),
        timeout=WAIT_MS,
    )
    assert blocker.args[0] == valid.status.certificate_number


def test_class_head_has_no_release(big_db: Database, big_keyring: Keyring) -> None:
    head = actor_of(big_db, "head")
    desk = ReleaseDesk(big_db, FixedClock(DEMO_TIME), big_keyring, head)
    admin = ReleaseDesk(
        big_db, FixedClock(DEMO_TIME), big_keyring, actor_of(big_db, "admin")
    )
    number = admin.load().eligible[0].student_no

    assert not head.may(Permission.RELEASE)
    with pytest.raises(PermissionDenied):
        desk.load()
    with pytest.raises(PermissionDenied):
        desk.release([number], "观察期满")
    assert number in {r.student_no for r in admin.load().eligible}


@pytest.mark.parametrize("page_format", [PageFormat.A4, PageFormat.A5])
def test_certificate_pdf_holds_a_qr_that_verifies(
    qtbot: QtBot,
    release_rig: ReleaseRig,
    tmp_path: Path,
    page_format: PageFormat,
) -> None:
    page, keyring = release_rig.page, release_rig.keyring
    board = page.board
    assert board is not None
    valid = [
        r.student_no
        for r in board.released
        if r.status.state is ObservationState.RELEASED
    ]
    items = release_rig.desk.printable(valid[:2])
    path = write_certificate_pdf(items, tmp_path / "c.pdf", page_format)
    assert path.stat().st_size > 2000

    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "100",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            str(path),
            str(tmp_path / "page"),
        ],
        check=True,
        timeout=60,
    )
    image = np.array(Image.open(next(tmp_path.glob("page*.png"))).convert("L"))
    decoded = DecodePipeline.default("still").decode(image)

    assert [d.text for d in decoded] == [items[0].text]
    check = certificates.verify(decoded[0].text, keyring)
    assert check.valid and check.fields == items[0].fields


def test_release_page_saves_the_pdf_on_a_worker(
    qtbot: QtBot, release_rig: ReleaseRig, tmp_path: Path
) -> None:
    page = release_rig.page
    board = page.board
    assert board is not None
    numbers = [r.student_no for r in board.released]
    target = tmp_path / "all.pdf"

    with qtbot.waitSignal(page.pdf_written, timeout=WAIT_MS):
        page.save_pdf(numbers, target)

    assert target.read_bytes().startswith(b"%PDF")
    revoked = sum(
        r.status.state is ObservationState.CERTIFICATE_REVOKED for r in board.released
    )
    assert f"已保存 {len(numbers) - revoked} 份证明" in page.message_text()
