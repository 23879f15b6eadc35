"""Write the pinyin index of the official list of Beijing institutions.

Run ``python tools/make_school_index.py`` to rewrite
``resources/data/institution_pinyin.csv`` from
``resources/data/beijing_universities.csv``; ``--check`` only reports
(exit 1) when the shipped index is out of date. Each row holds a school's
name, the initials of its syllables (北京大学 → ``bjdx``) and its syllables
in full, separated by spaces (``bei jing da xue``).

pypinyin is needed here only, in a developer's virtual environment (the
``test`` extra); the console reads the shipped index and never imports it.
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
from pathlib import Path

from pypinyin import Style, lazy_pinyin

DATA = Path(__file__).resolve().parent.parent / "resources" / "data"
SOURCE = DATA / "beijing_universities.csv"
TARGET = DATA / "institution_pinyin.csv"
HEADER = ("name", "initials", "pinyin")


def syllables(name: str) -> list[str]:
    """The lower-case pinyin syllables of ``name``; other characters as is."""
    result: list[str] = []
    for part in lazy_pinyin(name, style=Style.NORMAL, errors="default"):
        result.extend(piece.lower() for piece in part.split() if piece.strip())
    return result


def index_text(names: list[str]) -> str:
    """The CSV text of the index of ``names`` (in their order)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for name in names:
        parts = syllables(name)
        initials = "".join(part[0] for part in parts if part[0].isalnum())
        writer.writerow((name, initials, " ".join(parts)))
    return buffer.getvalue()


def official_names() -> list[str]:
    """The names of the official list, in its order."""
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check`` compare) the shipped index."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if the index is out of date"
    )
    args = parser.parse_args(argv)
    text = index_text(official_names())
    if args.check:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != text:
            print(f"{TARGET.name} is out of date: run {Path(__file__).name}")
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
