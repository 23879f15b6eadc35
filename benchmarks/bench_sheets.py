"""The statistics sheets of a 100,000-student school in classes of about 50.

Goal (DESIGN §11): the school workbook ≤ 15 s, one class ≤ 0.5 s. Beside
each export stands a baseline: openpyxl's write-only mode appending the
same number of plain rows (the same 17 columns, no styles, no merged
cells, no print set-up), so the table shows what our data gathering and
the official form's layout cost on top of writing the cells at all.

Building the school takes minutes, so the SQLite file is cached in the
temporary folder, keyed by size, and reused by later runs.

    python -m benchmarks.bench_sheets [--quick] [--rebuild]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from benchmarks.common import pin_to_one_core, print_table
from benchmarks.school_cache import CLASS_SIZE, school_copy
from desktop.clock import BEIJING, FixedClock, today
from desktop.models import College, SchoolClass, Student
from desktop.services.auth import Actor, Role
from desktop.services.db import Database, open_database
from desktop.services.settings import load_settings
from desktop.services.sheet_data import class_sheets
from desktop.services.sheets import export_class, export_college, export_school

log = logging.getLogger(__name__)

NOW = datetime(2020, 3, 20, 10, 0, tzinfo=BEIJING)
ACTOR = Actor(None, "bench", "bench", Role.SCHOOL_ADMIN, workstation="bench")
CLASS_RUNS = 5


def _timed(fn, *args):  # noqa: ANN001, ANN002, ANN202 - a stopwatch
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def _baseline(rows: int, out: Path) -> float:
    """Seconds to write ``rows`` plain 17-column rows in write-only mode."""
    started = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("rows")
    line = [1, "2019000001", "王小明", "男", "2019级经济硕士1班", "金融学", "是",
            "2020-03-10 09:30", "是", "是", "2020-03-19", "河北省", "校内", "无",
            "批准返校（2020-03-17起）", "未报到", ""]  # fmt: skip
    for _number in range(rows):
        sheet.append(line)
    book.save(out)
    return time.perf_counter() - started


def _one_class(db: Database) -> tuple[str, str, int, int]:
    """A middling class, its college, its size and the college's size."""
    with db.sessions() as session:
        name, college, size = session.execute(
            select(SchoolClass.name, College.name, func.count(Student.id))
            .join(College, College.id == SchoolClass.college_id)
            .join(Student, Student.class_id == SchoolClass.id)
            .group_by(SchoolClass.id, College.name)
            .order_by(SchoolClass.name)
        ).all()[0]
        in_college = session.scalar(
            select(func.count(Student.id))
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .join(College, College.id == SchoolClass.college_id)
            .where(College.name == college)
        )
    return name, college, size, in_college or 0


def _data_only(db: Database, clock: FixedClock) -> float:
    with db.sessions() as session:
        ids = list(session.scalars(select(SchoolClass.id)))
        settings = load_settings(session)
        started = time.perf_counter()
        class_sheets(session, ids, settings, today(clock))
    return time.perf_counter() - started


def _row(what: str, rows: int, seconds: float, goal: str, base: float) -> list[str]:
    return [
        what,
        f"{rows:,}",
        f"{seconds:.2f}",
        goal,
        f"{base:.2f}",
        f"{seconds / base:.1f}x" if base else "-",
    ]


def _measure(db: Database, students: int, out: Path) -> list[list[str]]:
    clock = FixedClock(NOW)
    name, college, size, in_college = _one_class(db)

    with db.sessions() as session, session.begin():
        school = _timed(export_school, session, clock, ACTOR, out / "全校.xlsx")
    data = _data_only(db, clock)
    with db.sessions() as session, session.begin():
        college_s = _timed(export_college, session, clock, ACTOR, college, out)
    class_runs = []
    for _run in range(CLASS_RUNS):
        with db.sessions() as session, session.begin():
            class_runs.append(_timed(export_class, session, clock, ACTOR, name, out))

    baseline = out / "baseline.xlsx"
    median_class = statistics.median(class_runs)
    return [
        _row("school workbook", students, school, "≤ 15 s",
             _baseline(students, baseline)),
        _row("  of which data gathering", students, data, "", 0.0),
        _row(f"college workbook ({college})", in_college, college_s, "",
             _baseline(in_college, baseline)),
        _row(f"one class (median of {CLASS_RUNS})", size, median_class, "≤ 0.5 s",
             _baseline(size, baseline)),
    ]  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Print the sheet export table."""
    parser = argparse.ArgumentParser(prog="bench_sheets")
    parser.add_argument("--quick", action="store_true", help="10,000 students only")
    parser.add_argument(
        "--rebuild", action="store_true", help="build the cached school again"
    )
    args, _unknown = parser.parse_known_args(argv)
    pin_to_one_core()

    students = 10_000 if args.quick else 100_000
    with tempfile.TemporaryDirectory() as folder:
        url, _keys = school_copy(students, Path(folder), rebuild=args.rebuild)
        db = open_database(url)
        try:
            rows = _measure(db, students, Path(folder))
        finally:
            db.dispose()
    print_table(
        f"Statistics sheets of a school of {students:,} students in classes of "
        f"~{CLASS_SIZE}, SQLite, one core",
        ["export", "rows", "seconds", "goal", "baseline s", "ratio"],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
