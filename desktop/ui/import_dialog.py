"""Importing a spreadsheet from the console (DESIGN section 7).

The operator picks what the file holds (应登记名单, 登记信息, 返校审批) and
the file; the file is judged on a worker and every problem is listed by
row, column and reason before anything is written. 全部导入 is offered
only for a file without problems; 仅导入有效行 writes the valid rows and
saves the rejected ones to an error workbook where the operator chooses.
Reading, judging, writing and the workbooks all run on workers.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import Clock
from desktop.i18n import N_, _
from desktop.services.auth import Actor, Permission
from desktop.services.imports import (
    KIND_LABELS,
    ImportKind,
    ImportPlan,
    ImportResult,
    apply_import,
    plan_import,
    template_workbook,
    write_error_workbook,
)
from desktop.services.imports.report import Problem
from desktop.ui.context import ConsoleContext
from desktop.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

KINDS = (ImportKind.ROSTER, ImportKind.REGISTRATIONS, ImportKind.APPROVALS)
HEADERS = (N_("行"), N_("列"), N_("表头"), N_("项目"), N_("原因"))
FILE_FILTER = N_("表格文件 (*.xlsx *.csv);;所有文件 (*)")
WORKBOOK_FILTER = N_("Excel 工作簿 (*.xlsx)")


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did: the result, and where the rejected rows went."""

    result: ImportResult
    error_workbook: Path | None


def judge_file(
    context: ConsoleContext, actor: Actor, kind: ImportKind, path: str
) -> ImportPlan:
    """Read and judge ``path``; nothing is written (worker thread)."""
    with context.db.sessions() as session:
        return plan_import(session, actor, kind, path, clock=context.clock)


def import_file(
    context: ConsoleContext,
    clock: Clock,
    actor: Actor,
    kind: ImportKind,
    path: str,
    error_path: str | None,
) -> ImportOutcome:
    """Judge the file again and write it in one transaction (worker thread).

    With ``error_path`` only the valid rows are written and the rejected
    ones are saved there; without it the whole file is written or nothing.

    Raises:
        ImportRefused: the file (now) has problems; nothing was written.
    """
    with context.db.sessions() as session, session.begin():
        plan = plan_import(session, actor, kind, path, clock=clock)
        result = apply_import(
            session, clock, actor, plan, valid_only=error_path is not None
        )
    written = None
    if error_path is not None and plan.problems:
        written = write_error_workbook(plan, error_path)
    return ImportOutcome(result, written)


def problem_cells(problem: Problem) -> tuple[str, ...]:
    """What the preview table shows for ``problem``."""
    return (
        "" if problem.row is None else str(problem.row),
        problem.column or "",
        problem.header or "",
        problem.field,
        problem.reason,
    )


