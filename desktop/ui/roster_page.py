"""The roster page: filters, a search box and the lazily loaded table.

What the operator may see is decided by the roster service; the page only
offers the colleges and classes the service lists for this operator. The
row actions (register, history, passes, approvals, imports) come from
:mod:`desktop.ui.roster_actions`, on a tool bar and the context menu.
"""

from __future__ import annotations

import enum
import logging
from typing import TypeVar

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.i18n import _
from desktop.services import roster
from desktop.services.approvals import FLAG_LABELS, Flag
from desktop.services.auth import Actor
from desktop.services.db import Database
from desktop.services.roster import (
    ApprovalFilter,
    CollegeOption,
    RosterQuery,
    RosterRow,
)
from desktop.ui import errors
from desktop.ui.context import ConsoleContext
from desktop.ui.roster_actions import RosterActions
from desktop.ui.roster_model import RosterModel
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

SEARCH_DELAY_MS = 300
E = TypeVar("E", bound=enum.Enum)


def _load_options(db: Database, actor: Actor) -> list[CollegeOption]:
    with db.sessions() as session:
        return roster.filter_options(session, actor)


def _enum_or_none(kind: type[E], data: object) -> E | None:
    # Qt hands a StrEnum stored in a combo back as a plain str.
    return None if data is None else kind(data)


def _yes_no_combo(parent: QWidget, any_text: str, yes: str, no: str) -> QComboBox:
    combo = QComboBox(parent)
    combo.addItem(any_text, None)
    combo.addItem(yes, True)
    combo.addItem(no, False)
    return combo


