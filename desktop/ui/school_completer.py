"""Autocomplete of the official list of Beijing institutions.

The matching itself is Qt-free (:mod:`desktop.services.school_search`):
the completer only asks it for every edit and shows the answer unfiltered,
so 北外 or a pinyin initialism like ``bjdx`` finds its school even though
the text is no prefix of the name.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit

from desktop.services import school_search

log = logging.getLogger(__name__)


class SchoolCompleter(QCompleter):
    """Suggests schools for what is typed into ``edit``.

    Signals:
        school_chosen(str): the operator picked a school from the list.
    """

    school_chosen = Signal(str)

    def __init__(self, edit: QLineEdit, limit: int = 12) -> None:
        super().__init__(edit)
        self._edit = edit
        self._limit = limit
        self._names = QStringListModel(self)
        self.setModel(self._names)
        self.setCompletionMode(QCompleter.UnfilteredPopupCompletion)
        self.setCaseSensitivity(Qt.CaseInsensitive)
        self.setMaxVisibleItems(limit)
        edit.setCompleter(self)
        edit.textEdited.connect(self._on_edit_text_edited)
        self.activated[str].connect(self._on_activated)

    def suggestions(self) -> list[str]:
        """The school names offered right now."""
        return self._names.stringList()

    def _on_edit_text_edited(self, text: str) -> None:
        names = [school.name for school in school_search.search(text, self._limit)]
        self._names.setStringList(names)
        if names and self._edit.hasFocus():
            self.complete()
        elif not names:
            self.popup().hide()

    def _on_activated(self, name: str) -> None:
        self._edit.setText(name)
        self.school_chosen.emit(name)
