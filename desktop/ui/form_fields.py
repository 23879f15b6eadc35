"""Small input widgets of the registration form.

A yes/no pair with nothing chosen until the user chooses, a combo box
whose first entry is a "please choose" placeholder, and a date edit that
can stay empty. Each reports a user's edit through one signal, so the form
can tell touched fields from untouched ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QRadioButton,
    QWidget,
)

from desktop.i18n import _

_NO_DATE = QDate(2000, 1, 1)


class YesNo(QWidget):
    """Two radio buttons; neither is checked until the user picks one.

    Signals:
        edited(): the user picked an answer.
    """

    edited = Signal()

    def __init__(
        self, yes_text: str = "", no_text: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.yes_button = QRadioButton(yes_text or _("是"), self)
        self.no_button = QRadioButton(no_text or _("否"), self)
        self._group = QButtonGroup(self)
        self._group.addButton(self.yes_button, 1)
        self._group.addButton(self.no_button, 0)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.yes_button)
        layout.addWidget(self.no_button)
        layout.addStretch(1)
        self._group.idClicked.connect(self._on_group_id_clicked)

    def value(self) -> bool | None:
        """True, False, or None while nothing is chosen."""
        if self.yes_button.isChecked():
            return True
        if self.no_button.isChecked():
            return False
        return None

    def set_value(self, value: bool | None) -> None:
        """Choose an answer (None clears it) without emitting ``edited``."""
        self._group.setExclusive(False)
        self.yes_button.setChecked(value is True)
        self.no_button.setChecked(value is False)
        self._group.setExclusive(True)

    def _on_group_id_clicked(self, _id: int) -> None:
        self.edited.emit()


class ChoiceCombo(QComboBox):
    """A combo box that starts on a "please choose" entry (value None).

    Signals:
        edited(): the user chose an entry (not emitted by ``set_value``).
    """

    edited = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = placeholder or _("请选择")
        self.set_choices(())
        self.activated.connect(self._on_activated)

    def set_choices(self, choices: Iterable[tuple[str, Any]]) -> None:
        """Replace the entries with (text, value) pairs; nothing chosen."""
        self.blockSignals(True)
        self.clear()
        self.addItem(self._placeholder, None)
        for text, value in choices:
            self.addItem(text, value)
        self.blockSignals(False)

    def value(self) -> Any:
        """The chosen entry's value, None on the placeholder."""
        return self.currentData()

    def set_value(self, value: Any) -> None:
        """Choose the entry holding ``value`` (the placeholder if none)."""
        index = self.findData(value) if value not in (None, "") else 0
        self.setCurrentIndex(max(index, 0))

    def _on_activated(self, _index: int) -> None:
        self.edited.emit()


class OptionalDateEdit(QDateEdit):
    """A date edit with a calendar that shows "please choose" when empty.

    Signals:
        edited(): the user changed the date.
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(_NO_DATE)
        self.setSpecialValueText(_("请选择日期"))
        self.setDate(_NO_DATE)
        self._quiet = False
        self.dateChanged.connect(self._on_date_changed)

    def value(self) -> date | None:
        """The chosen day, or None."""
        chosen = self.date()
        return None if chosen == _NO_DATE else chosen.toPython()

    def set_value(self, value: date | None) -> None:
        """Show ``value`` (None: empty) without emitting ``edited``."""
        self._quiet = True
        try:
            self.setDate(_NO_DATE if value is None else QDate(value))
        finally:
            self._quiet = False

    def _on_date_changed(self, _date: QDate) -> None:
        if not self._quiet:
            self.edited.emit()
