"""Importing 100,000 registrations (and their roster), from xlsx and from csv.

Goal (DESIGN §11): ≤ 60 s for the registrations, reading and validation
included, all or nothing. Baseline beside it: reading the same file with
openpyxl's read-only mode or the csv module and doing nothing else, so
the table shows what our reading, the form's rules and the writes cost.

    python -m benchmarks.bench_import [--quick]
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl

from benchmarks.common import pin_to_one_core, print_table
from desktop.clock import BEIJING, FixedClock
from desktop.services.auth import Actor, Role
from desktop.services.db import open_database
from desktop.services.idcard import check_digit
from desktop.services.imports import apply_import, plan_import
from desktop.services.imports.reader import read_sheet

SCHOOL = "中国社会科学院大学"
ROSTER = ["学号", "姓名", "性别", "学院", "专业", "班级", "班主任", "学校名称"]
REGISTRATION = [
    "学号", "学校名称", "学校所在区", "入学年月", "是否为留学生", "所在学院（系）",
    "专业名称", "是否住校内", "宿舍楼号", "宿舍号", "居住社区", "详细住址", "姓名",
    "性别", "证件类型", "证件号码", "联系电话", "是否离京", "抵京日期", "来源地",
    "省份", "城市", "国外抵京地址", "是否发烧", "是否咳嗽", "是否乏力",
]  # fmt: skip
_NAMES = "王李张刘陈杨黄赵吴周"
NOW = datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING)
ACTOR = Actor(None, "bench", "bench", Role.SCHOOL_ADMIN, workstation="bench")


def _roster_rows(count: int) -> Iterator[list[object]]:
    yield ROSTER
    for index in range(count):
        college = f"学院{index % 8}"
        yield [
            f"2019{index:06d}", _NAMES[index % 10] + "小明", "男女"[index % 2],
            college, f"专业{index % 3}", f"{college}2019级{index % 40}班", "王老师",
            SCHOOL,
        ]  # fmt: skip


def _registration_rows(count: int) -> Iterator[list[object]]:
    yield REGISTRATION
    for index in range(count):
        first17 = f"11010519990101{index % 1000:03d}"
        on_campus = index % 3 != 0
        yield [
            f"2019{index:06d}", SCHOOL, "房山区", "2019-09", "否", f"学院{index % 8}",
            f"专业{index % 3}", "是" if on_campus else "否",
            "3号楼" if on_campus else "", "402" if on_campus else "",
            "" if on_campus else "长阳镇社区",
            "" if on_campus else "北京市房山区长阳镇长于大街11号",
            _NAMES[index % 10] + "小明", "男女"[index % 2], "二代身份证",
            first17 + check_digit(first17), f"138{index:08d}", "是",
            "待定" if index % 5 == 0 else "2020-03-25", "国内", "河北省", "石家庄市",
            "", "否", "否", "否",
        ]  # fmt: skip


def _write(path: Path, rows: Iterator[list[object]]) -> Path:
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return path
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _baseline(path: Path) -> float:
    started = time.perf_counter()
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for _row in csv.reader(handle):
                pass
    else:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _row in book.worksheets[0].iter_rows(values_only=True):
            pass
        book.close()
    return time.perf_counter() - started


def _import(url: str, kind: str, path: Path, clock: FixedClock) -> tuple[float, ...]:
    """(read s, validate s, write s, total s) of one import."""
    started = time.perf_counter()
    for _row in read_sheet(path).rows:
        pass
    read = time.perf_counter() - started

    db = open_database(url)
    started = time.perf_counter()
    with db.sessions() as session, session.begin():
        plan = plan_import(session, ACTOR, kind, path, clock=clock)
        planned = time.perf_counter() - started
        if not plan.ok:
            raise SystemExit(f"{path.name}: {plan.problems[:3]}")
        apply_import(session, clock, ACTOR, plan)
    total = time.perf_counter() - started
    db.dispose()
    return read, planned - read, total - planned, total


def _measure(count: int, suffix: str, folder: Path) -> list[list[object]]:
    roster = _write(folder / f"roster{suffix}", _roster_rows(count))
    registrations = _write(folder / f"registrations{suffix}", _registration_rows(count))
    url = f"sqlite:///{folder / f'import{suffix}.sqlite3'}"
    clock = FixedClock(NOW)

    rows = []
    for kind, path in (("roster", roster), ("registrations", registrations)):
        baseline = _baseline(path)
        read, validate, write, total = _import(url, kind, path, clock)
        rows.append(
            [
                f"{kind} {suffix[1:]}",
                f"{count:,}",
                f"{baseline:.1f}",
                f"{read:.1f}",
                f"{validate:.1f}",
                f"{write:.1f}",
                f"{total:.1f}",
                f"{count / total:,.0f}",
                f"{total / baseline:.1f}x",
            ]
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the import table."""
    parser = argparse.ArgumentParser(prog="bench_import")
    parser.add_argument("--quick", action="store_true", help="10,000 rows only")
    args, _unknown = parser.parse_known_args(argv)
    pin_to_one_core()

    count = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as folder:
        rows = []
        for suffix in (".xlsx", ".csv"):
            rows.extend(_measure(count, suffix, Path(folder)))
    print_table(
        "Import into a fresh SQLite database, one core "
        "(goal: 100,000 registrations ≤ 60 s total)",
        [
            "file",
            "rows",
            "baseline read s",
            "read s",
            "validate s",
            "write s",
            "total s",
            "rows/s",
            "total / baseline",
        ],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