class RosterPage(QWidget):
    """Filters, the roster table and its row actions for one operator.

    Args:
        context: the console's context (clock, keys) for the row actions;
            without one the page only shows the roster.

    Signals:
        query_changed(object): the ``RosterQuery`` now shown.
    """

    query_changed = Signal(object)

    def __init__(
        self,
        db: Database,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
        *,
        context: ConsoleContext | None = None,
    ) -> None:
        super().__init__(parent)
        self._db = db
        self._actor = actor
        self._runner = runner
        self._options: list[CollegeOption] = []
        self._columns_sized = False
        clock = context.clock if context is not None else None
        self.model = RosterModel(db, actor, runner, self, clock=clock)
        self._search_timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.actions: RosterActions | None = None
        if context is not None:
            self.actions = RosterActions(
                context, actor, runner, self.selected_rows, self
            )
        self._build()
        self._connect()
        self._runner.submit(
            _load_options,
            db,
            actor,
            on_result=self._on_options_loaded,
            on_error=self._on_options_failed,
        )
        self.apply_filters()

    def _build(self) -> None:
        self.college_combo = QComboBox(self)
        self.college_combo.addItem(_("全部学院"), None)
        self.class_combo = QComboBox(self)
        self.class_combo.addItem(_("全部班级"), None)
        self.class_combo.setMinimumContentsLength(14)
        self.registered_combo = _yes_no_combo(
            self, _("登记：全部"), _("已登记"), _("未登记")
        )
        self.checked_in_combo = _yes_no_combo(
            self, _("报到：全部"), _("已报到"), _("未报到")
        )
        self.observing_combo = _yes_no_combo(
            self, _("观察：全部"), _("观察中"), _("已解除观察")
        )
        self.approval_combo = QComboBox(self)
        self.approval_combo.addItem(_("审批：全部"), None)
        self.approval_combo.addItem(_("批准返校"), ApprovalFilter.CAMPUS)
        self.approval_combo.addItem(_("返京不返校"), ApprovalFilter.BEIJING_ONLY)
        self.approval_combo.addItem(_("未审批"), ApprovalFilter.NONE)
        self.flag_combo = QComboBox(self)
        self.flag_combo.addItem(_("标记：全部"), None)
        for flag in Flag:
            self.flag_combo.addItem(_(FLAG_LABELS[flag]), flag)
        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText(_("学号、姓名或证件号后四位"))
        self.search_edit.setClearButtonEnabled(True)
        self.total_label = QLabel(self)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.table.setContextMenuPolicy(Qt.CustomContextMenu)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(26)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)

        filters = QHBoxLayout()
        for widget in (
            self.college_combo,
            self.class_combo,
            self.registered_combo,
            self.approval_combo,
            self.checked_in_combo,
            self.observing_combo,
            self.flag_combo,
        ):
            filters.addWidget(widget)
        filters.addWidget(self.search_edit, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        if self.actions is not None:
            self.toolbar = QToolBar(self)
            self.toolbar.addActions(self.actions.row_actions())
            if self.actions.import_action is not None:
                self.toolbar.addSeparator()
                self.toolbar.addAction(self.actions.import_action)
            layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.total_label)

    def _connect(self) -> None:
        self.college_combo.currentIndexChanged.connect(self._on_college_changed)
        for combo in (
            self.class_combo,
            self.registered_combo,
            self.approval_combo,
            self.checked_in_combo,
            self.observing_combo,
            self.flag_combo,
        ):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.search_edit.textChanged.connect(self._on_search_text_changed)
        self._search_timer.timeout.connect(self.apply_filters)
        self.model.total_changed.connect(self._on_model_total_changed)
        self.model.load_failed.connect(self._on_model_load_failed)
        if self.actions is not None:
            selection = self.table.selectionModel()
            selection.selectionChanged.connect(self._on_selection_changed)
            self.model.modelReset.connect(self._on_selection_changed)
            self.table.customContextMenuRequested.connect(self._on_context_menu)
            self.actions.changed.connect(self.apply_filters)

    def filter_query(self) -> RosterQuery:
        """The query the filter widgets describe."""
        return RosterQuery(
            college_id=self.college_combo.currentData(),
            class_id=self.class_combo.currentData(),
            registered=self.registered_combo.currentData(),
            approval=_enum_or_none(ApprovalFilter, self.approval_combo.currentData()),
            checked_in=self.checked_in_combo.currentData(),
            search=self.search_edit.text().strip(),
            flag=_enum_or_none(Flag, self.flag_combo.currentData()),
            observing=self.observing_combo.currentData(),
        )

    def selected_rows(self) -> list[RosterRow]:
        """The rows the operator selected, top to bottom."""
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [self.model.row_at(row) for row in rows]

    def apply_filters(self) -> None:
        """Reload the table for the current filters."""
        self._search_timer.stop()
        query = self.filter_query()
        self.total_label.setText(_("正在查询…"))
        self.model.set_query(query)
        self.query_changed.emit(query)

    def _on_options_loaded(self, options: list[CollegeOption]) -> None:
        self._options = options
        self.college_combo.blockSignals(True)
        for college in options:
            self.college_combo.addItem(college.name, college.id)
        self.college_combo.blockSignals(False)
        if len(options) == 1:
            self.college_combo.setCurrentIndex(1)
        self._fill_classes()

    def _on_options_failed(self, exc: BaseException) -> None:
        log.error("roster filters not loaded", exc_info=exc)
        errors.post(_("筛选条件加载失败：{error}").format(error=exc))

    def _on_college_changed(self) -> None:
        self._fill_classes()
        self.apply_filters()

    def _fill_classes(self) -> None:
        college_id = self.college_combo.currentData()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem(_("全部班级"), None)
        for college in self._options:
            if college_id is None or college.id == college_id:
                for school_class in college.classes:
                    self.class_combo.addItem(school_class.name, school_class.id)
        self.class_combo.blockSignals(False)

    def _on_search_text_changed(self) -> None:
        self._search_timer.start()

    def _on_model_total_changed(self, total: int) -> None:
        self.total_label.setText(_("共 {total} 名学生").format(total=total))
        if not self._columns_sized and self.model.rowCount():
            # Sized once from the first page; the operator may resize later.
            self._columns_sized = True
            self.table.resizeColumnsToContents()

    def _on_selection_changed(self) -> None:
        if self.actions is not None:
            self.actions.update_enabled()

    def _on_context_menu(self, position: QPoint) -> None:
        if self.actions is None or not self.selected_rows():
            return
        menu = QMenu(self)
        menu.setAttribute(Qt.WA_DeleteOnClose)
        menu.addActions(self.actions.row_actions())
        menu.popup(self.table.viewport().mapToGlobal(position))

    def _on_model_load_failed(self, message: str) -> None:
        self.total_label.setText(message)
        errors.post(message)
