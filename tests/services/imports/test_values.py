"""Cell values read as a person meant them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desktop.services.imports import values
from desktop.services.imports.columns import (
    REGISTRATION_COLUMNS,
    find_column,
    normalise_header,
)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (2019000001, "2019000001"),
        (2019000001.0, "2019000001"),
        ("2019000001.0", "2019000001"),
        ("０２０１９０００１", "020190001"),
        (" 0123 ", "0123"),
        ("2019 000001", "2019000001"),
    ],
)
def test_student_numbers_keep_their_digits(cell: object, expected: str) -> None:
    assert values.student_no(cell) == expected


@pytest.mark.parametrize("cell", ["", None, "2.019E+09", "学号一", 2019.5])
def test_bad_student_numbers_say_why(cell: object) -> None:
    with pytest.raises(ValueError, match="学号"):
        values.student_no(cell)


@pytest.mark.parametrize(
    "cell",
    [
        date(2020, 3, 25),
        datetime(2020, 3, 25),
        43915,
        43915.0,
        "43915",
        "2020-03-25",
        "2020/3/25",
        "2020.3.25",
        "2020年3月25日",
        "２０２０年３月２５日",
        " 2020-3-25 ",
        "20200325",
        "2020-03-25 00:00:00",
    ],
)
def test_dates_in_every_usual_spelling(cell: object) -> None:
    assert values.a_date(cell) == date(2020, 3, 25)


@pytest.mark.parametrize("cell", ["3/25", "明天", "2020-02-30", 12])
def test_bad_dates_are_refused(cell: object) -> None:
    with pytest.raises(ValueError, match="日期"):
        values.a_date(cell)


def test_arrival_may_be_to_be_decided() -> None:
    assert values.date_or_tbd("待定") == (None, True)
    assert values.date_or_tbd(" 待 定 ") == (None, True)
    assert values.date_or_tbd("2020/3/25") == (date(2020, 3, 25), False)
    assert values.date_or_tbd(None) == (None, False)


@pytest.mark.parametrize(
    "cell",
    ["2019-09", "2019年9月", "2019/9", "2019.09", "201909", date(2019, 9, 1), 43709,
     "2019年09月01日"],
)  # fmt: skip
def test_year_month_spellings(cell: object) -> None:
    assert values.year_month(cell) == (2019, 9)


def test_year_month_as_a_decimal_number() -> None:
    assert values.year_month(2019.1) == (2019, 10)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("是", True), ("否", False), ("Y", True), ("n", False), ("√", True),
        ("×", False), ("有", True), ("无", False), (1, True), (0, False),
        ("TRUE", True), ("false", False), (True, True), ("１", True), (" 是 ", True),
        (None, None), ("", None),
    ],
)  # fmt: skip
def test_yes_no_spellings(cell: object, expected: bool | None) -> None:
    assert values.yes_no(cell) is expected


def test_yes_no_refuses_anything_else() -> None:
    with pytest.raises(ValueError, match="是"):
        values.yes_no("也许")


def test_vocabularies() -> None:
    assert values.gender("Female") == "女"
    assert values.doc_type("居民身份证") == "二代身份证"
    assert values.doc_type("Passport") == "护照"
    assert values.origin_abroad("国外") is True
    assert values.code_text(13812345678) == "13812345678"
    assert values.code_text("138 1234 5678") == "13812345678"


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("证件号码", "doc_number"),
        (" 证件号码 （必填）", "doc_number"),
        ("*身份证号", "doc_number"),
        ("ＩＤ Ｎｕｍｂｅｒ", "doc_number"),
        ("Student No.", "student_no"),
        ("student_no", "student_no"),
        ("所在学院(系)", "college"),
        ("联系电话：", "phone"),
        ("入学年月(如2019-09)", "enrol"),
        ("Arrival Date", "arrival_date"),
    ],
)
def test_headers_match_whatever_their_spelling(header: str, key: str) -> None:
    column = find_column(header, REGISTRATION_COLUMNS)
    assert column is not None and column.key == key


def test_no_two_columns_share_a_spelling() -> None:
    seen: dict[str, str] = {}
    for column in REGISTRATION_COLUMNS:
        for name in column.names:
            assert seen.setdefault(name, column.key) == column.key, name
    assert normalise_header("错误原因") not in seen
