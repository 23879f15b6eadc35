"""Decoded text to recorded verdict, on the demo school and at 100,000 students.

Baseline beside it: the offline signature check alone (no database), so
the table shows what the database part costs.

    python -m benchmarks.bench_gate [--quick]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from benchmarks.common import median, percentile, pin_to_one_core, print_table
from benchmarks.school_cache import school_copy
from desktop.clock import SystemClock
from desktop.models import Student
from desktop.services.auth import Actor, Role
from desktop.services.db import Database, open_database
from desktop.services.gate import GateService
from desktop.services.issuing import current_pass, pass_text
from desktop.services.keys import Keyring, load_keyring
from desktop.services.passes import verify_pass

SCANS = 400


def _sample_passes(db: Database, keyring: Keyring, count: int) -> list[str]:
    """The current pass texts of ``count`` random students of the school."""
    with db.sessions() as session:
        students = list(session.scalars(select(Student)))
        texts = []
        for student in random.Random(1).sample(students, min(count, len(students))):
            gate_pass = current_pass(session, student)
            if gate_pass is not None:
                texts.append(pass_text(keyring, student, gate_pass))
    return texts


def _measure(students: int, folder: Path) -> list[object]:
    folder = folder / str(students)
    folder.mkdir()
    url, keys = school_copy(students, folder)
    db = open_database(url)
    keyring = load_keyring(keys, create=False)
    clock = SystemClock()
    texts = _sample_passes(db, keyring, SCANS)

    offline = []
    for text in texts:
        tick = time.perf_counter()
        verify_pass(text, keyring)
        offline.append((time.perf_counter() - tick) * 1000)

    actor = Actor(None, "bench", "bench", Role.GATE_STAFF, workstation="bench")
    gate = GateService(db, keyring, clock, actor, "东门")
    first = [gate.handle(text).ms for text in texts]  # admits write check-ins
    again = [gate.handle(text).ms for text in texts]  # mostly "already"
    db.dispose()
    return [
        f"{students:,}",
        f"{median(offline):.2f}",
        f"{median(first):.2f}",
        f"{percentile(first, 0.9):.2f}",
        f"{median(again):.2f}",
        f"{median(first) / median(offline):.0f}x",
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the scan-to-verdict table."""
    parser = argparse.ArgumentParser(prog="bench_gate")
    parser.add_argument("--quick", action="store_true", help="demo size only")
    args, _unknown = parser.parse_known_args(argv)
    pin_to_one_core()

    sizes = [2000] if args.quick else [2000, 100_000]
    with tempfile.TemporaryDirectory() as folder:
        rows = [_measure(size, Path(folder)) for size in sizes]
    print_table(
        f"Decoded text → recorded verdict, SQLite, one core, {SCANS} scans "
        "(goal: median ≤ 20 ms)",
        [
            "students",
            "offline check ms",
            "first scan median ms",
            "p90 ms",
            "rescan median ms",
            "vs offline",
        ],
        rows,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
