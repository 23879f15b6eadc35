"""Workbooks the imports hand out: templates and error workbooks.

A template has the Chinese headers of the notice, a frozen header row,
column widths and one example row. An error workbook holds the rejected
rows as the file had them plus a 错误原因 column; once fixed, it imports
like any other file of its kind (unknown columns are ignored).
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop.i18n import _
from desktop.services.imports.columns import (
    COLUMNS,
    ERROR_HEADER,
    KIND_LABELS,
    ImportKind,
)
from desktop.services.imports.report import ImportPlan

log = logging.getLogger(__name__)

HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
PROBLEM_FONT = Font(color="C00000")
PROBLEM_FILL = PatternFill("solid", fgColor="FFE0E0")
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"
# Columns typed as text, so Excel keeps leading zeros and long digits.
_TEXT_KEYS = frozenset({"student_no", "doc_number", "phone", "room"})
# Kept out of the templates: the two-column spelling of 入学年月.
_NOT_IN_TEMPLATE = frozenset({"enrol_year", "enrol_month"})


def _style_header(sheet: Worksheet, count: int) -> None:
    for index in range(1, count + 1):
        cell = sheet.cell(row=1, column=index)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
    sheet.freeze_panes = "A2"


def _put(cell: Cell, value: object) -> None:
    """Write ``value``; text that looks like a formula stays text."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    elif isinstance(value, datetime | date):
        cell.number_format = DATE_FORMAT


def template_workbook(kind: ImportKind | str, path: Path | str) -> Path:
    """Write the template workbook of ``kind`` to ``path``."""
    kind = ImportKind(kind)
    columns = [c for c in COLUMNS[kind] if c.key not in _NOT_IN_TEMPLATE]
    book = Workbook()
    sheet = book.active
    sheet.title = _(KIND_LABELS[kind])
    sheet.append([_(column.label) for column in columns])
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(
            column.width, len(column.label) * 2 + 2
        )
        example = column.example
        if column.key in ("arrival_date", "approved_from", "day"):
            example = date.fromisoformat(str(example)) if example else None
        cell = sheet.cell(row=2, column=index)
        _put(cell, example if example != "" else None)
        if column.key in _TEXT_KEYS:
            cell.number_format = TEXT_FORMAT
    _style_header(sheet, len(columns))
    target = Path(path)
    book.save(target)
    log.info("template %s written", kind.value)
    return target


def write_error_workbook(plan: ImportPlan, path: Path | str) -> Path:
    """Write the rejected rows of ``plan`` with a 错误原因 column.

    File-level problems (missing columns...) go in rows of their own that
    hold only the reason; they are skipped when the workbook is imported.
    """
    book = Workbook()
    sheet = book.active
    sheet.title = _("未导入的行")
    headers = list(plan.headers) or [""]
    reason_column = len(headers) + 1
    for index, header in enumerate([*headers, _(ERROR_HEADER)], start=1):
        _put(sheet.cell(row=1, column=index), header)
    for problem in plan.file_problems:
        _put(sheet.cell(row=sheet.max_row + 1, column=reason_column), problem.message())

    for planned in plan.rejected_rows:
        row = sheet.max_row + 1
        for index, value in enumerate(planned.cells[: len(headers)], start=1):
            cell = sheet.cell(row=row, column=index)
            _put(cell, value)
            if index - 1 in planned.bad_columns:
                cell.font = PROBLEM_FONT
                cell.fill = PROBLEM_FILL
        reasons = "；".join(p.message() for p in planned.problems)
        reason = sheet.cell(row=row, column=reason_column)
        _put(reason, reasons)
        reason.font = PROBLEM_FONT

    for index, header in enumerate([*headers, ERROR_HEADER], start=1):
        width = 60 if index == reason_column else max(10, len(str(header)) * 2 + 2)
        sheet.column_dimensions[get_column_letter(index)].width = width
    _style_header(sheet, reason_column)
    target = Path(path)
    book.save(target)
    log.info("error workbook written: %d rows", len(plan.rejected_rows))
    return target
