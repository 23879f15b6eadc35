"""Finding a school on the official list by what a person types.

The registration form's autocomplete asks ``search`` for every keystroke.
A query matches a school when it is

- part of the name (北京, 外国语),
- the name's characters in order with gaps (北外 → 北京外国语大学),
- a prefix, part or in-order subsequence of the syllables' initials
  (bjdx → 北京大学, bw → 北京外国语大学), or the start of the full pinyin
  (beijingwai → 北京外国语大学),
- the start of the school's code.

The pinyin comes from ``resources/data/institution_pinyin.csv``, written by
``tools/make_school_index.py``; no pinyin library is needed at run time.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from desktop import resources
from desktop.services.reference import Institution, institutions

INDEX = "data/institution_pinyin.csv"
DEFAULT_LIMIT = 12


@dataclass(frozen=True)
class _Entry:
    institution: Institution
    order: int
    initials: str
    pinyin: str  # the syllables run together: beijingdaxue


def normalise_query(text: str) -> str:
    """Full-width folded, lower case, without spaces or apostrophes."""
    folded = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(c for c in folded if not c.isspace() and c not in "'’")


def is_subsequence(needle: str, haystack: str) -> bool:
    """Whether the characters of ``needle`` occur in ``haystack`` in order."""
    position = 0
    for char in needle:
        position = haystack.find(char, position) + 1
        if position == 0:
            return False
    return True


@cache
def _entries() -> tuple[_Entry, ...]:
    pinyin = {row["name"]: row for row in resources.read_csv(INDEX)}
    entries = []
    for order, institution in enumerate(institutions()):
        row = pinyin.get(institution.name, {})
        entries.append(
            _Entry(
                institution=institution,
                order=order,
                initials=row.get("initials", ""),
                pinyin=row.get("pinyin", "").replace(" ", ""),
            )
        )
    return tuple(entries)


def _rank(entry: _Entry, query: str) -> int | None:
    """How well ``query`` fits ``entry``: lower is better, None is no match."""
    name = entry.institution.name.lower()
    if query == name:
        return 0
    if name.startswith(query):
        return 1
    if query in name:
        return 2
    if entry.initials.startswith(query):
        return 3
    if query.isdigit() and entry.institution.code.startswith(query):
        return 3
    if entry.pinyin.startswith(query):
        return 4
    if query in entry.initials:
        return 5
    if is_subsequence(query, name):
        return 6
    if query.isascii() and is_subsequence(query, entry.initials):
        return 7
    return None


def search(text: str, limit: int = DEFAULT_LIMIT) -> list[Institution]:
    """The schools ``text`` fits, best first, then in the list's order."""
    query = normalise_query(text)
    if not query:
        return []
    ranked = []
    for entry in _entries():
        rank = _rank(entry, query)
        if rank is not None:
            ranked.append((rank, entry.order, entry.institution))
    ranked.sort(key=lambda item: item[:2])
    return [institution for _rank_, _order, institution in ranked[:limit]]
