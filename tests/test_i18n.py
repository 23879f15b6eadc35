"""Translation: the catalogue matches the source, and English really shows."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest

from desktop import i18n
from desktop.clock import BEIJING
from desktop.services.passes import PassCheck, PassProblem
from desktop.services.verdict import GateFacts, Verdict, decide

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
from extract_strings import load_catalogue, source_strings  # noqa: E402


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language(None)


def test_catalogue_has_every_source_string_and_nothing_stale() -> None:
    catalogue = load_catalogue()

    assert set(catalogue) == source_strings(), "run tools/extract_strings.py --write"


def test_chinese_is_the_default_and_untranslated_falls_back() -> None:
    assert i18n._("准予报到") == "准予报到"


def test_english_build_shows_the_gate_verdicts_in_english(english) -> None:
    facts = GateFacts(
        check=PassCheck(claims=None, problem=PassProblem.BAD_SIGNATURE),
        now=datetime(2020, 3, 20, tzinfo=BEIJING),
        severe_provinces=(),
    )

    decision = decide(facts)

    assert decision.verdict is Verdict.REFUSE
    assert decision.reasons == ("Invalid signature: the code is forged or altered",)


def test_an_empty_catalogue_entry_shows_the_source(english) -> None:
    untranslated = next(k for k, v in load_catalogue().items() if not v)

    assert i18n._(untranslated) == untranslated
