"""``campus-console sheet`` and ``send`` on a small demo school."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from desktop.cli import main
from desktop.clock import SystemClock
from desktop.models import SchoolClass
from desktop.services import mailer
from desktop.services.db import open_database
from desktop.services.demo import build_demo
from desktop.services.keys import load_keyring
from desktop.services.mailer import MailSettings, Security
from tests.mail_server import HOST, mail_server


@pytest.fixture
def demo_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    db = open_database(url)
    with db.sessions() as session, session.begin():
        build_demo(session, SystemClock(), load_keyring(tmp_path / "keys"), students=40)
    db.dispose()
    return url


def _first_class(url: str) -> str:
    db = open_database(url)
    with db.sessions() as session:
        name = session.scalars(select(SchoolClass.name).order_by(SchoolClass.name))
        first = name.first()
    db.dispose()
    assert first is not None
    return first


def test_sheet_of_a_class_to_a_file(demo_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    name = _first_class(demo_url)
    out = tmp_path / "out" / "mine.xlsx"

    code = main(["sheet", "--db", demo_url, "--class", name, "--out", str(out)])

    assert code == 0 and out.exists()
    assert load_workbook(out).sheetnames == [name]
    assert str(out) in capsys.readouterr().out


def test_sheet_of_the_school_and_a_college(demo_url: str, tmp_path: Path) -> None:
    assert main(["sheet", "--db", demo_url, "--school", "--out", str(tmp_path)]) == 0
    assert (tmp_path / "全校统计表.xlsx").exists()
    args = ["sheet", "--db", demo_url, "--college", "法学院", "--out", str(tmp_path)]
    assert main(args) == 0
    assert load_workbook(tmp_path / "法学院.xlsx").sheetnames[0] == "汇总"


def test_unknown_class_answers_no(demo_url: str, tmp_path: Path, capsys) -> None:  # noqa: ANN001
    args = ["sheet", "--db", demo_url, "--class", "没有这个班", "--out", str(tmp_path)]

    assert main(args) == 1
    assert "没有这个班" in capsys.readouterr().err


def test_send_a_class(demo_url: str, capsys) -> None:  # noqa: ANN001
    name = _first_class(demo_url)
    with mail_server() as server:
        mailer.save_mail_settings(
            MailSettings(HOST, server.port, Security.NONE, "", "a@b.cn", "g@b.cn", 5)
        )
        code = main(["send", "--db", demo_url, "--class", name])

    assert code == 0
    assert server.received[0].message["Subject"] == name
    assert "g@b.cn" in capsys.readouterr().out
