"""The command line, end to end, in-process."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from sqlalchemy import func, select

from desktop.cli import main
from desktop.models import CheckIn, GatePass, Student
from desktop.services.db import open_database
from desktop.services.demo_accounts import password_file


@pytest.fixture
def demo_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    assert main(["demo", "--db", url, "--students", "120"]) == 0
    capsys.readouterr()
    return url


def student_numbers(url: str) -> list[str]:
    db = open_database(url)
    with db.sessions() as session:
        numbers = list(session.scalars(select(Student.student_no).order_by(Student.id)))
    db.dispose()
    return numbers


def check_ins(url: str) -> int:
    db = open_database(url)
    with db.sessions() as session:
        total = session.scalar(select(func.count(CheckIn.id))) or 0
    db.dispose()
    return total


def test_demo_prints_passwords_once_and_keeps_them_private(
    tmp_path: Path, private_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'd.sqlite3'}"

    assert main(["demo", "--db", url, "--students", "60"]) == 0

    out = capsys.readouterr().out
    secrets_file = password_file(url)
    assert secrets_file.parent == private_home and str(secrets_file) in out
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    for line in secrets_file.read_text().splitlines():
        login, role, password = line.split("\t")
        assert password in out
    assert main(["demo", "--db", url]) == 2  # not on a filled database


def test_pass_then_verify_round_trip(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "pass.png"
    number = student_numbers(demo_db)[2]

    assert main(["pass", number, "--db", demo_db, "--out", str(png), "--reissue"]) == 0
    assert main(["verify", str(png), "--db", demo_db]) == 0

    out = capsys.readouterr().out
    assert "签名有效" in out
    assert number in out
    assert "*" in out  # the name is masked


def test_reissue_revokes_and_old_pass_fails_verify(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = tmp_path / "old.png", tmp_path / "new.png"
    number = student_numbers(demo_db)[9]
    main(["pass", number, "--db", demo_db, "--out", str(old)])
    main(["pass", number, "--db", demo_db, "--out", str(new), "--reissue"])
    capsys.readouterr()

    assert main(["verify", str(old), "--db", demo_db]) == 1
    assert "已作废" in capsys.readouterr().out
    db = open_database(demo_db)
    with db.sessions() as session:
        revoked = session.scalars(
            select(GatePass).where(GatePass.revoked_at.is_not(None))
        ).all()
    assert any(p.revoke_reason == "re-issued from the command line" for p in revoked)


def test_verify_foreign_text_says_no(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "https://example.com", "--db", demo_db]) == 1
    assert "不是本系统" in capsys.readouterr().out


def test_unknown_student_is_a_clear_error(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["pass", "1999999999", "--db", demo_db, "--out", str(tmp_path / "x.png")]
    )

    assert code == 2
    assert "1999999999" in capsys.readouterr().err


def test_missing_source_is_a_clear_error(
    demo_db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["scan", "--db", demo_db, "--source", "/nonexistent/frames", "--gate", "东门"]
    )

    assert code == 2
    assert "/nonexistent/frames" in capsys.readouterr().err


def test_scan_demo_frames_gives_expected_verdicts_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'scan.sqlite3'}"
    frames = tmp_path / "frames"
    assert (
        main(["demo", "--db", url, "--students", "200", "--frames", str(frames)]) == 0
    )
    expected = [
        json.loads(line)
        for line in (frames / "expected.jsonl").read_text().splitlines()
    ]
    capsys.readouterr()
    before = check_ins(url)

    assert (
        main(
            [
                "scan",
                "--db",
                url,
                "--source",
                str(frames / "frames"),
                "--gate",
                "东门",
                "--json",
            ]
        )
        == 0
    )
    first = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert [(d["student_no"], d["verdict"]) for d in first] == [
        (e["student_no"], e["verdict"]) for e in expected
    ]
    assert all(d["gate"] == "东门" and d["ms"] >= 0 for d in first)
    admitted = sum(1 for e in expected if e["verdict"] == "admit")
    assert check_ins(url) == before + admitted

    assert (
        main(
            [
                "scan",
                "--db",
                url,
                "--source",
                str(frames / "frames"),
                "--gate",
                "东门",
                "--json",
            ]
        )
        == 0
    )
    second = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert check_ins(url) == before + admitted
    assert {
        d["verdict"]
        for d, e in zip(second, expected, strict=True)
        if e["verdict"] == "admit"
    } == {"already"}


def test_scan_video_gives_the_same_decisions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'video.sqlite3'}"
    frames = tmp_path / "frames"
    main(["demo", "--db", url, "--students", "100", "--frames", str(frames)])
    expected = [
        json.loads(line)
        for line in (frames / "expected.jsonl").read_text().splitlines()
    ]
    capsys.readouterr()

    main(
        [
            "scan",
            "--db",
            url,
            "--source",
            str(frames / "demo.avi"),
            "--gate",
            "西门",
            "--json",
        ]
    )
    decisions = [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    assert [d["verdict"] for d in decisions] == [e["verdict"] for e in expected]


def test_database_in_a_new_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'not' / 'yet' / 'there.sqlite3'}"

    assert main(["demo", "--db", url, "--students", "30"]) == 0


def test_unreachable_database_is_one_clear_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Port 1 on loopback: nothing listens there, the refusal is immediate.
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"

    code = main(["scan", "--db", url, "--source", "0", "--gate", "东门"])

    err = capsys.readouterr().err.strip()
    assert code == 1
    assert len(err.splitlines()) == 1
    assert "cannot open database" in err and "127.0.0.1:1" in err


def test_verify_ignores_what_a_scanner_adds_around_a_code(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.commands.gate import _texts_from

    number = student_numbers(demo_db)[4]
    png = tmp_path / "p.png"
    main(["pass", number, "--db", demo_db, "--out", str(png), "--reissue"])
    (text,) = _texts_from(str(png))
    capsys.readouterr()

    assert main(["verify", f"  {text}\r\n", "--db", demo_db]) == 0


def test_verify_of_a_missing_image_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "/nonexistent/pass.png"]) == 2
    assert "找不到图片文件" in capsys.readouterr().err


def test_a_mistyped_database_file_is_not_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    typo = tmp_path / "typo.sqlite3"

    code = main(
        ["scan", "--db", f"sqlite:///{typo}", "--source", "0", "--gate", "东门"]
    )

    assert code == 1
    assert not typo.exists()
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "code", "words"),
    [
        (["template", "roster", "--out", "/nonexistent/dir/t.xlsx"], 2, "/nonexistent"),
        (["scan", "--db", "notaurl", "--source", "0", "--gate", "a"], 1, "notaurl"),
        (
            ["scan", "--db", "mysql://x@127.0.0.1:1/y", "--source", "0", "--gate", "a"],
            1,
            "mysql",
        ),
    ],
    ids=["output folder missing", "not a URL", "driver not installed"],
)
def test_user_mistakes_are_one_line_not_a_traceback(
    argv: list[str], code: int, words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == code

    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and words in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["demo", "--students", "0"],
        ["demo", "--students", "-5"],
        ["scan", "--source", "0", "--gate", " "],
    ],
)
def test_nonsense_arguments_are_usage_errors(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(argv)

    assert stopped.value.code == 2


def test_verify_without_its_database_does_not_say_valid(
    demo_db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from desktop.commands.gate import _texts_from

    number = student_numbers(demo_db)[6]
    png = tmp_path / "p.png"
    main(["pass", number, "--db", demo_db, "--out", str(png), "--reissue"])
    (text,) = _texts_from(str(png))
    capsys.readouterr()

    gone = f"sqlite:///{tmp_path / 'gone.sqlite3'}"
    assert main(["verify", text, "--db", gone]) == 1
    assert "未能确认" in capsys.readouterr().err
