"""Operator accounts from the command line: the first admin of a new school."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.clock import SystemClock
from desktop.services.auth import Role, authenticate
from desktop.services.db import open_database


def add(url: str, monkeypatch: pytest.MonkeyPatch, password: str, *argv: str) -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["operator", "--db", url, "add", *argv, "--password-stdin"])


def test_first_admin_of_a_new_installation_can_log_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'school.sqlite3'}"

    code = add(url, monkeypatch, "a long secret", "wang", "--role", "school_admin")

    assert code == 0
    db = open_database(url)
    with db.sessions() as session, session.begin():
        actor = authenticate(session, SystemClock(), "wang", "a long secret", "pc")
    assert actor is not None and actor.role is Role.SCHOOL_ADMIN
    assert "a long secret" not in capsys.readouterr().out


def test_class_head_gets_their_classes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    main(["demo", "--db", url, "--students", "40"])
    capsys.readouterr()

    code = add(
        url,
        monkeypatch,
        "another secret",
        "li",
        "--role",
        "class_head",
        "--name",
        "李老师",
        "--classes",
        "2019级经济硕士1班,2020级法硕士2班",
    )
    main(["operator", "--db", url, "list"])

    assert code == 0
    listed = [
        line for line in capsys.readouterr().out.splitlines() if line.startswith("li ")
    ]
    assert (
        listed and "2019级经济硕士1班" in listed[0] and "2020级法硕士2班" in listed[0]
    )


@pytest.mark.parametrize(
    ("password", "argv", "words"),
    [
        ("short", ("x", "--role", "gate_staff"), "密码至少"),
        ("long enough pw", ("x y", "--role", "gate_staff"), "登录名"),
        ("long enough pw", ("x", "--role", "college_admin"), "须指定学院"),
        (
            "long enough pw",
            ("x", "--role", "class_head", "--classes", "无此班"),
            "无此班",
        ),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    password: str,
    argv: tuple[str, ...],
    words: str,
) -> None:
    url = f"sqlite:///{tmp_path / 'school.sqlite3'}"

    assert add(url, monkeypatch, password, *argv) == 2
    assert words in capsys.readouterr().err
