"""Translation of user-facing text, shared by the services and the GUI.

Chinese is the source language: every user-facing string is written in
Chinese and wrapped in ``_()``. An English build sets ``CAMPUS_CONSOLE_LANG=en``
and the strings are looked up in ``resources/i18n/en.json``; a string missing
from the catalogue, or left empty there, falls back to the Chinese source;
``tools/extract_strings.py`` adds the strings a catalogue lacks. One mechanism
serves the Qt-free services and the widgets alike: there is no second
catalogue.
"""

from __future__ import annotations

import json
import logging
import os
from functools import cache

from desktop import resources

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "zh"


_chosen: str | None = None


def current_language() -> str:
    """The language chosen by ``set_language`` or ``CAMPUS_CONSOLE_LANG``.

    Read once: ``_()`` runs for every cell of a 100,000-row sheet.
    """
    global _chosen
    if _chosen is None:
        _chosen = os.environ.get("CAMPUS_CONSOLE_LANG", SOURCE_LANGUAGE).split("_")[0]
    return _chosen


def set_language(language: str | None) -> None:
    """Choose the language (None: read the environment again)."""
    global _chosen
    _chosen = language.split("_")[0] if language else None


@cache
def _catalogue(language: str) -> dict[str, str]:
    if language == SOURCE_LANGUAGE:
        return {}
    name = f"i18n/{language}.json"
    if not resources.exists(name):
        log.warning("no translation catalogue for %s; showing Chinese", language)
        return {}
    return json.loads(resources.read_text(name))


def _(text: str) -> str:
    """Translate ``text`` (Chinese source) into the current language."""
    return _catalogue(current_language()).get(text) or text


def N_(text: str) -> str:  # noqa: N802 - the conventional marker name
    """Mark ``text`` for translation without translating it yet."""
    return text
