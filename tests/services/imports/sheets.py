"""Builders of messy spreadsheets for the import tests."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy.orm import Session

from desktop.clock import FixedClock
from desktop.services.auth import Actor, Role
from desktop.services.db import Database
from desktop.services.idcard import check_digit
from desktop.services.imports import ImportResult, apply_import, plan_import

ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)
SCHOOL = "中国社会科学院大学"

ROSTER_HEADERS = ["学号", "姓名", "性别", "学院", "专业", "班级", "班主任", "学校名称"]

REGISTRATION_HEADERS = [
    "学号", "学校名称", "学校所在区", "入学年月", "是否为留学生", "国别",
    "所在学院（系）", "专业名称", "是否住校内", "宿舍楼号", "宿舍号", "居住社区",
    "详细住址", "姓名", "性别", "证件类型", "证件号码", "联系电话", "是否离京",
    "抵京日期", "来源地", "省份", "城市", "国外抵京地址", "是否发烧", "是否咳嗽",
    "是否乏力",
]  # fmt: skip


def student_no(index: int) -> str:
    """The test school's student numbers: 2019000001, 2019000002..."""
    return f"2019{index:06d}"


def id_number(index: int) -> str:
    """A valid GB 11643 number, different for every index."""
    first17 = f"11010519990101{index % 1000:03d}"
    return first17 + check_digit(first17)


def phone(index: int) -> str:
    """A distinct mobile number."""
    return f"138{index:08d}"


def roster_row(index: int, class_name: str = "2019级经济硕士1班") -> list[object]:
    """One roster row of the test school."""
    return [
        student_no(index), f"学生{'甲乙丙丁戊己庚辛壬癸'[index % 10]}", "男",
        "经济学院", "金融学", class_name, "王老师", SCHOOL,
    ]  # fmt: skip


def registration_row(index: int, **changes: object) -> list[object]:
    """One valid registration row (by REGISTRATION_HEADERS), then ``changes``."""
    values: dict[str, object] = {
        "学号": student_no(index), "学校名称": SCHOOL, "学校所在区": "房山区",
        "入学年月": "2019-09", "是否为留学生": "否", "国别": "",
        "所在学院（系）": "经济学院", "专业名称": "金融学", "是否住校内": "是",
        "宿舍楼号": "3号楼", "宿舍号": "402", "居住社区": "", "详细住址": "",
        "姓名": f"学生{'甲乙丙丁戊己庚辛壬癸'[index % 10]}", "性别": "男",
        "证件类型": "二代身份证", "证件号码": id_number(index),
        "联系电话": phone(index), "是否离京": "是", "抵京日期": "2020-03-25",
        "来源地": "国内", "省份": "河北省", "城市": "石家庄市", "国外抵京地址": "",
        "是否发烧": "否", "是否咳嗽": "否", "是否乏力": "否",
    }  # fmt: skip
    values.update(changes)
    return [values[h] for h in REGISTRATION_HEADERS]


def write_xlsx(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """A workbook with ``rows`` on its first sheet, as given (types kept)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy/m/d"
    book.save(path)
    return path


def write_csv(
    path: Path, rows: Sequence[Sequence[object]], encoding: str = "utf-8-sig"
) -> Path:
    """A csv file in ``encoding``, as Excel or WPS would save it."""
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def read_xlsx(path: Path) -> list[list[object]]:
    """Every row of a workbook's first sheet."""
    sheet = load_workbook(path).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def run_import(
    db: Database,
    clock: FixedClock,
    kind: str,
    path: Path,
    actor: Actor = ADMIN,
    *,
    valid_only: bool = False,
) -> ImportResult:
    """Plan and apply in one transaction, as the console does."""
    with db.sessions() as session, session.begin():
        plan = plan_import(session, actor, kind, path, clock=clock)
        return apply_import(session, clock, actor, plan, valid_only=valid_only)


def plan(db: Database, clock: FixedClock, kind: str, path: Path, actor: Actor = ADMIN):
    """Only the plan (read-only session)."""
    session: Session
    with db.sessions() as session:
        return plan_import(session, actor, kind, path, clock=clock)


def seed_roster(db: Database, clock: FixedClock, folder: Path, count: int = 5) -> None:
    """Import the test school's roster of ``count`` students."""
    rows = [ROSTER_HEADERS] + [roster_row(i) for i in range(1, count + 1)]
    run_import(db, clock, "roster", write_xlsx(folder / "seed-roster.xlsx", rows))
