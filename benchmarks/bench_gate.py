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

from benchmarks.common import median, percentile, pin_to_one_core, print_table
from desktop.clock import SystemClock
from desktop.services.auth import Actor, Role
from desktop.services.db import open_database
from desktop.services.demo import build_demo
from desktop.services.gate import GateService
from desktop.services.keys import load_keyring
from desktop.services.passes import verify_pass

SCANS = 400


def _measure(students: int, folder: Path) -> list[object]:
    db = open_database(f"sqlite:///{folder / f'gate-{students}.sqlite3'}")
    keyring = load_keyring(folder / "keys")
    clock = SystemClock()
    started = time.perf_counter()
    with db.sessions() as session, session.begin():
        school = build_demo(session, clock, keyring, students=students)
    built = time.perf_counter() - started

    rng = random.Random(1)
    texts = [s.pass_text for s in rng.sample(school.students, min(SCANS, students))]
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
        f"{built:.0f} s",
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
            "build",
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
