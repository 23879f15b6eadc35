"""Demo camera footage with an answer key, for ``demo --frames DIR``.

Shows the passes of a sample of demo students (every case), codes that are
not ours, and forged passes, as a phone held up to a 1280×720 webcam. The
answer key ``expected.jsonl`` says, per shown code in order, what the gate
must decide the first time it reads it.
"""

from __future__ import annotations

import json
import random
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop.scanner.synthetic import FrameItem, render_frames
from desktop.services.demo import DemoSchool
from desktop.services.keys import Keyring, load_keyring
from desktop.services.passes import BODY_BYTES, MESSAGE_BYTES, PREFIX, body_to_text
from desktop.services.verdict import Verdict

FOREIGN_CODES = (
    ("foreign_url", "https://example.edu.cn/notice/2020-03-13"),
    ("foreign_wifi", "WIFI:S:Campus-Guest;T:WPA;P:spring2020;;"),
    ("foreign_digits", "6901234567892"),
)


@dataclass(frozen=True)
class ExpectedScan:
    """One line of the answer key."""

    tag: str
    student_no: str | None
    kind: str
    verdict: str
    frames: list[int]


def forged_passes(genuine: str) -> list[tuple[str, str]]:
    """Passes an attacker could make: altered digits, and signed by a stranger."""
    position = len(PREFIX) + 40
    flipped = "7" if genuine[position] != "7" else "3"
    altered = genuine[:position] + flipped + genuine[position + 1 :]

    # A stranger's key that happens to carry our key id; thrown away after.
    body = int(genuine[len(PREFIX) :]).to_bytes(BODY_BYTES, "big")
    with tempfile.TemporaryDirectory() as folder:
        stranger = load_keyring(Path(folder))
        _key_id, signature = stranger.sign(body[:MESSAGE_BYTES])
    resigned = body_to_text(body[:MESSAGE_BYTES] + signature)
    return [("forged_altered", altered), ("forged_stranger_key", resigned)]


def write_demo_frames(
    school: DemoSchool,
    keyring: Keyring,
    out_dir: Path,
    *,
    seed: int = 2020,
    per_case: int = 2,
) -> Path:
    """Render the demo footage into ``out_dir``; returns the answer key's path."""
    rng = random.Random(seed)
    students = school.sample(per_case, rng)
    items: list[tuple[FrameItem, str | None, str, Verdict]] = []
    for student in students:
        item = FrameItem(text=student.pass_text, tag=student.case.label)
        items.append((item, student.student_no, "pass", student.case.verdict))
    for tag, text in FOREIGN_CODES:
        items.append((FrameItem(text=text, tag=tag), None, "unknown", Verdict.REFUSE))
    genuine = next(s for s in students if s.case.label == "admit").pass_text
    for tag, text in forged_passes(genuine):
        items.append((FrameItem(text=text, tag=tag), None, "pass", Verdict.REFUSE))
    rng.shuffle(items)

    out_dir.mkdir(parents=True, exist_ok=True)
    records = render_frames([item for item, *_ in items], out_dir, seed=seed)
    key_path = out_dir / "expected.jsonl"
    with key_path.open("w", encoding="utf-8") as handle:
        for item, student_no, kind, verdict in items:
            frames = [r.index for r in records if r.text == item.text]
            line = ExpectedScan(item.tag, student_no, kind, verdict.value, frames)
            handle.write(json.dumps(asdict(line), ensure_ascii=False) + "\n")
    return key_path
