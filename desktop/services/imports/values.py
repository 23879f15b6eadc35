"""Cell values read as the person who typed them meant them.

Each parser takes what a spreadsheet cell held (text, a number, a date, a
bool or None) and returns a typed value, or raises ``ValueError`` whose
message is the Chinese reason shown to the user. Text is folded to
half-width and stray spaces are dropped; numbers that stand for codes keep
their digits; dates come in the spellings Chinese offices use.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from desktop.i18n import _
from desktop.services.registration_rules import DOC_ID_CARD, DOC_PASSPORT

# Excel's day 0 in the 1900 system (with its 1900 leap-year bug folded in).
EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of plausible dates: 1927-10-15 .. 2173-10-14.
_SERIAL_RANGE = (10_000, 100_000)

_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_YEAR_MONTH = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?$"
)
_COMPACT_YEAR_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_INTEGRAL_TEXT = re.compile(r"^[+-]?\d+(?:\.0*)?$")
_STUDENT_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]{0,19}$")
_SCIENTIFIC = re.compile(r"^\d(?:\.\d+)?[eE]\+?\d+$")

_TRUE = {"是", "y", "yes", "√", "✓", "✔", "有", "1", "true", "t", "对", "是的"}
_FALSE = {"否", "n", "no", "×", "✗", "✘", "x", "无", "0", "false", "f", "没有", "不是"}
_TBD = {"待定", "未定", "tbd", "待确定", "未确定"}
_GENDERS = {"男": "男", "女": "女", "m": "男", "f": "女", "male": "男", "female": "女"}
_GENDERS |= {"男性": "男", "女性": "女", "男生": "男", "女生": "女"}
_DOC_TYPES = {
    "二代身份证": DOC_ID_CARD,
    "身份证": DOC_ID_CARD,
    "居民身份证": DOC_ID_CARD,
    "二代居民身份证": DOC_ID_CARD,
    "第二代居民身份证": DOC_ID_CARD,
    "idcard": DOC_ID_CARD,
    "id": DOC_ID_CARD,
    "identitycard": DOC_ID_CARD,
    "护照": DOC_PASSPORT,
    "passport": DOC_PASSPORT,
}
_ORIGINS = {
    "国内": False,
    "境内": False,
    "domestic": False,
    "china": False,
    "国外": True,
    "境外": True,
    "abroad": True,
    "foreign": True,
    "overseas": True,
}
_ON_CAMPUS = {"校内": True, "住校": True, "校外": False, "不住校": False}


def text(value: object) -> str:
    """Any cell as clean text: half-width, spaces collapsed, ``1.0`` as ``1``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    folded = unicodedata.normalize("NFKC", str(value))
    return " ".join(folded.split())


def _key(value: object) -> str:
    """Text for looking up a fixed vocabulary: no spaces, lower case."""
    return text(value).replace(" ", "").lower()


def is_blank(value: object) -> bool:
    """Whether a cell holds nothing a person would see."""
    return value is None or (isinstance(value, str) and not value.strip())


def student_no(value: object) -> str:
    """A student number as the school writes it, leading zeros kept.

    Numbers typed into a numeric cell come back as ``2019000001`` (or the
    ``2019000001.0`` of a csv written by such a sheet); both mean the text.
    """
    if isinstance(value, bool):
        raise ValueError(_("学号格式不正确"))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError(_("学号格式不正确"))
        return str(int(value))
    number = text(value).replace(" ", "")
    if _INTEGRAL_TEXT.match(number) and "." in number:
        number = number.split(".")[0]
    elif _SCIENTIFIC.match(number):
        raise ValueError(
            _("学号被表格软件显示为科学计数法，请把该列设为文本后重新导出")
        )
    if not number:
        raise ValueError(_("请填写学号"))
    if not _STUDENT_NO.match(number):
        raise ValueError(_("学号只能包含字母、数字和连字符（最多20位）"))
    return number


