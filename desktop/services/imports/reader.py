"""Reading a spreadsheet file into rows of cell values.

xlsx files are read straight from their XML with the standard library's
streaming parser: openpyxl's read-only mode is about three times slower,
too slow for 100,000 rows within the import's time budget (DESIGN §11).
openpyxl still reads any workbook the fast path does not understand.
csv files may be UTF-8 (with or without BOM), GBK/GB18030 as Chinese
Excel and WPS write them, or UTF-16 "Unicode text".
"""

from __future__ import annotations

import csv
import io
import logging
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from desktop.i18n import _

log = logging.getLogger(__name__)

Cells = tuple[object, ...]

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PACKAGE_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# CJK date formats Excel keeps as built-in ids with no format code.
_CJK_DATE_IDS = frozenset(range(27, 37)) | frozenset(range(50, 59))
# How many rows at the top may hold a title above the header row.
HEADER_SEARCH_ROWS = 10


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; the message says why."""


@dataclass
class Sheet:
    """The rows of a file, with Excel's 1-based row numbers.

    Attributes:
        rows: ``(row number, cells)`` for every row that is not blank.
    """

    rows: Iterator[tuple[int, Cells]]


# TODO(imports): a vertically merged cell (one 班级 over many rows) reads
# as blank below its first row and each such row is refused; filling merged
# ranges down is not done yet.
def read_sheet(path: Path) -> Sheet:
    """Open ``path`` (xlsx or csv) and stream its non-blank rows.

    Raises:
        UnreadableFile: missing, empty, of an unknown type or damaged.
    """
    if not path.is_file():
        raise UnreadableFile(_("找不到文件"))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return Sheet(_non_blank(_xlsx_rows(path)))
    if suffix in (".csv", ".txt"):
        return Sheet(_non_blank(_csv_rows(path)))
    if suffix in (".xls", ".et"):
        raise UnreadableFile(_("不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv"))
    raise UnreadableFile(_("只能导入 .xlsx 或 .csv 文件"))


def _non_blank(rows: Iterator[tuple[int, Cells]]) -> Iterator[tuple[int, Cells]]:
    for number, cells in rows:
        if any(not _blank(cell) for cell in cells):
            yield number, cells


def _blank(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


# --- csv ---------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """Bytes of a text file in the encodings Chinese offices produce."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise UnreadableFile(_("无法识别文件编码，请另存为 UTF-8 的 csv")) from None


def _csv_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    text = decode_text(path.read_bytes())
    if not text.strip():
        return
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            yield reader.line_num, tuple(row)
    except csv.Error as error:
        raise UnreadableFile(
            _("csv 文件格式有误：{error}").format(error=error)
        ) from None


# --- xlsx --------------------------------------------------------------------


def _xlsx_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UnreadableFile(_("文件已损坏或不是 xlsx 工作簿")) from None
    with archive:
        try:
            reader = _FastXlsx(archive)
        except (KeyError, ElementTree.ParseError, ValueError) as error:
            log.info("fast xlsx reader declined (%s); using openpyxl", error)
            yield from _openpyxl_rows(path)
            return
        try:
            yield from reader.rows()
        except (KeyError, IndexError, ElementTree.ParseError, ValueError) as error:
            log.info("xlsx sheet damaged: %s", type(error).__name__)
            raise UnreadableFile(_("文件已损坏或不是 xlsx 工作簿")) from None


