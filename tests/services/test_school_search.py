"""Finding a school by name, abbreviation, pinyin initials or code."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from desktop import resources
from desktop.services import school_search
from desktop.services.reference import institutions

TOOL = Path(__file__).resolve().parents[2] / "tools" / "make_school_index.py"


def _names(query: str, limit: int = school_search.DEFAULT_LIMIT) -> list[str]:
    return [school.name for school in school_search.search(query, limit)]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("北外", "北京外国语大学"),
        ("bjdx", "北京大学"),
        ("BJDX", "北京大学"),
        ("ＢＪＤＸ", "北京大学"),
        ("qhdx", "清华大学"),
        ("beijingwai", "北京外国语大学"),
        ("bei jing wai", "北京外国语大学"),
        ("人大", "中国人民大学"),
        ("清华", "清华大学"),
        ("4111010001", "北京大学"),
    ],
)
def test_query_finds_the_school_first(query: str, first: str) -> None:
    assert _names(query)[0] == first


def test_part_of_a_name_finds_every_school_containing_it() -> None:
    found = _names("外国语", limit=100)

    assert "北京外国语大学" in found and "北京第二外国语学院" in found
    assert all("外国语" in name for name in found)


def test_initials_in_order_with_gaps() -> None:
    assert "北京外国语大学" in _names("bw")
    assert "北京外国语大学" in _names("bwdx")


def test_names_come_before_looser_matches() -> None:
    found = _names("北京", limit=200)

    assert found[0] == "北京大学"
    assert all(name.startswith("北京") for name in found[:5])


@pytest.mark.parametrize("query", ["", "   ", "东京大学", "qqqq"])
def test_nothing_matches(query: str) -> None:
    assert _names(query) == []


def test_limit_is_kept() -> None:
    assert len(_names("大学", limit=3)) == 3


def test_every_official_school_is_in_the_index() -> None:
    indexed = {row["name"] for row in resources.read_csv(school_search.INDEX)}

    assert indexed == {school.name for school in institutions()}


@pytest.mark.skipif(
    importlib.util.find_spec("pypinyin") is None,
    reason="pypinyin (the test extra) writes the index",
)
def test_shipped_index_is_up_to_date() -> None:
    done = subprocess.run(
        [sys.executable, str(TOOL), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )

    assert done.returncode == 0, done.stdout + done.stderr
