"""Run every benchmark: ``python -m benchmarks [--quick]`` (``make bench``)."""

from __future__ import annotations

import sys

from benchmarks import bench_decode, bench_gate


def main(argv: list[str]) -> int:
    """Run the decode and gate benchmarks, each printing its own table."""
    status = bench_decode.main(argv)
    status |= bench_gate.main(argv)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