class ImportDialog(QDialog):
    """Choose a file, see its problems, then import all or the valid rows.

    Signals:
        planned(object): the chosen file was judged (an ``ImportPlan``).
        imported(object): an :class:`ImportOutcome` was written.
    """

    planned = Signal(object)
    imported = Signal(object)

    def __init__(
        self,
        context: ConsoleContext,
        actor: Actor,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._actor = actor
        self._runner = runner
        self._busy = False
        self.plan: ImportPlan | None = None
        self.setWindowTitle(_("导入表格"))
        self.resize(900, 560)
        self._build()
        self._update_buttons()

    def _build(self) -> None:
        self.kind_combo = QComboBox(self)
        for kind in KINDS:
            if kind is ImportKind.APPROVALS and not self._actor.may(Permission.APPROVE):
                continue
            self.kind_combo.addItem(_(KIND_LABELS[kind]), kind)
        self.path_edit = QLineEdit(self, readOnly=True)
        self.path_edit.setPlaceholderText(_("请选择 xlsx 或 csv 文件"))
        self.choose_button = QPushButton(_("选择文件…"), self)
        self.template_button = QPushButton(_("下载模板"), self)
        self.summary_label = QLabel(_("选择文件后先检查全部内容，再决定是否导入。"))
        self.summary_label.setWordWrap(True)
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels([_(h) for h in HEADERS])
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.status_label = QLabel(self, wordWrap=True)
        self.import_all_button = QPushButton(_("全部导入"), self)
        self.import_valid_button = QPushButton(_("仅导入有效行"), self)
        self.close_button = QPushButton(_("关闭"), self)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("类型："), self))
        top.addWidget(self.kind_combo)
        top.addWidget(self.path_edit, 1)
        top.addWidget(self.choose_button)
        top.addWidget(self.template_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.import_all_button)
        bottom.addWidget(self.import_valid_button)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.choose_button.clicked.connect(self._on_choose_clicked)
        self.template_button.clicked.connect(self._on_template_clicked)
        self.import_all_button.clicked.connect(self._on_import_all_clicked)
        self.import_valid_button.clicked.connect(self._on_import_valid_clicked)
        self.close_button.clicked.connect(self.accept)

    # What the operator asks for (also called directly by tests).

    def kind(self) -> ImportKind:
        """The kind of file chosen."""
        return self.kind_combo.currentData()

    def set_kind(self, kind: ImportKind) -> None:
        """Choose the kind of file."""
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def check_file(self, path: str) -> None:
        """Judge ``path`` on a worker; ``planned`` follows."""
        self.plan = None
        self.path_edit.setText(path)
        self.table.setRowCount(0)
        self.summary_label.setText(_("正在检查文件…"))
        self._start()
        self._runner.submit(
            judge_file,
            self._context,
            self._actor,
            self.kind(),
            path,
            on_result=self._on_file_judged,
            on_error=self._on_task_failed,
        )

    def import_rows(self, error_path: str | None = None) -> None:
        """Write the file; with ``error_path`` only its valid rows."""
        if self.plan is None:
            return
        self._start()
        self.status_label.setText(_("正在导入…"))
        self._runner.submit(
            import_file,
            self._context,
            self._context.clock,
            self._actor,
            self.plan.kind,
            str(self.plan.path),
            error_path,
            on_result=self._on_imported,
            on_error=self._on_task_failed,
        )

    def save_template(self, path: str) -> None:
        """Write the template workbook of the chosen kind to ``path``."""
        self._start()
        self._runner.submit(
            template_workbook,
            self.kind(),
            path,
            on_result=self._on_template_saved,
            on_error=self._on_task_failed,
        )

    # File choosers (replaced in tests).

    def ask_open_path(self) -> str:
        """The file to import, chosen by the operator ('' if cancelled)."""
        path, _filter = QFileDialog.getOpenFileName(
            self, _("选择要导入的文件"), "", _(FILE_FILTER)
        )
        return path

    def ask_save_path(self, title: str, suggested: str) -> str:
        """Where to save a workbook, chosen by the operator ('' if cancelled)."""
        path, _filter = QFileDialog.getSaveFileName(
            self, title, suggested, _(WORKBOOK_FILTER)
        )
        return path

    # Button handlers.

    def _on_choose_clicked(self) -> None:
        path = self.ask_open_path()
        if path:
            self.check_file(path)

    def _on_template_clicked(self) -> None:
        name = _("{kind}模板.xlsx").format(kind=_(KIND_LABELS[self.kind()]))
        path = self.ask_save_path(_("保存导入模板"), name)
        if path:
            self.save_template(path)

    def _on_import_all_clicked(self) -> None:
        self.import_rows(None)

    def _on_import_valid_clicked(self) -> None:
        if self.plan is None:
            return
        suggested = str(self.plan.path.with_name(f"{self.plan.path.stem}-错误行.xlsx"))
        path = self.ask_save_path(_("保存未导入的行"), suggested)
        if path:
            self.import_rows(path)

    def _on_kind_changed(self) -> None:
        if self.path_edit.text():
            self.check_file(self.path_edit.text())

    # Results.

    def _start(self) -> None:
        self._busy = True
        self._update_buttons()

    def _finish(self) -> None:
        self._busy = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        plan, idle = self.plan, not self._busy
        self.import_all_button.setEnabled(idle and plan is not None and plan.ok)
        self.import_valid_button.setEnabled(
            idle
            and plan is not None
            and not plan.ok
            and not plan.file_problems
            and bool(plan.valid_rows)
        )
        for widget in (self.choose_button, self.template_button, self.kind_combo):
            widget.setEnabled(idle)

    def _on_file_judged(self, plan: ImportPlan) -> None:
        self.plan = plan
        problems = plan.problems
        self.table.setRowCount(len(problems))
        for row, problem in enumerate(problems):
            for column, text in enumerate(problem_cells(problem)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        text = plan.summary()
        if problems:
            text += _("；共{count}处问题，见下表。").format(count=len(problems))
        else:
            text += _("；没有发现问题，可以全部导入。")
        self.summary_label.setText(text)
        self.status_label.setText("")
        self._finish()
        self.planned.emit(plan)

    def _on_imported(self, outcome: ImportOutcome) -> None:
        text = _("导入完成：{summary}").format(summary=outcome.result.summary())
        if outcome.error_workbook is not None:
            text += _("；未导入的行已保存到 {path}").format(path=outcome.error_workbook)
        self.status_label.setText(text)
        self.plan = None
        self._finish()
        self.imported.emit(outcome)

    def _on_template_saved(self, path: Path) -> None:
        self.status_label.setText(_("模板已保存到 {path}").format(path=path))
        self._finish()

    def _on_task_failed(self, exc: BaseException) -> None:
        log.warning("import step failed: %s", type(exc).__name__)
        self.status_label.setText(_("操作未完成：{error}").format(error=exc))
        self._finish()
