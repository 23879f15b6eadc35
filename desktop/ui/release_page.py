"""The release page (解除观察): school admins release, undo and revoke.

Three lists, filtered by college and class: the eligible students with
the reason each one is eligible (check many, or a whole class, give a
reason, confirm inline, and they are released in one transaction: all or
nothing, every refusal listed); the students still under observation with
where they stand; the released students, whose release can be undone
within the window and whose certificate can be revoked (each with a
reason, asked in a small dialog). Certificates can be printed or saved as
a PDF straight after a release or later from the released list.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop.clock import BEIJING
from desktop.i18n import N_, _
from desktop.services.auth import PermissionDenied
from desktop.services.observation import STATE_LABELS
from desktop.services.release import Released, ReleaseError, ReleaseRefused
from desktop.services.release_desk import (
    BoardRow,
    ReleaseBoard,
    ReleaseDesk,
)
from desktop.ui import errors
from desktop.ui.certificate_output import CertificateOutput
from desktop.ui.release_widgets import (
    BoardTable,
    ConfirmBar,
    EligibleTree,
    ReasonDialog,
    RowFilter,
)
from desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from desktop.ui.pages import PageEnv

log = logging.getLogger(__name__)

OBSERVING_HEADERS = (N_("学号"), N_("姓名"), N_("班级"), N_("状态"), N_("观察情况"))
RELEASED_HEADERS = (
    N_("学号"),
    N_("姓名"),
    N_("班级"),
    N_("解除时间"),
    N_("证明编号"),
    N_("证明状态"),
    N_("可撤回至"),
    N_("解除原因"),
)


class ReleasePage(QWidget):
    """Filters, the three lists and the actions of the release page.

    Signals:
        board_loaded(object): the ``ReleaseBoard`` now shown.
        released(object): the list of ``Released`` just done.
        release_refused(object): ``{student number: reason}``; nothing done.
        release_undone(str): the student whose release was undone.
        certificate_revoked(str): the number of the certificate revoked.
        pdf_written(str): the path of a certificate PDF just written.
    """

    board_loaded = Signal(object)
    released = Signal(object)
    release_refused = Signal(object)
    release_undone = Signal(str)
    certificate_revoked = Signal(str)
    pdf_written = Signal(str)

    def __init__(
        self, desk: ReleaseDesk, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._desk = desk
        self._runner = runner
        self._board: ReleaseBoard | None = None
        self._last_released: list[str] = []
        self.reason_dialog: ReasonDialog | None = None
        self.output = CertificateOutput(desk, runner, self._on_failed, self)
        self._build()
        self._connect()
        self.reload()

    def _build(self) -> None:
        self.college_combo = QComboBox(self)
        self.college_combo.addItem(_("全部学院"), None)
        self.class_combo = QComboBox(self)
        self.class_combo.addItem(_("全部班级"), None)
        self.class_combo.setMinimumContentsLength(14)
        self.refresh_button = QPushButton(_("刷新"), self)
        filters = QHBoxLayout()
        filters.addWidget(self.college_combo)
        filters.addWidget(self.class_combo)
        filters.addStretch(1)
        filters.addWidget(self.refresh_button)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._eligible_tab(), "")
        self.observing = BoardTable(
            [_(h) for h in OBSERVING_HEADERS], _observing_cells, self
        )
        self.tabs.addTab(self.observing, "")
        self.tabs.addTab(self._released_tab(), "")
        self._name_tabs(None)

        self.message = QLabel(self, objectName="releaseMessage")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.message.hide()
        self.print_button = QPushButton(_("打印刚签发的证明…"), self)
        self.pdf_button = QPushButton(_("保存为 PDF…"), self)
        result = QHBoxLayout()
        result.addWidget(self.message, 1)
        result.addWidget(self.print_button)
        result.addWidget(self.pdf_button)
        self.print_button.hide()
        self.pdf_button.hide()

        page = QVBoxLayout(self)
        page.setContentsMargins(10, 10, 10, 10)
        page.addLayout(filters)
        page.addWidget(self.tabs, 1)
        page.addLayout(result)

    def _eligible_tab(self) -> QWidget:
        tab = QWidget(self)
        self.eligible = EligibleTree(tab)
        self.select_all_button = QPushButton(_("全选"), tab)
        self.select_none_button = QPushButton(_("全不选"), tab)
        self.reason_edit = QLineEdit(tab)
        self.reason_edit.setMaxLength(200)
        self.reason_edit.setPlaceholderText(
            _("解除原因（必填），如：观察期满，符合解除条件")
        )
        self.release_button = QPushButton(_("解除观察并签发证明"), tab)
        self.release_button.setEnabled(False)
        self.confirm_bar = ConfirmBar(tab)
        actions = QHBoxLayout()
        actions.addWidget(self.select_all_button)
        actions.addWidget(self.select_none_button)
        actions.addWidget(self.reason_edit, 1)
        actions.addWidget(self.release_button)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.eligible, 1)
        layout.addLayout(actions)
        layout.addWidget(self.confirm_bar)
        return tab

    def _released_tab(self) -> QWidget:
        tab = QWidget(self)
        self.released_table = BoardTable(
            [_(h) for h in RELEASED_HEADERS], self._released_cells, tab
        )
        self.undo_button = QPushButton(_("撤回解除…"), tab)
        self.revoke_button = QPushButton(_("撤销证明…"), tab)
        self.reprint_button = QPushButton(_("打印所选证明…"), tab)
        self.save_button = QPushButton(_("所选证明存为 PDF…"), tab)
        actions = QHBoxLayout()
        actions.addWidget(QLabel(_("撤回仅限解除后一天内；超过后请撤销证明"), tab), 1)
        for button in (
            self.undo_button,
            self.revoke_button,
            self.reprint_button,
            self.save_button,
        ):
            actions.addWidget(button)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.released_table, 1)
        layout.addLayout(actions)
        return tab

    def _connect(self) -> None:
        self.college_combo.currentIndexChanged.connect(self._on_college_changed)
        self.class_combo.currentIndexChanged.connect(self._on_class_changed)
        self.refresh_button.clicked.connect(self.reload)
        self.select_all_button.clicked.connect(self._on_select_all_clicked)
        self.select_none_button.clicked.connect(self._on_select_none_clicked)
        self.eligible.selection_counted.connect(self._on_eligible_counted)
        self.reason_edit.textChanged.connect(self._on_reason_text_changed)
        self.release_button.clicked.connect(self._on_release_button_clicked)
        self.confirm_bar.confirmed.connect(self._on_confirm_bar_confirmed)
        self.undo_button.clicked.connect(self._on_undo_button_clicked)
        self.revoke_button.clicked.connect(self._on_revoke_button_clicked)
        self.reprint_button.clicked.connect(self._on_reprint_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.print_button.clicked.connect(self._on_print_button_clicked)
        self.pdf_button.clicked.connect(self._on_pdf_button_clicked)
        self.output.said.connect(self._on_output_said)
        self.output.pdf_written.connect(self.pdf_written)

    # Loading and filtering.

    def reload(self) -> None:
        """Read the board again."""
        self._runner.submit(
            self._desk.load, on_result=self._on_board_loaded, on_error=self._on_failed
        )

    @property
    def board(self) -> ReleaseBoard | None:
        """The board shown (None until the first load)."""
        return self._board

    def row_filter(self) -> RowFilter:
        """The college and class chosen (None: any)."""
        return self.college_combo.currentData(), self.class_combo.currentData()

    def _on_board_loaded(self, board: ReleaseBoard) -> None:
        self._board = board
        self._fill_filters(board)
        self._show_board()
        self.board_loaded.emit(board)

    def _fill_filters(self, board: ReleaseBoard) -> None:
        college = self.college_combo.currentData()
        self.college_combo.blockSignals(True)
        self.college_combo.clear()
        self.college_combo.addItem(_("全部学院"), None)
        for name in board.colleges():
            self.college_combo.addItem(name, name)
        self.college_combo.setCurrentIndex(max(self.college_combo.findData(college), 0))
        self.college_combo.blockSignals(False)
        self._fill_classes()

    def _fill_classes(self) -> None:
        chosen = self.class_combo.currentData()
        college = self.college_combo.currentData()
        self.class_combo.blockSignals(True)
        self.class_combo.clear()
        self.class_combo.addItem(_("全部班级"), None)
        colleges = self._board.colleges() if self._board else {}
        for name, classes in colleges.items():
            if college is None or name == college:
                for class_name in classes:
                    self.class_combo.addItem(class_name, class_name)
        self.class_combo.setCurrentIndex(max(self.class_combo.findData(chosen), 0))
        self.class_combo.blockSignals(False)

    def _on_college_changed(self) -> None:
        self._fill_classes()
        self._show_board()

    def _on_class_changed(self) -> None:
        self._show_board()

    def _show_board(self) -> None:
        board = self._board
        if board is None:
            return
        row_filter = self.row_filter()
        self.eligible.show_rows(board.eligible, row_filter)
        self.observing.show_rows(board.observing, row_filter)
        self.released_table.show_rows(board.released, row_filter)
        self._name_tabs(board)

    def _name_tabs(self, board: ReleaseBoard | None) -> None:
        counts = (
            (len(board.eligible), len(board.observing), len(board.released))
            if board
            else ("…", "…", "…")
        )
        titles = (_("可解除观察（{n}）"), _("观察中（{n}）"), _("已解除（{n}）"))
        for index, (title, count) in enumerate(zip(titles, counts, strict=True)):
            self.tabs.setTabText(index, title.format(n=count))

    def _released_cells(self, row: BoardRow) -> list[str]:
        status = row.status
        state = _(STATE_LABELS[status.state])
        if status.revoke_reason:
            state += "：" + status.revoke_reason
        undo = ""
        if self._board is not None and self._board.can_undo(row) and row.undo_until:
            undo = row.undo_until.astimezone(BEIJING).strftime("%m-%d %H:%M")
        released_at = row.released_at.astimezone(BEIJING) if row.released_at else None
        return [
            row.student_no,
            row.name,
            row.class_name,
            released_at.strftime("%Y-%m-%d %H:%M") if released_at else "",
            status.certificate_number or "",
            state,
            undo or _("已过撤回期限"),
            row.release_reason or "",
        ]

    # Releasing.

    def _on_select_all_clicked(self) -> None:
        self.eligible.set_all(True)

    def _on_select_none_clicked(self) -> None:
        self.eligible.set_all(False)

    def _on_eligible_counted(self, count: int) -> None:
        self._update_release_button(count)

    def _on_reason_text_changed(self) -> None:
        self._update_release_button(len(self.eligible.checked_numbers()))

    def _update_release_button(self, count: int) -> None:
        ready = count > 0 and bool(self.reason_edit.text().strip())
        self.release_button.setEnabled(ready)
        self.release_button.setText(
            _("解除观察并签发证明（{n}人）").format(n=count)
            if count
            else _("解除观察并签发证明")
        )

    def _on_release_button_clicked(self) -> None:
        numbers = self.eligible.checked_numbers()
        if not numbers:
            return
        question = _("确认解除以下 {n} 名学生的观察并签发电子证明？{nos}\n原因：{why}")
        shown = "、".join(numbers[:8]) + ("…" if len(numbers) > 8 else "")
        self.confirm_bar.ask(
            question.format(
                n=len(numbers), nos=shown, why=self.reason_edit.text().strip()
            ),
            _("确认解除"),
        )

    def _on_confirm_bar_confirmed(self) -> None:
        numbers = self.eligible.checked_numbers()
        self.release_button.setEnabled(False)
        self._runner.submit(
            self._desk.release,
            numbers,
            self.reason_edit.text().strip(),
            on_result=self._on_desk_released,
            on_error=self._on_release_failed,
        )

    def _on_desk_released(self, done: list[Released]) -> None:
        self._last_released = [item.student_no for item in done]
        numbers = "、".join(item.certificate_number for item in done)
        self._say(
            _("已解除 {n} 名学生的观察，已签发证明：{numbers}").format(
                n=len(done), numbers=numbers
            ),
            error=False,
        )
        self.print_button.show()
        self.pdf_button.show()
        self.reason_edit.clear()
        self.reload()
        self.released.emit(done)

    def _on_release_failed(self, exc: BaseException) -> None:
        self._update_release_button(len(self.eligible.checked_numbers()))
        if isinstance(exc, ReleaseRefused):
            lines = [f"{no}：{why}" for no, why in exc.problems.items()]
            self._say(
                _("未解除任何学生（全部或全不）：\n{lines}").format(
                    lines="\n".join(lines)
                ),
                error=True,
            )
            self.reload()
            self.release_refused.emit(dict(exc.problems))
            return
        self._on_failed(exc)

    # Undo and revoke.

    def _on_undo_button_clicked(self) -> None:
        rows = self.released_table.selected_rows()
        if len(rows) != 1:
            self._say(_("请在已解除列表中选择一名学生"), error=True)
            return
        row = rows[0]
        if self._board is None or not self._board.can_undo(row):
            self._say(_("已超过可撤回的时限，不能撤回；如需作废请撤销证明"), error=True)
            return
        self._ask_reason(
            _("撤回解除观察"),
            _("撤回 {name}（{no}）的解除观察？其证明 {number} 将同时撤销。").format(
                name=row.name, no=row.student_no, number=row.status.certificate_number
            ),
            _("确认撤回"),
            row.student_no,
            self._desk.undo,
            self._on_desk_undone,
        )

    def _on_revoke_button_clicked(self) -> None:
        rows = self.released_table.selected_rows()
        if len(rows) != 1:
            self._say(_("请在已解除列表中选择一名学生"), error=True)
            return
        row = rows[0]
        self._ask_reason(
            _("撤销电子证明"),
            _("撤销 {name}（{no}）的证明 {number}？解除观察本身保留。").format(
                name=row.name, no=row.student_no, number=row.status.certificate_number
            ),
            _("确认撤销"),
            row.student_no,
            self._desk.revoke,
            self._on_desk_revoked,
        )

    def _ask_reason(
        self,
        title: str,
        question: str,
        ok_text: str,
        student_no: str,
        action: Callable[[str, str], object],
        done: Callable[[Any], None],
    ) -> None:
        dialog = ReasonDialog(title, question, ok_text, self)
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.reason_given.connect(
            partial(self._on_reason_dialog_reason_given, student_no, action, done)
        )
        self.reason_dialog = dialog
        dialog.open()

    def _on_reason_dialog_reason_given(
        self,
        student_no: str,
        action: Callable[[str, str], object],
        done: Callable[[Any], None],
        reason: str,
    ) -> None:
        self.reason_dialog = None
        self._runner.submit(
            action, student_no, reason, on_result=done, on_error=self._on_failed
        )

    def _on_desk_undone(self, number: str | None) -> None:
        self._say(_("已撤回解除，证明 {number} 已撤销").format(number=number or "-"))
        self.reload()
        self.release_undone.emit(number or "")

    def _on_desk_revoked(self, number: str) -> None:
        self._say(_("证明 {number} 已撤销").format(number=number))
        self.reload()
        self.certificate_revoked.emit(number)

    # Printing.

    def _on_print_button_clicked(self) -> None:
        self.output.print_numbers(self._last_released)

    def _on_pdf_button_clicked(self) -> None:
        self.output.ask_pdf(self._last_released)

    def _on_reprint_button_clicked(self) -> None:
        self.output.print_numbers(
            [row.student_no for row in self.released_table.selected_rows()]
        )

    def _on_save_button_clicked(self) -> None:
        rows = self.released_table.selected_rows()
        self.output.ask_pdf([row.student_no for row in rows])

    def save_pdf(self, numbers: Sequence[str], path: Path) -> None:
        """Write the valid certificates of ``numbers`` to ``path`` (worker)."""
        self.output.save_pdf(numbers, path)

    def _on_output_said(self, text: str, error: bool) -> None:
        self._say(text, error=error)

    # Messages.

    def message_text(self) -> str:
        """The last message shown under the lists."""
        return self.message.text()

    def _say(self, text: str, *, error: bool = False) -> None:
        colour = "#b71c1c" if error else "#1b5e20"
        self.message.setStyleSheet(f"#releaseMessage {{ color: {colour}; }}")
        self.message.setText(text)
        self.message.show()

    def _on_failed(self, exc: BaseException) -> None:
        if isinstance(exc, ReleaseError | PermissionDenied):
            self._say(str(exc), error=True)
            return
        log.error("release page action failed", exc_info=exc)
        message = _("操作失败：{error}").format(error=type(exc).__name__)
        self._say(message, error=True)
        errors.post(message)


def _observing_cells(row: BoardRow) -> list[str]:
    return [
        row.student_no,
        row.name,
        row.class_name,
        _(STATE_LABELS[row.status.state]),
        row.status.describe(),
    ]


def make_page(env: PageEnv) -> QWidget:
    """The page factory registered in ``pages.page_specs``."""
    context = env.context
    desk = ReleaseDesk(context.db, context.clock, context.keyring, env.actor)
    return ReleasePage(desk, env.runner, env.parent)
