"""The statistics sheets as xlsx: a class, a college, the whole school.

Laid out like an official form (DESIGN section 7): merged title, a line with
college, class, class head and time, a frozen header row, one row per
student with problems highlighted, totals, and A4 landscape print set-up
fitted to the width with the header rows repeated on every page. Written
in openpyxl's write-only mode so the whole school stays within seconds.
Text that starts like a formula is stored as text, never as a formula.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.properties import PageSetupProperties
from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock, today
from desktop.i18n import _
from desktop.models import College, SchoolClass
from desktop.services import audit
from desktop.services.auth import Actor, Permission, PermissionDenied, Role
from desktop.services.scope import class_condition
from desktop.services.settings import load_settings
from desktop.services.sheet_data import (
    LATE,
    NOT_REGISTERED,
    SYMPTOMS,
    UNAPPROVED_RETURN,
    ClassSheet,
    SheetRow,
    Totals,
    class_sheets,
)
from desktop.services.sheet_rows import StyledRow, create_row_sheet, style_id

log = logging.getLogger(__name__)

TITLE = "“京心相助”小程序（APP）研究生信息登记情况统计表"
HEADERS = (
    ("序号", 6),
    ("学号", 13),
    ("姓名", 9),
    ("性别", 5),
    ("专业", 16),
    ("是否登记", 8),
    ("登记时间", 16),
    ("是否按时", 8),
    ("是否在京", 8),
    ("抵京日期", 11),
    ("来源地", 16),
    ("住校情况", 8),
    ("症状", 10),
    ("返校审批", 24),
    ("报到情况", 26),
    ("备注", 26),
)
# Problem → fill; the first problem of a row in this order colours it.
_FILLS = {
    SYMPTOMS: PatternFill("solid", fgColor="F4B6B6"),
    NOT_REGISTERED: PatternFill("solid", fgColor="FBE3D6"),
    UNAPPROVED_RETURN: PatternFill("solid", fgColor="FFF2AB"),
    LATE: PatternFill("solid", fgColor="FCE4B0"),
}
_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E2F3")
_BOLD = Font(bold=True)
_TITLE_FONT = Font(bold=True, size=16)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_MIDDLE = Alignment(vertical="center")
_LEFT = Alignment(horizontal="left")
_FIRST_DATA_ROW = 4  # title, info line, header
_CLASS_COLUMN = 4  # where the school-wide list puts its 班级 column

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_BAD_FILE_CHARS = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


def safe_file_name(name: str, suffix: str = ".xlsx") -> str:
    """``name`` made safe as a file name on Windows, macOS and Linux."""
    stem = _BAD_FILE_CHARS.sub("_", name).strip().rstrip(". ")[:100] or "sheet"
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem + suffix


def safe_sheet_name(name: str, taken: set[str]) -> str:
    """A sheet name within Excel's rules (31 characters, no []:*?/\\), unique."""
    base = _BAD_SHEET_CHARS.sub("_", name).strip("' ") or "Sheet"
    base = base[:31]
    candidate, number = base, 2
    while candidate.lower() in taken:
        tail = f"({number})"
        candidate = base[: 31 - len(tail)] + tail
        number += 1
    taken.add(candidate.lower())
    return candidate


class _Cells:
    """Makes write-only cells, registering each distinct style only once.

    Setting ``font``/``fill``/… on a cell makes openpyxl hash the style
    objects every time; for a school of 100,000 rows that was most of the
    export. A style combination is registered on its first use and its
    index array copied onto later cells.
    """

    def __init__(self, sheet: WriteOnlyWorksheet) -> None:
        self._sheet = sheet
        # id(style objects) → their array; the objects are kept alive in the
        # value so that an id cannot be reused while this cache exists.
        self._styles: dict[tuple[int, ...], tuple[tuple[object, ...], StyleArray]] = {}

    def __call__(self, value: object, **style: object) -> WriteOnlyCell:
        cell = WriteOnlyCell(self._sheet, value=value)
        if isinstance(value, str) and value.startswith("="):
            cell.data_type = "s"  # text that looks like a formula stays text
        if style:
            key = tuple(id(v) for v in style.values()) + tuple(map(hash, style))
            known = self._styles.get(key)
            if known is None:
                for name, setting in style.items():
                    setattr(cell, name, setting)
                self._styles[key] = (tuple(style.values()), copy(cell._style))
            else:
                cell._style = copy(known[1])
        return cell


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("是") if value else _("否")


