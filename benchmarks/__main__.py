"""Run every benchmark: ``python -m benchmarks [--quick]`` (``make bench``)."""

from __future__ import annotations

import sys

from benchmarks import (
    bench_decode,
    bench_gate,
    bench_import,
    bench_roster,
    bench_sheets,
)


def main(argv: list[str]) -> int:
    """Run every benchmark, each printing its own table."""
    status = bench_decode.main(argv)
    status |= bench_gate.main(argv)
    status |= bench_import.main(argv)
    status |= bench_roster.main(argv)
    status |= bench_sheets.main(argv)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
