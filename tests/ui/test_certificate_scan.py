"""Certificates shown at the gate and on the check page; the CLI's PDF."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from desktop.cli import main
from desktop.clock import BEIJING, FixedClock
from desktop.models import Certificate
from desktop.services.certificates import CertificateState
from desktop.services.db import Database
from desktop.services.demo import DemoCase
from desktop.services.gate import GateResult
from desktop.services.keys import Keyring
from desktop.services.verdict import Verdict
from desktop.ui.certificate_check_page import CertificateCheckPage
from desktop.ui.gate_certificate import ScanLineJoiner
from desktop.ui.tasks import ThreadPoolRunner
from desktop.ui.verdict_banner import BannerState
from tests.ui.conftest import DemoTemplate, GateRig

WAIT_MS = 15_000


def certificate_texts(db: Database) -> tuple[str, str]:
    """The demo's valid and revoked certificate texts."""
    with db.sessions() as session:
        rows = session.scalars(select(Certificate).order_by(Certificate.id)).all()
        valid = next(c.signed_text for c in rows if c.revoked_at is None)
        revoked = next(c.signed_text for c in rows if c.revoked_at is not None)
    return valid, revoked


def scan_lines(qtbot: QtBot, field: QLineEdit, text: str) -> None:
    """Type ``text`` as a hand scanner does: each line, then Enter."""
    for line in text.split("\n"):
        # keyClicks takes ASCII only; a scanner's characters arrive as text.
        field.insert(line)
        qtbot.keyClick(field, Qt.Key_Return)


def _scan(qtbot: QtBot, rig: GateRig, text: str) -> GateResult:
    with qtbot.waitSignal(rig.page.scan_decided, timeout=WAIT_MS) as blocker:
        scan_lines(qtbot, rig.page.scan_field, text)
    return blocker.args[0]


def test_gate_shows_a_certificates_release_and_refuses_it(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_db: Database
) -> None:
    rig = make_gate_page()
    valid, _revoked = certificate_texts(demo_db)

    result = _scan(qtbot, rig, valid)

    assert result.kind == "certificate" and result.verdict is Verdict.REFUSE
    assert result.certificate.state is CertificateState.VALID
    banner = rig.page.banner
    assert banner.state is BannerState.REFUSE
    shown = banner.detail_text()
    fields = result.certificate.fields
    assert "这是解除观察电子证明，不是报到二维码" in shown
    assert "证明状态：有效" in shown
    for value in (
        fields.masked_name,
        fields.school,
        fields.period_start.isoformat(),
        fields.released_on.isoformat(),
        fields.number,
    ):
        assert value in shown
    assert "*" in fields.masked_name


def test_gate_says_a_revoked_certificate_is_revoked(
    qtbot: QtBot, make_gate_page: Callable[..., GateRig], demo_db: Database
) -> None:
    rig = make_gate_page()
    _valid, revoked = certificate_texts(demo_db)

    result = _scan(qtbot, rig, revoked)

    assert result.certificate.state is CertificateState.REVOKED
    assert "证明状态：已撤销" in rig.page.banner.detail_text()
    assert "演示：证明信息有误" in rig.page.banner.detail_text()


def test_gate_names_a_forged_certificate_and_still_takes_passes(
    qtbot: QtBot,
    make_gate_page: Callable[..., GateRig],
    demo_db: Database,
    demo_template: DemoTemplate,
) -> None:
    rig = make_gate_page()
    valid, _revoked = certificate_texts(demo_db)
    forged = valid.replace("解除日期：2020-03-1", "解除日期：2020-03-0", 1)
    assert forged != valid

    result = _scan(qtbot, rig, forged)
    assert "伪造或被篡改" in rig.page.banner.detail_text()
    assert result.certificate.state is CertificateState.FORGED

    student = demo_template.student(DemoCase.ADMIT)
    passed = _scan(qtbot, rig, student.pass_text)
    assert passed.verdict is Verdict.ADMIT