def _values(number: int, row: SheetRow, class_name: str | None) -> list[object]:
    registered_at = ""
    if row.registered_at is not None:
        registered_at = row.registered_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    values: list[object] = [
        number,
        row.student_no,
        row.name,
        row.gender,
        row.major,
        _yes_no(row.registered),
        registered_at,
        _yes_no(row.on_time),
        _yes_no(row.in_beijing),
        row.arrival,
        row.origin,
        row.residence,
        row.symptoms,
        row.approval,
        row.checked_in,
        row.remarks,
    ]
    if class_name is not None:
        values.insert(_CLASS_COLUMN, class_name)
    return values


def _highlight(row: SheetRow) -> str | None:
    """The problem whose fill colours the row, if any."""
    return next((key for key in _FILLS if key in row.problems), None)


def _set_up_page(sheet: WriteOnlyWorksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{_FIRST_DATA_ROW}"
    sheet.print_title_rows = f"1:{_FIRST_DATA_ROW - 1}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = 9  # A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _write_heading(
    sheet: WriteOnlyWorksheet, cells: _Cells, info: str, headers: Sequence[str]
) -> None:
    last = get_column_letter(len(headers))
    sheet.merged_cells.add(CellRange(f"A1:{last}1"))
    sheet.merged_cells.add(CellRange(f"A2:{last}2"))
    sheet.row_dimensions[1].height = 30
    sheet.append([cells(_(TITLE), font=_TITLE_FONT, alignment=_CENTER)])
    sheet.append([cells(info, alignment=_LEFT)])
    sheet.append(
        [
            cells(
                label,
                font=_BOLD,
                fill=_HEADER_FILL,
                alignment=_CENTER,
                border=_BORDER,
            )
            for label in headers
        ]
    )


def _write_totals(sheet: WriteOnlyWorksheet, cells: _Cells, totals: Totals) -> None:
    sheet.append([])
    line = _(
        "合计：应登记 {expected} 人，已登记 {registered} 人，未登记 {missing} 人，"
        "逾期登记 {late} 人，登记率 {rate:.1%}"
    ).format(
        expected=totals.expected,
        registered=totals.registered,
        missing=totals.missing,
        late=totals.late,
        rate=totals.rate,
    )
    sheet.append([cells(line, font=_BOLD)])


def write_class_sheet(
    workbook: Workbook,
    sheet_name: str,
    data: ClassSheet,
    made_at: datetime,
    class_names: dict[str, str] | None = None,
) -> None:
    """Add one class's sheet to a write-only ``workbook``.

    With ``class_names`` (student number → class) the sheet lists students
    of many classes and gains a 班级 column.
    """
    sheet = create_row_sheet(workbook, sheet_name)
    cells = _Cells(sheet)
    columns = list(HEADERS)
    if class_names is not None:
        columns.insert(_CLASS_COLUMN, ("班级", 18))
    _set_up_page(sheet, [width for _label, width in columns])
    info = _("学院：{college}　班级：{name}　班主任：{head}　统计时间：{time}").format(
        college=data.college_name,
        name=data.class_name,
        head=data.head_name,
        time=made_at.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M"),
    )
    _write_heading(sheet, cells, info, [_(label) for label, _w in columns])
    plain = style_id(sheet, border=_BORDER, alignment=_MIDDLE)
    highlighted = {
        key: style_id(sheet, border=_BORDER, alignment=_MIDDLE, fill=fill)
        for key, fill in _FILLS.items()
    }
    for number, row in enumerate(data.rows, start=1):
        class_name = class_names.get(row.student_no) if class_names else None
        key = _highlight(row)
        style = plain if key is None else highlighted[key]
        sheet.append(StyledRow(_values(number, row, class_name), style))
    _write_totals(sheet, cells, data.totals)


SUMMARY_HEADERS = ("序号", "名称", "应登记", "已登记", "未登记", "逾期登记", "登记率")


def write_summary_sheet(
    workbook: Workbook,
    sheet_name: str,
    title_line: str,
    lines: Iterable[tuple[str, Totals]],
) -> None:
    """A summary sheet: one line per class or college, with a total line."""
    sheet = workbook.create_sheet(sheet_name)
    cells = _Cells(sheet)
    _set_up_page(sheet, (6, 30, 10, 10, 10, 10, 10))
    _write_heading(sheet, cells, title_line, [_(h) for h in SUMMARY_HEADERS])
    expected = registered = late = 0
    for number, (name, totals) in enumerate(lines, start=1):
        expected += totals.expected
        registered += totals.registered
        late += totals.late
        sheet.append(
            [cells(v, border=_BORDER) for v in _summary_values(number, name, totals)]
        )
    whole = Totals(expected, registered, expected - registered, late)
    sheet.append(
        [
            cells(v, border=_BORDER, font=_BOLD)
            for v in _summary_values("", _("合计"), whole)
        ]
    )


def _summary_values(number: object, name: str, totals: Totals) -> list[object]:
    return [
        number,
        name,
        totals.expected,
        totals.registered,
        totals.missing,
        totals.late,
        f"{totals.rate:.1%}",
    ]


