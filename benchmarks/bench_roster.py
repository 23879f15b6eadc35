"""The roster at 100,000 students: first page, searches and memory.

Measures the service calls (count and first page, the three kinds of search)
and the Qt model the roster page uses (first page plus twenty more pages
fetched by scrolling), in one process, with the resident memory it reached.
Baseline beside it: the same first page as a bare SELECT on the student
table, without scope, joins or flags.

    python -m benchmarks.bench_roster [--quick]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.common import median, pin_to_one_core, print_table
from benchmarks.school_cache import school_copy
from desktop.models import Student
from desktop.services import roster
from desktop.services.auth import SYSTEM
from desktop.services.db import open_database

PAGE = 100
REPEATS = 5


def _timed(function, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, (time.perf_counter() - started) * 1000


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _service_rows(url: str) -> list[list[object]]:
    db = open_database(url)
    rows = []
    with db.sessions() as session:
        query = roster.RosterQuery()
        _n, first_count = _timed(roster.count, session, SYSTEM, query)
        _p, first_page = _timed(roster.fetch_page, session, SYSTEM, query, 0, PAGE)
        rows.append(
            ["first page (cold): count + 100 rows", f"{first_count + first_page:.0f}"]
        )
        baseline = [
            _timed(
                session.execute,
                select(Student).order_by(Student.student_no).limit(PAGE),
            )[1]
            for _ in range(REPEATS)
        ]
        for label, text in (
            ("search: student number prefix", "2019000"),
            ("search: name fragment", "王"),
            ("search: document last 4", "1234"),
        ):
            searched = roster.RosterQuery(search=text)
            times = []
            for _ in range(REPEATS):
                _n, counted = _timed(roster.count, session, SYSTEM, searched)
                _p, paged = _timed(
                    roster.fetch_page, session, SYSTEM, searched, 0, PAGE
                )
                times.append(counted + paged)
            rows.append([label, f"{median(times):.0f}"])
        rows.append(
            ["baseline: bare SELECT of 100 students", f"{median(baseline):.1f}"]
        )
    db.dispose()
    return rows


def _model_rows(url: str) -> list[list[object]]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication  # noqa: PLC0415

    from desktop.ui.roster_model import RosterModel  # noqa: PLC0415
    from desktop.ui.tasks import SyncTaskRunner  # noqa: PLC0415

    app = QApplication.instance() or QApplication([])
    db = open_database(url)
    model = RosterModel(db, SYSTEM, SyncTaskRunner())
    _none, first = _timed(model.set_query, roster.RosterQuery())
    started = time.perf_counter()
    for _ in range(20):
        model.fetchMore()
    scrolled = (time.perf_counter() - started) * 1000 / 20
    app.processEvents()
    rows = [
        ["Qt model: first page", f"{first:.0f}"],
        ["Qt model: each further page", f"{scrolled:.0f}"],
        [f"Qt model: rows held after scrolling ({model.rowCount():,})", "-"],
    ]
    db.dispose()
    return rows


def main(argv: list[str] | None = None) -> int:
    """Print the roster table."""
    parser = argparse.ArgumentParser(prog="bench_roster")
    parser.add_argument("--quick", action="store_true", help="10,000 students")
    args, _unknown = parser.parse_known_args(argv)
    pin_to_one_core()
    students = 10_000 if args.quick else 100_000

    with tempfile.TemporaryDirectory() as folder:
        url, _keys = school_copy(students, Path(folder))
        rows = _service_rows(url) + _model_rows(url)
    rows.append(["peak resident memory of this process (MB)", f"{_rss_mb():.0f}"])
    print_table(
        f"Roster with {students:,} students, SQLite, one core "
        "(goals: first page ≤ 1000 ms, search ≤ 150 ms, memory ≤ 400 MB)",
        ["measure", "ms"],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