def _openpyxl_rows(path: Path) -> Iterator[tuple[int, Cells]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds
        log.info("openpyxl cannot read the workbook: %s", type(error).__name__)
        raise UnreadableFile(_("文件已损坏或不是 xlsx 工作簿")) from None
    try:
        sheet = workbook.worksheets[0]
        yield from enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        workbook.close()


def _column_index(reference: str) -> int:
    """0-based column of a cell reference such as ``AB12``."""
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + (ord(char.upper()) - 64)
    return index - 1


class _FastXlsx:
    """The first worksheet of an xlsx, parsed with ElementTree."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.sheet_path, self.epoch = self._first_sheet()
        self.shared = self._shared_strings()
        self.date_styles = self._date_styles()

    def _xml(self, name: str) -> ElementTree.Element:
        with self.archive.open(name) as handle:
            return ElementTree.parse(handle).getroot()

    def _first_sheet(self) -> tuple[str, datetime]:
        workbook = self._xml("xl/workbook.xml")
        properties = workbook.find(f"{_MAIN}workbookPr")
        mac = properties is not None and properties.get("date1904") in ("1", "true")
        sheet = workbook.find(f"{_MAIN}sheets/{_MAIN}sheet")
        if sheet is None:
            raise ValueError("workbook lists no sheet")
        rel_id = sheet.get(f"{_REL}id")
        rels = self._xml("xl/_rels/workbook.xml.rels")
        for rel in rels.iter(f"{_PACKAGE_REL}Relationship"):
            if rel.get("Id") == rel_id:
                target = rel.get("Target", "")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else (posixpath.normpath(posixpath.join("xl", target)))
                )
                return path, CALENDAR_MAC_1904 if mac else CALENDAR_WINDOWS_1900
        raise ValueError("first sheet has no relationship")

    def _shared_strings(self) -> list[str]:
        if "xl/sharedStrings.xml" not in self.archive.namelist():
            return []
        strings = []
        with self.archive.open("xl/sharedStrings.xml") as handle:
            for _event, element in ElementTree.iterparse(handle):
                if element.tag == f"{_MAIN}si":
                    strings.append(_inline_text(element))
                    element.clear()
        return strings

    def _date_styles(self) -> frozenset[int]:
        if "xl/styles.xml" not in self.archive.namelist():
            return frozenset()
        styles = self._xml("xl/styles.xml")
        custom = {
            int(fmt.get("numFmtId", "0")): fmt.get("formatCode", "")
            for fmt in styles.iter(f"{_MAIN}numFmt")
        }
        cell_formats = styles.find(f"{_MAIN}cellXfs")
        dates = set()
        for index, xf in enumerate(cell_formats if cell_formats is not None else ()):
            format_id = int(xf.get("numFmtId", "0"))
            code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "")
            if format_id in _CJK_DATE_IDS or (code and is_date_format(code)):
                dates.add(index)
        return frozenset(dates)

    def rows(self) -> Iterator[tuple[int, Cells]]:
        """Every row of the sheet, cells placed by their references."""
        row_tag, cell_tag = f"{_MAIN}row", f"{_MAIN}c"
        expected = 0
        with self.archive.open(self.sheet_path) as handle:
            for _event, element in ElementTree.iterparse(handle):
                if element.tag != row_tag:
                    continue
                expected = int(element.get("r") or expected + 1)
                cells: list[object] = []
                for cell in element.iter(cell_tag):
                    reference = cell.get("r")
                    if reference:
                        cells.extend([None] * (_column_index(reference) - len(cells)))
                    cells.append(self._value(cell))
                element.clear()
                yield expected, tuple(cells)

    def _value(self, cell: ElementTree.Element) -> object:
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            inline = cell.find(f"{_MAIN}is")
            return _inline_text(inline) if inline is not None else ""
        raw = cell.findtext(f"{_MAIN}v")
        if raw is None:
            return None
        return _CONVERTERS.get(kind, _number)(self, raw, cell)


def _inline_text(element: ElementTree.Element) -> str:
    # Phonetic runs (rPh) are not part of the value.
    parts = []
    for child in element.iter():
        if child.tag == f"{_MAIN}rPh":
            break
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
    return "".join(parts)


def _number(reader: _FastXlsx, raw: str, cell: ElementTree.Element) -> object:
    value: float | int = float(raw) if any(c in raw for c in ".eE") else int(raw)
    if int(cell.get("s", "0")) in reader.date_styles:
        return from_excel(value, reader.epoch)
    return value


_CONVERTERS: dict[str, Callable[[_FastXlsx, str, ElementTree.Element], object]] = {
    "s": lambda reader, raw, _cell: reader.shared[int(raw)],
    "str": lambda _reader, raw, _cell: raw,
    "e": lambda _reader, raw, _cell: raw,
    "b": lambda _reader, raw, _cell: raw in ("1", "true"),
    "d": lambda _reader, raw, _cell: datetime.fromisoformat(raw),
    "n": _number,
}
