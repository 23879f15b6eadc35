"""Reading xlsx and csv files, in the encodings schools produce."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from desktop.services.imports.reader import UnreadableFile, read_sheet
from tests.services.imports.sheets import write_csv, write_xlsx

ROWS = [["学号", "姓名", "日期"], ["0123", "张三", "2020/3/25"], ["", "", ""]]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = write_csv(tmp_path / "a.csv", ROWS, encoding)

    rows = list(read_sheet(path).rows)

    assert rows == [(1, ("学号", "姓名", "日期")), (2, ("0123", "张三", "2020/3/25"))]


def test_xlsx_cells_keep_their_types_and_row_numbers(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["C1"] = "学号", "日期", "数"
    sheet["A3"], sheet["B3"], sheet["C3"] = "0123", datetime(2020, 3, 25), 2019000001
    sheet["B3"].number_format = 'yyyy"年"m"月"d"日"'
    sheet["E3"] = True
    sheet["A5"] = "  "
    book.save(tmp_path / "b.xlsx")

    rows = list(read_sheet(tmp_path / "b.xlsx").rows)

    assert rows[0] == (1, ("学号", "日期", "数"))
    assert rows[1] == (3, ("0123", datetime(2020, 3, 25), 2019000001, None, True))
    assert len(rows) == 2  # blank rows dropped


def test_shared_strings_as_excel_writes_them(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "c.xlsx", ROWS)  # openpyxl uses sharedStrings

    rows = list(read_sheet(path).rows)

    assert rows[1][1][1] == "张三"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("missing.xlsx", None, "找不到"),
        ("broken.xlsx", b"not a zip", "损坏"),
        ("old.xls", b"\xd0\xcf\x11\xe0", ".xls"),
        ("notes.docx", b"x", "只能导入"),
    ],
)
def test_unreadable_files_say_why(
    tmp_path: Path, name: str, content: bytes | None, words: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(UnreadableFile, match=words):
        list(read_sheet(path).rows)
