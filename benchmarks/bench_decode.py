"""Decode benchmark: rate and misreads on the shared corpus, time per frame.

Run with ``python -m benchmarks.bench_decode``. Everything runs pinned to
one CPU core with OpenCV's thread pool off, as DESIGN section 11 asks.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from benchmarks.corpus import CorpusImage, Score, corpus_root, load_corpus
from desktop.scanner.decoders import (
    Decoded,
    DecodePipeline,
    Decoder,
    ZxingDecoder,
)
from desktop.scanner.preprocess import to_gray
from desktop.scanner.second_opinions import OpenCvDecoder, PyzbarDecoder
from desktop.scanner.synthetic import FrameItem, render_frames

logger = logging.getLogger(__name__)

DecodeFn = Callable[[np.ndarray], list[Decoded]]


@dataclass
class Row:
    """One line of the results table."""

    name: str
    score: Score | None
    corpus_ms: list[float]
    code_ms: list[float]
    empty_ms: list[float]


def pin_to_one_core() -> None:
    """Run on one CPU core, with OpenCV's own threads switched off."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    cv2.setNumThreads(1)


def contenders() -> list[tuple[str, Callable[[], DecodeFn]]]:
    """The decoders to compare, each built fresh for every measurement."""
    return [
        ("pipeline live", lambda: DecodePipeline.default("live").decode),
        (
            "pipeline live, no sweep",
            lambda: DecodePipeline.default("live", sweep_every=0).decode,
        ),
        ("pipeline still", lambda: DecodePipeline.default("still").decode),
        ("zxing-cpp alone", lambda: _on_gray(ZxingDecoder())),
        ("zbar alone", lambda: _on_gray(PyzbarDecoder())),
        ("OpenCV alone", lambda: _on_gray(OpenCvDecoder())),
    ]


def _on_gray(decoder: Decoder) -> DecodeFn:
    """Convert frames to grayscale first, as the pipeline does."""

    def decode(frame: np.ndarray) -> list[Decoded]:
        return decoder.decode(to_gray(frame))

    return decode


def time_corpus(
    decode: DecodeFn, images: Sequence[tuple[CorpusImage, np.ndarray]]
) -> tuple[Score, list[float]]:
    """Decode every corpus image once, scoring and timing it."""
    score, times = Score(), []
    for image, gray in images:
        started = time.perf_counter()
        found = decode(gray)
        times.append((time.perf_counter() - started) * 1000)
        score.add(image, [item.text for item in found])
    return score, times


HELD_FRAMES = 10


def held_rate(images: Sequence[tuple[CorpusImage, np.ndarray]]) -> Score:
    """Live mode with each photo held to the camera for ``HELD_FRAMES`` frames.

    A third of a second at 30 fps: what a gate sees when a student holds
    up a phone. Each photo gets a fresh pipeline; the best frame counts.
    """
    score = Score()
    for image, gray in images:
        pipeline = DecodePipeline.default("live")
        best: list[Decoded] = []
        for _ in range(HELD_FRAMES):
            found = pipeline.decode(gray)
            if len(found) > len(best):
                best = found
        score.add(image, [item.text for item in best])
    return score


def time_frames(decode: DecodeFn, frames: Sequence[np.ndarray]) -> list[float]:
    """Decode BGR frames as a camera would deliver them (colour included)."""
    times = []
    for frame in frames:
        started = time.perf_counter()
        decode(frame)
        times.append((time.perf_counter() - started) * 1000)
    return times


def frames_with_codes(work_dir: Path, count: int) -> list[np.ndarray]:
    """Synthetic 1280x720 webcam frames of a phone showing a code."""
    items = [
        FrameItem(f"{index:03d}" + "7" * 97, f"pass-{index}")
        for index in range(max(1, count // 4))
    ]
    records = render_frames(
        items, work_dir, seed=11, frames_per_item=4, gap_frames=0, video=False
    )
    return [cv2.imread(str(record.path)) for record in records][:count]


def empty_frames(work_dir: Path, count: int) -> list[np.ndarray]:
    """Synthetic 1280x720 webcam frames of the room without a phone."""
    records = render_frames(
        [FrameItem("unused", "none")],
        work_dir,
        seed=12,
        frames_per_item=0,
        gap_frames=count,
        video=False,
    )
    return [cv2.imread(str(record.path)) for record in records]


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value below which ``fraction`` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def format_table(rows: Sequence[Row]) -> str:
    """Render the results, with ratios against zxing-cpp alone."""
    reference = next(row for row in rows if row.name == "zxing-cpp alone")
    header = (
        f"{'decoder':<24} {'corpus codes':>14} {'rate':>6} {'misr':>4} "
        f"{'ms/img':>6} | {'code ms med/p90':>15} {'x zx':>5} | "
        f"{'empty ms med/p90':>16} {'x zx':>5}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(_format_row(row, reference))
    return "\n".join(lines)


def _format_row(row: Row, reference: Row) -> str:
    code_med = statistics.median(row.code_ms)
    empty_med = statistics.median(row.empty_ms)
    code_ratio = code_med / statistics.median(reference.code_ms)
    empty_ratio = empty_med / statistics.median(reference.empty_ms)
    if row.score is None:
        corpus = f"{'-':>14} {'-':>6} {'-':>4} {'-':>6}"
    else:
        score = row.score
        corpus = (
            f"{score.decoded:>6}/{score.codes:<7} {score.rate:>6.1%} "
            f"{score.misreads:>4} {statistics.median(row.corpus_ms):>6.1f}"
        )
    return (
        f"{row.name:<24} {corpus} | "
        f"{code_med:>6.2f} / {percentile(row.code_ms, 0.9):>6.2f} {code_ratio:>5.1f} | "
        f"{empty_med:>7.2f} / {percentile(row.empty_ms, 0.9):>6.2f} "
        f"{empty_ratio:>5.1f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the table.

    Args:
        argv: Command-line arguments (without the program name).

    Returns:
        The process exit code.
    """
    parser = argparse.ArgumentParser(prog="bench_decode", description=__doc__)
    parser.add_argument("--frames", type=int, default=60, help="frames per set")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    pin_to_one_core()

    root = corpus_root()
    images = [(image, image.load_gray()) for image in load_corpus(root)] if root else []
    if not images:
        print("corpus not found: set CAMPUS_CONSOLE_QR_CORPUS; timing frames only")

    with tempfile.TemporaryDirectory(prefix="bench-decode-") as work:
        coded = frames_with_codes(Path(work) / "codes", args.frames)
        empty = empty_frames(Path(work) / "empty", args.frames)

    rows = []
    for name, build in contenders():
        score, corpus_ms = time_corpus(build(), images) if images else (None, [0.0])
        rows.append(
            Row(
                name,
                score,
                corpus_ms,
                time_frames(build(), coded),
                time_frames(build(), empty),
            )
        )

    print(
        f"one core; corpus: {root}; {len(coded)} code / {len(empty)} empty "
        "1280x720 BGR frames"
    )
    print(format_table(rows))
    _print_misreads(rows)
    if images:
        held = held_rate(images)
        print(
            f"pipeline live, each photo held for {HELD_FRAMES} frames: "
            f"{held.decoded}/{held.codes} = {held.rate:.1%}, {held.misreads} misreads"
        )
    return 0


def _print_misreads(rows: Sequence[Row]) -> None:
    for row in rows:
        if row.score is not None and row.score.misread_paths:
            paths = ", ".join(path.name for path in row.score.misread_paths[:8])
            print(f"misreads of {row.name}: {paths}")


if __name__ == "__main__":
    raise SystemExit(main())
