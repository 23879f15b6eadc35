#!/usr/bin/env python3
"""List the user-facing strings wrapped in _() or N_() and update a catalogue.

    python tools/extract_strings.py            # print strings missing from en.json
    python tools/extract_strings.py --write    # add them to en.json (value "")

An entry whose value is "" is untranslated: the console shows the Chinese
source for it. The catalogue keeps its entries sorted, so diffs stay small.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "resources" / "i18n" / "en.json"
MARKERS = {"_", "N_"}


def source_strings(root: Path = ROOT / "desktop") -> set[str]:
    """Every literal passed to _() or N_() in the package."""
    found: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def load_catalogue(path: Path = CATALOGUE) -> dict[str, str]:
    """The catalogue as a dict (empty when the file is absent)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str]) -> int:
    """Report (or add) the strings the catalogue lacks; drop stale ones."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update en.json")
    args = parser.parse_args(argv)

    strings = source_strings()
    catalogue = load_catalogue()
    missing = sorted(strings - set(catalogue))
    stale = sorted(set(catalogue) - strings)
    if args.write:
        merged = {k: v for k, v in catalogue.items() if k in strings}
        merged.update({k: "" for k in missing})
        text = json.dumps(dict(sorted(merged.items())), ensure_ascii=False, indent=1)
        CATALOGUE.write_text(text + "\n", encoding="utf-8")
    translated = sum(1 for k, v in catalogue.items() if v and k in strings)
    print(f"{len(strings)} strings, {translated} translated, "
          f"{len(missing)} missing, {len(stale)} stale")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
