"""The columns of each import kind and how a file's headers are matched.

Each column has the Chinese label of the template (the notice's wording)
and the other names schools use for it, English ones included. A header
matches whatever its spelling: full-width or half-width, stray spaces,
marks such as ``*`` or ``（必填）``, upper or lower case.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass, field

from desktop.i18n import N_
from desktop.services.registration_rules import FIELD_LABELS


class ImportKind(enum.StrEnum):
    """What a file holds."""

    ROSTER = "roster"
    REGISTRATIONS = "registrations"
    APPROVALS = "approvals"
    HEALTH = "health"


KIND_LABELS = {
    ImportKind.ROSTER: N_("应登记名单"),
    ImportKind.REGISTRATIONS: N_("登记信息"),
    ImportKind.APPROVALS: N_("返校审批"),
    ImportKind.HEALTH: N_("健康打卡"),
}

ERROR_HEADER = N_("错误原因")

_MARKS = re.compile(r"[*＊※★☆:：]|\((?:必填|选填|可选|必须|required|optional)\)")
_PARENTHESES = re.compile(r"\([^)]*\)")
_SEPARATORS = re.compile(r"[\s_\-./、]+")


@dataclass(frozen=True)
class ImportColumn:
    """One column an import understands.

    Attributes:
        key: the field it fills (a RegistrationForm field name or our own).
        label: the Chinese header of the template.
        synonyms: other headers meaning the same.
        required: a file without this column is refused as a whole.
        example: the value shown in the template's example row.
        width: the template's column width, in characters.
    """

    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    required: bool = True
    example: object = ""
    width: int = 12
    names: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        spellings = {
            normalise_header(n) for n in (self.label, self.key, *self.synonyms)
        }
        object.__setattr__(self, "names", frozenset(spellings))


def normalise_header(header: object) -> str:
    """A header reduced to what identifies it."""
    folded = unicodedata.normalize("NFKC", str(header or "")).lower()
    folded = _MARKS.sub("", folded)
    return _SEPARATORS.sub("", folded)


def _without_parentheses(normalised: str) -> str:
    return _PARENTHESES.sub("", normalised)


@dataclass(frozen=True)
class HeaderMatch:
    """Which file column feeds which field.

    Attributes:
        positions: field key → index of the column in the file.
        missing: labels of required columns the file lacks.
        conflicts: labels of fields that more than one column claims.
    """

    positions: dict[str, int]
    missing: list[str]
    conflicts: list[str]


def match_headers(
    headers: list[object],
    columns: tuple[ImportColumn, ...],
    *,
    satisfiers: dict[str, tuple[tuple[str, ...], ...]] | None = None,
) -> HeaderMatch:
    """Match a file's header row against ``columns``.

    ``satisfiers`` names, for a required key, other sets of columns that
    stand in for it (入学年月 as one column, or 入学年份 plus 入学月份).
    """
    positions: dict[str, int] = {}
    conflicts: list[str] = []
    for index, header in enumerate(headers):
        column = find_column(header, columns)
        if column is None:
            continue
        if column.key in positions:
            conflicts.append(column.label)
            continue
        positions[column.key] = index

    missing = [
        column.label
        for column in columns
        if column.required
        and column.key not in positions
        and not _stood_in_for(column.key, positions, satisfiers or {})
    ]
    return HeaderMatch(positions, missing, conflicts)


def _stood_in_for(
    key: str,
    positions: dict[str, int],
    satisfiers: dict[str, tuple[tuple[str, ...], ...]],
) -> bool:
    return any(
        all(other in positions for other in group) for group in satisfiers.get(key, ())
    )


def find_column(
    header: object, columns: tuple[ImportColumn, ...]
) -> ImportColumn | None:
    """The column ``header`` names, trying without remarks in brackets too."""
    name = normalise_header(header)
    if not name:
        return None
    for candidate in (name, _without_parentheses(name)):
        for column in columns:
            if candidate in column.names:
                return column
    return None


def _label(key: str) -> str:
    return FIELD_LABELS[key]


STUDENT_NO = ImportColumn(
    "student_no",
    N_("学号"),
    ("学生学号", "学籍号", "学生编号", "studentno", "studentnumber", "studentid"),
    example="2019000001",
)

ROSTER_COLUMNS: tuple[ImportColumn, ...] = (
    STUDENT_NO,
    ImportColumn(
        "name", N_("姓名"), ("学生姓名", "名字", "name", "fullname"), example="张小明"
    ),
    ImportColumn("gender", N_("性别"), ("gender", "sex"), example="男", width=6),
    ImportColumn(
        "college",
        N_("学院"),
        (
            "所在学院",
            "所在学院(系)",
            "学院(系)",
            "院系",
            "学院名称",
            "系",
            "college",
            "department",
            "faculty",
        ),
        example="经济学院",
    ),
    ImportColumn(
        "major",
        N_("专业"),
        ("专业名称", "所学专业", "major", "programme", "program"),
        required=False,
        example="金融学",
    ),
    ImportColumn(
        "class_name",
        N_("班级"),
        ("班级名称", "所在班级", "班", "class", "classname"),
        example="2019级经济硕士1班",
        width=20,
    ),
    ImportColumn(
        "head_name",
        N_("班主任"),
        ("班主任姓名", "辅导员", "classhead", "headteacher", "advisor", "adviser"),
        required=False,
        example="王老师",
    ),
    ImportColumn(
        "school",
        N_("学校名称"),
        ("学校", "school", "university"),
        required=False,
        example="中国社会科学院大学",
        width=20,
    ),
)


def _reg(
    key: str,
    synonyms: tuple[str, ...],
    example: object,
    *,
    required=True,
    width: int = 12,
) -> ImportColumn:
    return ImportColumn(key, _label(key), (key, *synonyms), required, example, width)


REGISTRATION_COLUMNS: tuple[ImportColumn, ...] = (
    STUDENT_NO,
    _reg(
        "school",
        ("学校", "院校名称", "高校名称", "school", "university", "schoolname"),
        "中国社会科学院大学",
        width=20,
    ),
    _reg("district", ("所在区", "学校所在区县", "区", "区县", "district"), "房山区"),
    ImportColumn(
        "enrol",
        N_("入学年月"),
        ("入学时间", "入学日期", "enrolment", "enrollment", "enroldate", "enrolled"),
        required=True,
        example="2019-09",
    ),
    _reg(
        "enrol_year",
        ("入学年份", "入学年", "enrolyear", "enrolmentyear", "enrollmentyear"),
        "",
        required=False,
    ),
    _reg(
        "enrol_month",
        ("入学月份", "入学月", "enrolmonth", "enrolmentmonth", "enrollmentmonth"),
        "",
        required=False,
    ),
    _reg("international", ("是否留学生", "留学生", "internationalstudent"), "否"),
    _reg("country", ("国家", "国籍", "country", "nationality"), "", required=False),
    _reg(
        "college",
        ("所在学院", "学院", "院系", "学院(系)", "系", "department", "faculty"),
        "经济学院",
    ),
    _reg("major", ("专业", "所学专业", "major"), "金融学"),
    _reg(
        "on_campus",
        ("是否住校", "住校", "是否在校内居住", "oncampus", "livesoncampus"),
        "是",
    ),
    _reg(
        "building",
        ("宿舍楼", "楼号", "dormitorybuilding", "building"),
        "3号楼",
        required=False,
    ),
    _reg(
        "room",
        ("宿舍房间号", "房间号", "寝室号", "room", "dormroom"),
        "402",
        required=False,
    ),
    _reg("community", ("社区", "所在社区", "community"), "", required=False),
    _reg(
        "address",
        ("住址", "地址", "详细地址", "居住地址", "address"),
        "",
        required=False,
        width=30,
    ),
    _reg("name", ("学生姓名", "名字", "name", "fullname"), "张小明"),
    _reg("gender", ("gender", "sex"), "男", width=6),
    _reg("doc_type", ("documenttype", "idtype"), "二代身份证"),
    _reg(
        "doc_number",
        ("身份证号", "身份证号码", "证件号", "documentnumber", "idnumber", "idno"),
        "11010519491231002X",
        width=22,
    ),
    _reg(
        "phone",
        (
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "联系方式",
            "phone",
            "mobile",
            "telephone",
            "phonenumber",
        ),
        "13812345678",
        width=14,
    ),
    _reg("left_beijing", ("离京", "是否离开北京", "leftbeijing"), "是"),
    _reg(
        "arrival_date",
        ("返京日期", "预计抵京日期", "抵京时间", "arrivaldate", "arrival"),
        "2020-03-25",
    ),
    _reg("origin_abroad", ("来源地(国内/国外)", "国内/国外", "origin"), "国内"),
    _reg(
        "province",
        ("省", "来源省份", "抵京省份", "省份(国内)", "province"),
        "河北省",
        required=False,
    ),
    _reg(
        "city",
        ("市", "来源城市", "抵京城市", "城市(国内)", "city"),
        "石家庄市",
        required=False,
    ),
    _reg(
        "foreign_address",
        ("国外地址", "境外地址", "国外抵京地址", "foreignaddress"),
        "",
        required=False,
        width=30,
    ),
    _reg("fever", ("发烧", "发热", "是否发热", "fever"), "否", width=8),
    _reg("cough", ("咳嗽", "cough"), "否", width=8),
    _reg("fatigue", ("乏力", "fatigue"), "否", width=8),
)

# 入学年月 may come as two columns instead of one.
ENROL_SATISFIERS = {"enrol": (("enrol_year", "enrol_month"),)}

APPROVAL_COLUMNS: tuple[ImportColumn, ...] = (
    STUDENT_NO,
    ImportColumn(
        "kind",
        N_("审批类型"),
        ("类型", "审批结果", "返校类型", "approval", "approvaltype", "kind", "type"),
        example="返校",
    ),
    ImportColumn(
        "approved_from",
        N_("批准返校日期"),
        (
            "返校日期",
            "批准日期",
            "批准返京日期",
            "approvedfrom",
            "approveddate",
            "date",
            "from",
        ),
        example="2020-03-25",
        width=14,
    ),
    ImportColumn(
        "note",
        N_("备注"),
        ("说明", "note", "notes", "remark", "remarks"),
        required=False,
        width=24,
    ),
)

HEALTH_COLUMNS: tuple[ImportColumn, ...] = (
    STUDENT_NO,
    ImportColumn(
        "day",
        N_("打卡日期"),
        ("日期", "填报日期", "打卡日", "date", "day", "reportdate"),
        example="2020-03-25",
        width=14,
    ),
    ImportColumn(
        "temperature",
        N_("体温"),
        ("体温(℃)", "体温(°C)", "温度", "temperature", "temp", "bodytemperature"),
        example=36.5,
        width=8,
    ),
    ImportColumn(
        "symptoms",
        N_("症状"),
        ("有无症状", "身体症状", "symptoms", "symptom"),
        required=False,
        example="无",
        width=16,
    ),
    ImportColumn(
        "note",
        N_("备注"),
        ("说明", "note", "notes", "remark", "remarks"),
        required=False,
        width=24,
    ),
    ImportColumn(
        "reported_at",
        N_("提交时间"),
        ("填报时间", "打卡时间", "submittedat", "submitted", "reportedat", "time"),
        required=False,
        example="2020-03-25 07:45",
        width=18,
    ),
)


COLUMNS = {
    ImportKind.ROSTER: ROSTER_COLUMNS,
    ImportKind.REGISTRATIONS: REGISTRATION_COLUMNS,
    ImportKind.APPROVALS: APPROVAL_COLUMNS,
    ImportKind.HEALTH: HEALTH_COLUMNS,
}

SATISFIERS = {ImportKind.REGISTRATIONS: ENROL_SATISFIERS}
