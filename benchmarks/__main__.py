"""Run every benchmark: ``python -m benchmarks [--quick]`` (``make bench``).

Each benchmark runs in a process of its own, so one's memory and warm
caches never show in another's table.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = (
    "benchmarks.bench_decode",
    "benchmarks.bench_gate",
    "benchmarks.bench_import",
    "benchmarks.bench_roster",
    "benchmarks.bench_sheets",
)


def main(argv: list[str]) -> int:
    """Run every benchmark, each printing its own table; 1 if any failed."""
    status = 0
    for module in BENCHMARKS:
        completed = subprocess.run([sys.executable, "-m", module, *argv], check=False)
        status |= completed.returncode != 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