def code_text(value: object) -> str:
    """A number that is really a code (phone, ID): digits as typed, no spaces."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return text(value)
    return text(value).replace(" ", "")


def yes_no(value: object) -> bool | None:
    """是/否 and their many spellings; None for an empty cell."""
    if isinstance(value, bool):
        return value
    key = _key(value)
    if not key:
        return None
    if key in _TRUE or key in _ON_CAMPUS and _ON_CAMPUS[key]:
        return True
    if key in _FALSE or key in _ON_CAMPUS and not _ON_CAMPUS[key]:
        return False
    raise ValueError(_("应填“是”或“否”"))


def gender(value: object) -> str:
    """男 or 女 (also M/F, male/female); empty stays empty."""
    key = _key(value)
    if not key:
        return ""
    if key not in _GENDERS:
        raise ValueError(_("性别应为“男”或“女”"))
    return _GENDERS[key]


def doc_type(value: object) -> str:
    """二代身份证 or 护照, from the usual names of either."""
    key = _key(value)
    if not key:
        return ""
    if key not in _DOC_TYPES:
        raise ValueError(_("证件类型应为“二代身份证”或“护照”"))
    return _DOC_TYPES[key]


def origin_abroad(value: object) -> bool | None:
    """来源地: 国内 → False, 国外 → True (是/否 means abroad yes/no)."""
    key = _key(value)
    if not key:
        return None
    if key in _ORIGINS:
        return _ORIGINS[key]
    raise ValueError(_("来源地应为“国内”或“国外”"))


def _from_serial(number: float) -> date:
    if not _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
        raise ValueError(_("无法识别的日期"))
    return EXCEL_EPOCH + timedelta(days=int(number))


def _checked_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(_("日期不存在")) from None


def a_date(value: object) -> date | None:
    """A date from a date cell, an Excel serial or 2020-03-25 / 2020/3/25 /
    2020.3.25 / 2020年3月25日; None for an empty cell."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_serial(value)
    spelled = text(value)
    if not spelled:
        return None
    if match := _DATE.match(spelled) or _COMPACT_DATE.match(spelled):
        year, month, day = (int(part) for part in match.groups())
        return _checked_date(year, month, day)
    if re.fullmatch(r"\d{5}(?:\.\d+)?", spelled):
        return _from_serial(float(spelled))
    raise ValueError(_("无法识别的日期，请写成2020-03-25"))


def date_or_tbd(value: object) -> tuple[date | None, bool]:
    """抵京日期: a date, or 待定 (to be decided) → ``(None, True)``."""
    if _key(value) in _TBD:
        return None, True
    return a_date(value), False


def year_month(value: object) -> tuple[int | None, int | None]:
    """入学年月 from 2019-09, 2019年9月, 201909, 2019.09 or a date cell."""
    if isinstance(value, date | datetime):
        return value.year, value.month
    if isinstance(value, float) and not value.is_integer() and value < 10_000:
        year = int(value)
        return year, round((value - year) * 100)
    if isinstance(value, int | float) and not isinstance(value, bool):
        moment = _from_serial(value) if value >= _SERIAL_RANGE[0] else None
        if moment is not None:
            return moment.year, moment.month
    spelled = text(value)
    if not spelled:
        return None, None
    match = _YEAR_MONTH.match(spelled) or _COMPACT_YEAR_MONTH.match(spelled)
    if match is None:
        raise ValueError(_("无法识别的入学年月，请写成2019-09"))
    return int(match.group(1)), int(match.group(2))


def number_in(value: object, suffix: str) -> int | None:
    """A whole number such as 2019, 2019年 or 9月; None for an empty cell."""
    spelled = text(value).removesuffix(suffix).strip()
    if not spelled:
        return None
    if not _INTEGRAL_TEXT.match(spelled):
        raise ValueError(_("应填数字"))
    return int(float(spelled))
