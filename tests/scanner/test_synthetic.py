"""Synthetic webcam frames are realistic yet decodable, and replayable."""

from __future__ import annotations

from pathlib import Path

import cv2

from desktop.scanner.decoders import DecodePipeline
from desktop.scanner.sources import open_source
from desktop.scanner.synthetic import FrameItem, render_frames

ITEMS = [
    FrameItem("31" * 60, "pass"),
    FrameItem(
        "放行证明 张** 2020-03-13 某某大学 签名ABCDEFGH0123456789", "certificate"
    ),
    FrameItem("https://example.invalid/unknown", "unknown"),
]


def test_frames_decode_and_match_records(tmp_path: Path) -> None:
    records = render_frames(ITEMS, tmp_path, seed=3, frames_per_item=4, gap_frames=2)
    pipeline = DecodePipeline.default("live", sweep_every=0)
    hits: dict[str, int] = {}
    showing = 0

    for record in records:
        found = pipeline.decode(cv2.imread(str(record.path)))
        texts = {item.text for item in found}
        assert texts <= ({record.text} if record.text else set())
        if record.tag is not None:
            showing += 1
            hits[record.tag] = hits.get(record.tag, 0) + bool(texts)

    assert set(hits) == {item.tag for item in ITEMS}
    assert all(count >= 1 for count in hits.values())
    assert sum(hits.values()) >= 0.8 * showing


def test_video_matches_frames(tmp_path: Path) -> None:
    records = render_frames(ITEMS[:1], tmp_path, frames_per_item=3, gap_frames=1)

    with open_source(str(tmp_path / "demo.avi")) as source:
        count = 0
        while source.read() is not None:
            count += 1

    assert count == len(records) == 4
    assert records[0].tag is None and records[1].tag == "pass"


def test_rendering_is_deterministic(tmp_path: Path) -> None:
    first = render_frames(ITEMS[:1], tmp_path / "a", seed=5, video=False)
    second = render_frames(ITEMS[:1], tmp_path / "b", seed=5, video=False)

    for one, two in zip(first, second, strict=True):
        assert one.path.read_bytes() == two.path.read_bytes()
