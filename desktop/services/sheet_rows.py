"""Writing the long lists of a workbook a whole row at a time.

openpyxl's write-only mode still makes a cell object per value and an XML
element per cell; for the school's list of 100,000 students that was most
of the export. A :class:`RowSheet` also takes :class:`StyledRow` values and
writes each as one piece of markup straight into the sheet's XML stream:
inline strings, numbers and empty styled cells, the same markup openpyxl
writes, with the style ids registered once through openpyxl. Everything
else about the sheet (column widths, merged cells, frozen panes, print
set-up, rows of ordinary cells) stays openpyxl's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lxml import etree
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS

_LETTERS = [get_column_letter(number) for number in range(1, 101)]


@dataclass(frozen=True, slots=True)
class StyledRow:
    """A row of plain values sharing one cell style (an openpyxl xf id)."""

    values: Sequence[object]
    style_id: int


def _text(value: str) -> str:
    """The ``<is>`` content of a text cell, escaped for XML."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    escaped = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escaped}</t>"


class _Renderer:
    """Turns styled rows into ``<row>`` markup, reusing repeated cells.

    Most columns repeat a handful of values (是/否, 校内, an approval), so
    the markup after each cell's reference is kept per value and style.
    """

    def __init__(self) -> None:
        self._tails: dict[tuple[object, type, int], str] = {}

    def _tail(self, value: object, style: int) -> str:
        key = (value, type(value), style)
        tail = self._tails.get(key)
        if tail is None:
            if value is None or value == "":
                tail = f' s="{style}"/>'
            elif isinstance(value, int | float) and not isinstance(value, bool):
                tail = f' s="{style}" t="n"><v>{value!r}</v></c>'
            else:
                tail = f' s="{style}" t="inlineStr"><is>{_text(str(value))}</is></c>'
            if len(self._tails) < 100_000:  # names and numbers rarely repeat
                self._tails[key] = tail
        return tail

    def render(self, row: StyledRow, row_idx: int) -> bytes:
        """The ``<row>`` markup of ``row`` as row number ``row_idx``.

        Text is always an inline string, so text that starts like a
        formula stays text; ``None`` and "" give an empty cell that keeps
        its style.
        """
        style, number = row.style_id, str(row_idx)
        parts = [f'<row r="{number}">']
        for letter, value in zip(_LETTERS, row.values, strict=False):
            parts.append(f'<c r="{letter}{number}"')
            parts.append(self._tail(value, style))
        parts.append("</row>")
        return "".join(parts).encode("utf-8", "replace")


class _RowWriter(WorksheetWriter):
    """Writes styled rows' markup straight into the sheet's XML stream."""

    def __init__(self, ws: Any, out: Any = None) -> None:
        self._handle: Any = None
        self._renderer = _Renderer()
        super().__init__(ws, out)

    def get_stream(self) -> Any:
        # openpyxl's stream, opened on a file handle of our own and
        # unbuffered, so that raw rows can go between its elements.
        with (
            open(self.out, "wb") as handle,
            etree.xmlfile(handle, buffered=False) as xf,
        ):
            self._handle = handle
            with xf.element("worksheet", xmlns=SHEET_MAIN_NS):
                try:
                    while True:
                        element = yield
                        if element is True:
                            yield xf
                        elif element is not None:
                            xf.write(element)
                except GeneratorExit:
                    pass

    def write_row(self, xf: Any, row: Any, row_idx: int) -> None:
        if isinstance(row, StyledRow):
            self._handle.write(self._renderer.render(row, row_idx))
        else:
            super().write_row(xf, row, row_idx)


class RowSheet(WriteOnlyWorksheet):
    """A write-only sheet whose ``append`` also takes a :class:`StyledRow`."""

    def _get_writer(self) -> None:
        if self._writer is None:
            self._writer = _RowWriter(self)
            self._writer.write_top()

    def _values_to_row(self, values: Any, row_idx: int) -> Any:
        if isinstance(values, StyledRow):
            return values
        return super()._values_to_row(values, row_idx)

    def append(self, row: Any) -> None:
        """Append a list of values or cells, or a :class:`StyledRow`."""
        if not isinstance(row, StyledRow):
            super().append(row)
            return
        # The parent's append only lets lists, tuples and generators in.
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(row)


def create_row_sheet(workbook: Workbook, title: str) -> RowSheet:
    """Add a :class:`RowSheet` to a write-only ``workbook``."""
    sheet = RowSheet(parent=workbook, title=title)
    workbook._add_sheet(sheet)
    return sheet


def style_id(sheet: WriteOnlyWorksheet, **style: Any) -> int:
    """The workbook's id of a cell style (font, fill, border, alignment…)."""
    cell = WriteOnlyCell(sheet)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell.style_id
