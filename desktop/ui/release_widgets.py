"""The parts of the release page: the lists, the confirmation bar, a dialog.

- :class:`EligibleTree` lists eligible students under their class, each
  with a check box and the reason they are eligible; checking a class
  checks all of its students.
- :class:`BoardTable` is a plain table of board rows (observing, released).
- :class:`ConfirmBar` asks "are you sure" inline, without a modal dialog.
- :class:`ReasonDialog` asks for the reason of an undo or a revocation.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services.release_desk import BoardRow

log = logging.getLogger(__name__)

ROW_ROLE = Qt.UserRole + 1

# A filter on board rows: college name and class name, None for any.
RowFilter = tuple[str | None, str | None]


def matches(row: BoardRow, row_filter: RowFilter) -> bool:
    """Whether ``row`` passes the college and class filter."""
    college, class_name = row_filter
    if college is not None and row.college_name != college:
        return False
    return class_name is None or row.class_name == class_name


class EligibleTree(QTreeWidget):
    """Eligible students by class, with check boxes.

    Signals:
        selection_counted(int): how many students are now checked.
    """

    selection_counted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels([_("班级 / 学生"), _("学院"), _("可解除原因")])
        self.header().setSectionResizeMode(0, QHeaderView.ResizeToContents)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.setAlternatingRowColors(True)
        self.setWordWrap(True)
        self.itemChanged.connect(self._on_item_changed)

    def show_rows(self, rows: Sequence[BoardRow], row_filter: RowFilter) -> None:
        """List ``rows`` that pass the filter; checks are kept by number."""
        kept = set(self.checked_numbers())
        self.blockSignals(True)
        self.clear()
        classes: dict[str, QTreeWidgetItem] = {}
        for row in rows:
            if not matches(row, row_filter):
                continue
            parent = classes.get(row.class_name)
            if parent is None:
                parent = QTreeWidgetItem([row.class_name, row.college_name, ""])
                parent.setFlags(
                    parent.flags() | Qt.ItemIsUserCheckable | Qt.ItemIsAutoTristate
                )
                parent.setCheckState(0, Qt.Unchecked)
                classes[row.class_name] = parent
                self.addTopLevelItem(parent)
            child = QTreeWidgetItem([f"{row.student_no}  {row.name}", "", row.reason])
            child.setFlags(child.flags() | Qt.ItemIsUserCheckable)
            checked = row.student_no in kept
            child.setCheckState(0, Qt.Checked if checked else Qt.Unchecked)
            child.setData(0, ROW_ROLE, row)
            child.setToolTip(2, row.reason)
            parent.addChild(child)
        for parent in classes.values():
            parent.setText(
                0,
                _("{name}（{n}人）").format(name=parent.text(0), n=parent.childCount()),
            )
            parent.setExpanded(True)
        self.blockSignals(False)
        self.selection_counted.emit(len(self.checked_numbers()))

    def students(self) -> list[QTreeWidgetItem]:
        """Every student item, class by class."""
        items = []
        for index in range(self.topLevelItemCount()):
            parent = self.topLevelItem(index)
            items.extend(parent.child(i) for i in range(parent.childCount()))
        return items

    def class_item(self, class_name: str) -> QTreeWidgetItem | None:
        """The top-level item of ``class_name``."""
        for index in range(self.topLevelItemCount()):
            item = self.topLevelItem(index)
            if item.text(0).startswith(class_name):
                return item
        return None

    def checked_numbers(self) -> list[str]:
        """The student numbers checked, in list order."""
        return [
            item.data(0, ROW_ROLE).student_no
            for item in self.students()
            if item.checkState(0) == Qt.Checked
        ]

    def set_all(self, checked: bool) -> None:
        """Check or uncheck every student listed."""
        state = Qt.Checked if checked else Qt.Unchecked
        for index in range(self.topLevelItemCount()):
            self.topLevelItem(index).setCheckState(0, state)

    def _on_item_changed(self, _item: QTreeWidgetItem, column: int) -> None:
        if column == 0:
            self.selection_counted.emit(len(self.checked_numbers()))


class BoardTable(QTableWidget):
    """Board rows in columns made by ``cells``; one row selected at a time."""

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[BoardRow], Sequence[str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(0, len(headers), parent)
        self._cells = cells
        self.setHorizontalHeaderLabels(list(headers))
        self.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.verticalHeader().hide()
        self.horizontalHeader().setStretchLastSection(True)

    def show_rows(self, rows: Sequence[BoardRow], row_filter: RowFilter) -> None:
        """List ``rows`` that pass the filter."""
        shown = [row for row in rows if matches(row, row_filter)]
        self.setRowCount(len(shown))
        for index, row in enumerate(shown):
            for column, text in enumerate(self._cells(row)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setData(ROW_ROLE, row)
                self.setItem(index, column, item)
        self.resizeColumnsToContents()
        self.horizontalHeader().setStretchLastSection(True)

    def selected_rows(self) -> list[BoardRow]:
        """The board rows selected, top to bottom."""
        rows = sorted({index.row() for index in self.selectedIndexes()})
        return [self.item(row, 0).data(ROW_ROLE) for row in rows]

    def row_numbers(self) -> list[str]:
        """The student numbers listed (for tests and printing)."""
        return [
            self.item(row, 0).data(ROW_ROLE).student_no
            for row in range(self.rowCount())
        ]


class ConfirmBar(QFrame):
    """An inline question with confirm and cancel buttons.

    Signals:
        confirmed(): the operator confirmed; the bar hides itself.
    """

    confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("confirmBar")
        self.setStyleSheet(
            "#confirmBar { background: #fff4d6; border: 1px solid #f3ab00;"
            " border-radius: 6px; }"
        )
        self.question = QLabel(self)
        self.question.setWordWrap(True)
        self.confirm_button = QPushButton(_("确认"), self)
        self.cancel_button = QPushButton(_("取消"), self)
        row = QHBoxLayout(self)
        row.addWidget(self.question, 1)
        row.addWidget(self.confirm_button)
        row.addWidget(self.cancel_button)
        self.confirm_button.clicked.connect(self._on_confirm_button_clicked)
        self.cancel_button.clicked.connect(self.hide)
        self.hide()

    def ask(self, question: str, confirm_text: str) -> None:
        """Show ``question`` until the operator answers."""
        self.question.setText(question)
        self.confirm_button.setText(confirm_text)
        self.show()
        self.confirm_button.setFocus(Qt.OtherFocusReason)

    def _on_confirm_button_clicked(self) -> None:
        self.hide()
        self.confirmed.emit()


class ReasonDialog(QDialog):
    """Asks why (an undo, a revocation); OK only with a reason.

    Signals:
        reason_given(str): the reason, when the operator confirms.
    """

    reason_given = Signal(str)

    def __init__(
        self, title: str, question: str, ok_text: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(460)
        label = QLabel(question, self)
        label.setWordWrap(True)
        self.reason = QLineEdit(self)
        self.reason.setMaxLength(200)
        self.reason.setPlaceholderText(_("原因（必填）"))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setEnabled(False)
        self.buttons.button(QDialogButtonBox.Cancel).setText(_("取消"))
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.reason)
        layout.addWidget(self.buttons)
        self.reason.textChanged.connect(self._on_reason_text_changed)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

    def _on_reason_text_changed(self, text: str) -> None:
        self.ok_button.setEnabled(bool(text.strip()))

    def _on_buttons_accepted(self) -> None:
        reason = self.reason.text().strip()
        if reason:
            self.accept()
            self.reason_given.emit(reason)