def _classes_in_scope(
    session: Session, actor: Actor, *conditions: object
) -> list[SchoolClass]:
    return list(
        session.scalars(
            select(SchoolClass)
            .join(College, SchoolClass.college_id == College.id)
            .where(class_condition(actor), *conditions)
            .order_by(SchoolClass.name)
        )
    )


def _wanted_classes(
    session: Session, actor: Actor, condition: object, refusal: str, name: str
) -> list[SchoolClass]:
    """The classes ``condition`` names within the actor's scope, or refuse."""
    actor.require(Permission.ROSTER_VIEW)
    classes = _classes_in_scope(session, actor, condition)
    if not classes:
        reason = _("（不存在或不在您负责的范围内）")
        raise PermissionDenied(refusal.format(name=name) + reason)
    return classes


def _save(workbook: Workbook, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".part")
    workbook.save(temporary)
    temporary.replace(path)  # never a half-written workbook under the real name
    return path


def export_class(
    session: Session, clock: Clock, actor: Actor, class_name: str, folder: Path
) -> Path:
    """Write ``<class name>.xlsx`` into ``folder``; class heads only their own."""
    classes = _wanted_classes(
        session,
        actor,
        SchoolClass.name == class_name,
        _("无权导出班级：{name}"),
        class_name,
    )
    now = clock.now()
    (data,) = class_sheets(
        session, [classes[0].id], load_settings(session), today(clock)
    )
    workbook = Workbook(write_only=True)
    write_class_sheet(workbook, safe_sheet_name(class_name, set()), data, now)
    path = _save(workbook, folder / safe_file_name(class_name))
    audit.record(
        session,
        clock,
        actor,
        "sheet.export",
        f"class:{class_name}",
        rows=len(data.rows),
    )
    return path


def export_college(
    session: Session, clock: Clock, actor: Actor, college_name: str, folder: Path
) -> Path:
    """A college workbook: a summary sheet, then a sheet per class."""
    classes = _wanted_classes(
        session,
        actor,
        College.name == college_name,
        _("无权导出学院：{name}"),
        college_name,
    )
    now = clock.now()
    sheets = class_sheets(
        session, [c.id for c in classes], load_settings(session), today(clock)
    )
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    stamp = now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")
    write_summary_sheet(
        workbook,
        safe_sheet_name(_("汇总"), taken),
        _("学院：{college}　统计时间：{time}").format(college=college_name, time=stamp),
        [(s.class_name, s.totals) for s in sheets],
    )
    for data in sheets:
        write_class_sheet(workbook, safe_sheet_name(data.class_name, taken), data, now)
    path = _save(workbook, folder / safe_file_name(college_name))
    audit.record(
        session,
        clock,
        actor,
        "sheet.export",
        f"college:{college_name}",
        classes=len(sheets),
    )
    return path


def export_school(session: Session, clock: Clock, actor: Actor, path: Path) -> Path:
    """The school workbook: summary by college, by class, then every student.

    School admins only: a workbook titled 全校 must hold the whole school.
    """
    actor.require(Permission.ROSTER_VIEW)
    if actor.role is not Role.SCHOOL_ADMIN:
        raise PermissionDenied(_("全校统计表仅限校级管理员导出"))
    classes = _classes_in_scope(session, actor)
    now = clock.now()
    sheets = class_sheets(
        session, [c.id for c in classes], load_settings(session), today(clock)
    )
    stamp = now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M")

    by_college: dict[str, list[Totals]] = {}
    for data in sheets:
        by_college.setdefault(data.college_name, []).append(data.totals)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    heading = _("全校　统计时间：{time}").format(time=stamp)
    write_summary_sheet(
        workbook,
        safe_sheet_name(_("按学院汇总"), taken),
        heading,
        [(name, _sum(totals)) for name, totals in sorted(by_college.items())],
    )
    write_summary_sheet(
        workbook,
        safe_sheet_name(_("按班级汇总"), taken),
        heading,
        [(s.class_name, s.totals) for s in sheets],
    )
    everyone = ClassSheet(
        0, _("全校"), _("全部学院"), "", [r for s in sheets for r in s.rows]
    )
    class_of = {r.student_no: s.class_name for s in sheets for r in s.rows}
    write_class_sheet(
        workbook, safe_sheet_name(_("学生明细"), taken), everyone, now, class_of
    )
    _save(workbook, path)
    audit.record(
        session, clock, actor, "sheet.export", "school", rows=len(everyone.rows)
    )
    return path


def _sum(items: list[Totals]) -> Totals:
    expected = sum(t.expected for t in items)
    registered = sum(t.registered for t in items)
    return Totals(
        expected, registered, expected - registered, sum(t.late for t in items)
    )
