"""``campus-console import`` and ``template``: output and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from desktop.cli import main
from tests.services.imports.sheets import (
    REGISTRATION_HEADERS,
    ROSTER_HEADERS,
    registration_row,
    roster_row,
    write_xlsx,
)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.sqlite3'}"


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    rows = [ROSTER_HEADERS] + [roster_row(i) for i in range(1, 4)]
    return write_xlsx(tmp_path / "roster.xlsx", rows)


def test_import_then_reimport(url: str, roster_file: Path, capsys) -> None:
    assert main(["import", "roster", str(roster_file), "--db", url]) == 0
    assert main(["import", "roster", str(roster_file), "--db", url]) == 0

    out = capsys.readouterr().out
    assert "新增3" in out and "未变3" in out


def test_refused_file_prints_every_problem(
    url: str, roster_file: Path, tmp_path, capsys
) -> None:
    main(["import", "roster", str(roster_file), "--db", url])
    rows = [REGISTRATION_HEADERS, registration_row(1), registration_row(2, 性别="?")]
    path = write_xlsx(tmp_path / "reg.xlsx", rows)
    errors = tmp_path / "errors.xlsx"
    capsys.readouterr()

    dry = main(["import", "registrations", str(path), "--db", url, "--dry-run"])
    refused = main(["import", "registrations", str(path), "--db", url])
    partial = main(
        ["import", "registrations", str(path), "--db", url, "--valid-only",
         "--errors", str(errors)]
    )  # fmt: skip

    out = capsys.readouterr().out
    assert (dry, refused, partial) == (1, 1, 0)
    assert "第3行 O列「性别」：性别应为“男”或“女”" in out
    assert "新增1" in out and "未导入1" in out
    assert load_workbook(errors).active.max_row == 2


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["import", "roster", "nowhere.xlsx"], "找不到文件"),
        (["import", "grades", "nowhere.xlsx"], "未知的导入类型"),
        (["template", "grades", "--out", "x.xlsx"], "未知的导入类型"),
    ],
)
def test_usage_errors_exit_2_with_one_line(argv: list[str], words: str, capsys) -> None:
    assert main(argv) == 2

    err = capsys.readouterr().err
    assert words in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("kind", ["roster", "registrations", "approvals"])
def test_template_has_headers_and_example(kind: str, tmp_path: Path, capsys) -> None:
    out = tmp_path / f"{kind}.xlsx"

    assert main(["template", kind, "--out", str(out)]) == 0

    sheet = load_workbook(out).active
    assert sheet.freeze_panes == "A2" and sheet["A1"].value == "学号"
    assert sheet["A2"].value == "2019000001"


def test_filled_templates_import_cleanly(url: str, tmp_path: Path, capsys) -> None:
    for kind in ("roster", "registrations", "approvals"):
        main(["template", kind, "--out", str(tmp_path / f"{kind}.xlsx")])

    codes = [
        main(["import", kind, str(tmp_path / f"{kind}.xlsx"), "--db", url])
        for kind in ("roster", "registrations", "approvals")
    ]

    assert codes == [0, 0, 0], capsys.readouterr().out
