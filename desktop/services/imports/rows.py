"""Reading one data row: typed values out, problems with their column in.

A ``Layout`` is what the header row told us: which column holds which
field. A ``RowReader`` hands a kind's parser the typed value of a field
and files a ``Problem`` with the right row, column and label when the
value cannot be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from openpyxl.utils import get_column_letter

from desktop.i18n import _
from desktop.services.imports.columns import ImportColumn
from desktop.services.imports.reader import Cells
from desktop.services.imports.report import PlannedRow, Problem

T = TypeVar("T")


@dataclass
class Layout:
    """The columns of a file.

    Attributes:
        headers: the header cells as text.
        positions: field key → column index.
        labels: field key → label shown in problems.
        aliases: field key → the key of the column that carries it
            (入学年份 inside a single 入学年月 column).
    """

    headers: list[str]
    positions: dict[str, int]
    labels: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        headers: list[str],
        positions: dict[str, int],
        columns: tuple[ImportColumn, ...],
        extra_labels: dict[str, str] | None = None,
    ) -> Layout:
        """The layout of a file whose columns matched ``columns``."""
        labels = {column.key: _(column.label) for column in columns}
        labels.update({k: _(v) for k, v in (extra_labels or {}).items()})
        return cls(headers, positions, labels)

    def position(self, key: str) -> int | None:
        """The column index carrying ``key``, if the file has one."""
        found = self.positions.get(key)
        if found is None and key in self.aliases:
            found = self.positions.get(self.aliases[key])
        return found


class RowReader:
    """Typed access to one row's cells, collecting its problems."""

    __slots__ = ("layout", "planned")

    def __init__(self, layout: Layout, planned: PlannedRow) -> None:
        self.layout = layout
        self.planned = planned

    @classmethod
    def start(cls, layout: Layout, number: int, cells: Cells) -> RowReader:
        """A reader for a fresh row of the file."""
        return cls(layout, PlannedRow(row=number, key=None, record=None, cells=cells))

    def raw(self, key: str) -> object:
        """The cell of ``key`` as read, None without such a column."""
        position = self.layout.positions.get(key)
        cells = self.planned.cells
        if position is None or position >= len(cells):
            return None
        return cells[position]

    def has(self, key: str) -> bool:
        """Whether the file has a column for ``key``."""
        return key in self.layout.positions

    def value(self, key: str, parser: Callable[[object], T], default: T) -> T:
        """``parser`` applied to the cell of ``key``; ``default`` if it fails."""
        try:
            return parser(self.raw(key))
        except ValueError as error:
            self.fail(key, str(error))
            return default

    def fail(self, key: str | None, reason: str) -> None:
        """File a problem with the field ``key`` (None: the row as a whole)."""
        position = self.layout.position(key) if key else None
        column = header = None
        if position is not None:
            column = get_column_letter(position + 1)
            header = (
                self.layout.headers[position]
                if position < len(self.layout.headers)
                else None
            )
            self.planned.bad_columns.add(position)
        label = self.layout.labels.get(key, key) if key else ""
        self.planned.problems.append(
            Problem(self.planned.row, column, header, label or "", reason)
        )


def mark_duplicates(rows: list[PlannedRow], layout: Layout) -> None:
    """Refuse every row whose student number appears more than once."""
    seen: dict[str, list[PlannedRow]] = {}
    for row in rows:
        if row.key is not None:
            seen.setdefault(row.key, []).append(row)
    for same in seen.values():
        if len(same) < 2:
            continue
        numbers = "、".join(str(r.row) for r in same)
        for row in same:
            RowReader(layout, row).fail(
                "student_no",
                _("学号在文件中重复出现（第{rows}行）").format(rows=numbers),
            )