def test_joiner_hands_over_an_incomplete_certificate_after_a_pause(
    qtbot: QtBot,
) -> None:
    joiner = ScanLineJoiner(timeout_ms=50)

    with qtbot.waitSignal(joiner.text_completed, timeout=WAIT_MS) as blocker:
        joiner.feed("解除观察电子证明")
        joiner.feed("姓名：张*明")
    assert blocker.args == ["解除观察电子证明\n姓名：张*明"]
    assert not joiner.pending

    with qtbot.waitSignal(joiner.text_completed, timeout=WAIT_MS) as blocker:
        joiner.feed("200313123")
    assert blocker.args == ["200313123"]


@pytest.fixture
def check_page(
    qtbot: QtBot,
    demo_db: Database,
    demo_keyring: Keyring,
    demo_clock: FixedClock,
    error_sink: object,
) -> Iterator[CertificateCheckPage]:
    runner = ThreadPoolRunner()
    page = CertificateCheckPage(
        demo_db, demo_keyring, demo_clock, runner, show_student_no=True
    )
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    yield page
    runner.wait_for_done(WAIT_MS)


def _check(qtbot: QtBot, page: CertificateCheckPage, text: str) -> object:
    with qtbot.waitSignal(page.checked, timeout=WAIT_MS) as blocker:
        for line in text.split("\n"):
            page.input.insertPlainText(line + "\n")  # the scanner's Enter
    return blocker.args[0]


def test_check_page_shows_a_valid_certificate(
    qtbot: QtBot, check_page: CertificateCheckPage, demo_db: Database
) -> None:
    valid, _revoked = certificate_texts(demo_db)

    report = _check(qtbot, check_page, valid)

    assert report.state is CertificateState.VALID
    assert check_page.title_text() == "证明有效"
    shown = check_page.detail_text()
    assert f"证明编号：{report.fields.number}" in shown
    assert f"姓名：{report.fields.masked_name}" in shown
    assert f"学号：{report.student_no}" in shown
    assert "核验时间：2020-03-20 10:00:00" in shown
    assert check_page.input.toPlainText() == ""


def test_check_page_names_revoked_and_passes(
    qtbot: QtBot,
    check_page: CertificateCheckPage,
    demo_db: Database,
    demo_template: DemoTemplate,
) -> None:
    _valid, revoked = certificate_texts(demo_db)

    report = _check(qtbot, check_page, revoked)
    assert report.state is CertificateState.REVOKED
    assert check_page.title_text() == "证明已撤销"
    assert "已撤销" in check_page.detail_text()

    student = demo_template.student(DemoCase.ADMIT)
    report = _check(qtbot, check_page, student.pass_text)
    assert report.state is CertificateState.FORGED
    assert check_page.title_text() == "不是解除观察电子证明"  # not "invalid"
    assert check_page.detail_text().startswith("这是报到二维码，不是解除观察电子证明\n")


def test_cli_writes_a_certificate_pdf(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop import paths
    from desktop.services.db import open_database
    from desktop.services.demo import build_demo
    from desktop.services.keys import load_keyring

    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    database = open_database(url)
    keyring = load_keyring(paths.keys_dir())
    clock = FixedClock(datetime(2020, 3, 20, 10, tzinfo=BEIJING))
    with database.sessions() as session, session.begin():
        build_demo(session, clock, keyring, students=60)
    valid, revoked = certificate_texts(database)
    database.dispose()
    out = tmp_path / "certificate.pdf"
    valid_no, revoked_no = _numbers(url, valid, revoked)

    assert main(["certificate", valid_no, "--db", url, "--out", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF") and out.stat().st_size > 2000
    assert "已写出电子证明 PDF" in capsys.readouterr().out
    other = tmp_path / "revoked.pdf"
    assert main(["certificate", revoked_no, "--db", url, "--out", str(other)]) == 1
    assert "已撤销" in capsys.readouterr().err and not other.exists()
    assert main(["certificate", "0000", "--db", url, "--out", str(other)]) == 2


def _numbers(url: str, valid: str, revoked: str) -> tuple[str, str]:
    from desktop.models import Student
    from desktop.services.db import open_database

    database = open_database(url)
    with database.sessions() as session:
        found = dict(
            session.execute(
                select(Certificate.signed_text, Student.student_no).join(
                    Student, Student.id == Certificate.student_id
                )
            ).all()
        )
    database.dispose()
    return found[valid], found[revoked]
