"""What an import found and what it did: problems, the plan, the result.

A ``Problem`` names the Excel row, the column (letter and header as the
file spells it), the field and the reason, in Chinese. No problem quotes
a document number, phone or name: reasons say what is wrong, not the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from desktop.i18n import _
from desktop.services.imports.columns import KIND_LABELS, ImportKind, normalise_header
from desktop.services.imports.reader import Cells


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file or one of its rows.

    Attributes:
        row: the Excel row number, None for the file as a whole.
        column: the column letter, None when the field has no column.
        header: the column's header as written in the file.
        field: the field's label (the template's header).
        reason: why, in Chinese.
    """

    row: int | None
    column: str | None
    header: str | None
    field: str
    reason: str

    def where(self) -> str:
        """第12行 F列「证件号码」, as much of it as is known."""
        parts = []
        if self.row is not None:
            parts.append(_("第{row}行").format(row=self.row))
        if self.column is not None:
            parts.append(" " + _("{column}列").format(column=self.column))
        shown = self.header or self.field
        if shown:
            named = f"「{shown}」"
            if self.header and normalise_header(self.header) != normalise_header(
                self.field
            ):
                named += f"（{self.field}）"
            parts.append(named)
        return "".join(parts)

    def message(self) -> str:
        """The whole problem as one line."""
        where = self.where()
        return f"{where}：{self.reason}" if where else self.reason


@dataclass
class PlannedRow:
    """One data row of the file, judged.

    Attributes:
        row: the Excel row number.
        key: the student number the row is about, when it could be read.
        record: what the row says, typed, ready to write (kind-specific).
        problems: what is wrong with the row; empty when it is valid.
        cells: the row's original cells (kept for the error workbook).
        bad_columns: indexes of the cells that hold a problem.
    """

    row: int
    key: str | None
    record: object | None
    problems: list[Problem] = field(default_factory=list)
    cells: Cells = ()
    bad_columns: set[int] = field(default_factory=set)

    @property
    def valid(self) -> bool:
        """Whether the row can be written."""
        return not self.problems and self.record is not None


@dataclass
class ImportPlan:
    """A file judged as a whole, before anything is written.

    Attributes:
        kind: what the file holds.
        path: the file.
        headers: the header row's cells as text.
        header_row: the Excel row number of the header row.
        file_problems: problems of the file as a whole (missing columns...).
        rows: every data row, valid or not.
        positions: field key → index of its column in the file.
    """

    kind: ImportKind
    path: Path
    headers: list[str] = field(default_factory=list)
    header_row: int = 1
    file_problems: list[Problem] = field(default_factory=list)
    rows: list[PlannedRow] = field(default_factory=list)
    positions: dict[str, int] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        """The file's name without its folder."""
        return self.path.name

    @property
    def problems(self) -> list[Problem]:
        """Every problem, the file's first, then row by row."""
        found = list(self.file_problems)
        for row in self.rows:
            found.extend(row.problems)
        return found

    @property
    def valid_rows(self) -> list[PlannedRow]:
        """The rows that can be written."""
        return [row for row in self.rows if row.valid]

    @property
    def rejected_rows(self) -> list[PlannedRow]:
        """The rows that cannot be written."""
        return [row for row in self.rows if not row.valid]

    @property
    def ok(self) -> bool:
        """Whether the whole file can be written."""
        return not self.file_problems and all(row.valid for row in self.rows)

    def summary(self) -> str:
        """One line: the kind, the file and how many rows are valid."""
        return _("{kind}「{name}」：共{total}行，有效{valid}行，有问题{bad}行").format(
            kind=_(KIND_LABELS[self.kind]),
            name=self.file_name,
            total=len(self.rows),
            valid=len(self.valid_rows),
            bad=len(self.rejected_rows),
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, in rows of the file."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0

    def summary(self) -> str:
        """One line for the user."""
        return _(
            "新增{created}，更新{updated}，未变{unchanged}，未导入{rejected}"
        ).format(
            created=self.created,
            updated=self.updated,
            unchanged=self.unchanged,
            rejected=self.rejected,
        )


class ImportRefused(Exception):
    """The file has problems and nothing was written."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(
            _("文件有{count}处问题，未导入任何数据").format(count=len(plan.problems))
        )
        self.plan = plan
