"""The registration form of the notice and the rule of every field.

``RegistrationForm`` holds what a person entered, already typed (text,
yes/no as bool or None when not chosen, dates). ``validate`` returns a
message per field that is wrong, in the wording of the notice; the dialog
shows them next to their fields as the user types, and the importers use
the same rules row by row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, fields, replace
from datetime import date

from desktop.i18n import N_, _
from desktop.services import reference
from desktop.services.idcard import is_valid_id_number, normalise_id_number

DOC_ID_CARD = N_("二代身份证")
DOC_PASSPORT = N_("护照")
DOC_TYPES = (DOC_ID_CARD, DOC_PASSPORT)
GENDERS = (N_("男"), N_("女"))

FIELD_LABELS: dict[str, str] = {
    "school": N_("学校名称"),
    "district": N_("学校所在区"),
    "enrol_year": N_("入学年份"),
    "enrol_month": N_("入学月份"),
    "international": N_("是否为留学生"),
    "country": N_("国别"),
    "college": N_("所在学院（系）"),
    "major": N_("专业名称"),
    "on_campus": N_("是否住校内"),
    "building": N_("宿舍楼号"),
    "room": N_("宿舍号"),
    "community": N_("居住社区"),
    "address": N_("详细住址"),
    "name": N_("姓名"),
    "gender": N_("性别"),
    "doc_type": N_("证件类型"),
    "doc_number": N_("证件号码"),
    "phone": N_("联系电话"),
    "left_beijing": N_("是否离京"),
    "arrival_date": N_("抵京日期"),
    "origin_abroad": N_("来源地"),
    "province": N_("省份"),
    "city": N_("城市"),
    "foreign_address": N_("国外抵京地址"),
    "fever": N_("是否发烧"),
    "cough": N_("是否咳嗽"),
    "fatigue": N_("是否乏力"),
}

# The form's yes/no symptom questions: field → the symptom's name.
SYMPTOM_FIELDS = (("fever", N_("发烧")), ("cough", N_("咳嗽")), ("fatigue", N_("乏力")))


def declared_symptoms(record: object) -> tuple[str, ...]:
    """The symptoms a form or registration row declares, translated."""
    return tuple(_(label) for field, label in SYMPTOM_FIELDS if getattr(record, field))


_PHONE = re.compile(r"^1[3-9]\d{9}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,9}$")
_NAME = re.compile(
    r"^[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z·.\- ]{0,48}[\u3400-\u9fffA-Za-z.]$"
)


@dataclass(frozen=True)
class RegistrationForm:
    """What was entered on the registration form (DESIGN section 2)."""

    school: str = ""
    district: str = ""
    enrol_year: int | None = None
    enrol_month: int | None = None
    international: bool | None = None
    country: str = ""
    college: str = ""
    major: str = ""
    on_campus: bool | None = None
    building: str = ""
    room: str = ""
    community: str = ""
    address: str = ""
    name: str = ""
    gender: str = ""
    doc_type: str = ""
    doc_number: str = ""
    phone: str = ""
    left_beijing: bool | None = None
    arrival_date: date | None = None
    arrival_tbd: bool = False
    origin_abroad: bool | None = None
    province: str = ""
    city: str = ""
    foreign_address: str = ""
    fever: bool | None = None
    cough: bool | None = None
    fatigue: bool | None = None


def clean_text(text: str) -> str:
    """Full-width characters folded, runs of white space made one space."""
    folded = unicodedata.normalize("NFKC", text or "")
    return " ".join(folded.split())


def normalise_phone(text: str) -> str:
    """Digits of a mainland mobile number, without +86 or separators."""
    digits = re.sub(r"[\s\-()]", "", clean_text(text))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def normalise(form: RegistrationForm) -> RegistrationForm:
    """The form with every text cleaned and the document number normalised."""
    changes: dict[str, object] = {}
    for item in fields(RegistrationForm):
        value = getattr(form, item.name)
        if isinstance(value, str):
            changes[item.name] = clean_text(value)
    changes["doc_number"] = normalise_id_number(form.doc_number or "")
    changes["phone"] = normalise_phone(form.phone)
    changes.update(_unchosen_branches(form))
    return replace(form, **changes)


def _unchosen_branches(form: RegistrationForm) -> dict[str, object]:
    """Empty the fields of the branches the form did not choose.

    A dormitory left over from before a student moved off campus would
    otherwise be saved, shown in the sheet and in the history.
    """
    cleared: dict[str, object] = {}
    if form.international is False:
        cleared["country"] = ""
    if form.on_campus is True:
        cleared.update(community="", address="")
    elif form.on_campus is False:
        cleared.update(building="", room="")
    if form.left_beijing is False:
        cleared.update(arrival_date=None, arrival_tbd=False)
    if form.origin_abroad is True:
        cleared.update(province="", city="")
    elif form.origin_abroad is False:
        cleared["foreign_address"] = ""
    return cleared


def _required_text(value: str, field_name: str, errors: dict[str, str]) -> bool:
    if not value:
        errors[field_name] = _("请填写{label}").format(
            label=_(FIELD_LABELS[field_name])
        )
        return False
    if len(value) > 100:
        errors[field_name] = _("{label}过长（最多100字）").format(
            label=_(FIELD_LABELS[field_name])
        )
        return False
    return True


def _required_choice(
    value: bool | None, field_name: str, errors: dict[str, str]
) -> bool:
    if value is None:
        errors[field_name] = _("请选择{label}").format(
            label=_(FIELD_LABELS[field_name])
        )
        return False
    return True


def document_error(doc_type: str, number: str) -> str | None:
    """Why ``number`` is not a valid document of ``doc_type``, or None."""
    if not number:
        return _("请填写证件号码")
    if doc_type == DOC_ID_CARD:
        if len(number) != 18 or not number[:17].isdigit():
            return _("身份证号码应为18位，前17位为数字")
        if not is_valid_id_number(number):
            return _("身份证号码校验位不正确，请核对")
        try:
            date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError:
            return _("身份证号码中的出生日期不存在")
        return None
    if doc_type == DOC_PASSPORT:
        if not _PASSPORT.match(number) or not any(c.isdigit() for c in number):
            return _("护照号码格式不正确（5至9位字母或数字）")
        return None
    return _("请选择证件类型")


def _school_rules(form: RegistrationForm, today: date, errors: dict[str, str]) -> None:
    if _required_text(form.school, "school", errors):
        if reference.institution_by_name(form.school) is None:
            errors["school"] = _(
                "学校不在北京市高校名单中，无法登记；请从联想列表中选择"
            )
    if _required_text(form.district, "district", errors):
        if form.district not in reference.beijing_districts():
            errors["district"] = _("请选择北京市的区")
    if form.enrol_year is None or not 1950 <= form.enrol_year <= today.year:
        errors["enrol_year"] = _("请选择入学年份")
    if form.enrol_month is None or not 1 <= form.enrol_month <= 12:
        errors["enrol_month"] = _("请选择入学月份")
    elif form.enrol_year == today.year and form.enrol_month > today.month:
        errors["enrol_month"] = _("入学年月不能晚于今天")
    if (
        _required_choice(form.international, "international", errors)
        and form.international
    ):
        if _required_text(form.country, "country", errors):
            if form.country not in reference.country_names() or form.country == "中国":
                errors["country"] = _("请从列表中选择国别")
    _required_text(form.college, "college", errors)
    _required_text(form.major, "major", errors)


def _residence_rules(form: RegistrationForm, errors: dict[str, str]) -> None:
    if not _required_choice(form.on_campus, "on_campus", errors):
        return
    if form.on_campus:
        _required_text(form.building, "building", errors)
        _required_text(form.room, "room", errors)
    else:
        _required_text(form.community, "community", errors)
        _required_text(form.address, "address", errors)


def _person_rules(
    form: RegistrationForm, bound_phone: str | None, errors: dict[str, str]
) -> None:
    if _required_text(form.name, "name", errors) and not _NAME.match(form.name):
        errors["name"] = _("姓名只能包含汉字、字母和间隔号")
    if form.gender not in GENDERS:
        errors["gender"] = _("请选择性别")
    if form.doc_type not in DOC_TYPES:
        errors["doc_type"] = _("请选择证件类型")
    elif (problem := document_error(form.doc_type, form.doc_number)) is not None:
        errors["doc_number"] = problem
    if bound_phone and form.phone != bound_phone:
        errors["phone"] = _("联系电话已绑定，不可修改")
    elif not _PHONE.match(form.phone):
        errors["phone"] = _("请填写11位中国大陆手机号码")


def _travel_rules(form: RegistrationForm, errors: dict[str, str]) -> None:
    if (
        _required_choice(form.left_beijing, "left_beijing", errors)
        and form.left_beijing
    ):
        if form.arrival_date is None and not form.arrival_tbd:
            errors["arrival_date"] = _("请填写抵京日期，或勾选“待定”")
        elif form.arrival_date is not None and form.arrival_tbd:
            errors["arrival_date"] = _("已勾选“待定”时不填抵京日期")
    if not _required_choice(form.origin_abroad, "origin_abroad", errors):
        return
    if form.origin_abroad:
        _required_text(form.foreign_address, "foreign_address", errors)
        return
    if _required_text(form.province, "province", errors):
        cities = reference.provinces().get(form.province)
        if cities is None:
            errors["province"] = _("请从列表中选择省份")
        elif _required_text(form.city, "city", errors) and form.city not in cities:
            errors["city"] = _("{city}不属于{province}").format(
                city=form.city, province=form.province
            )


def validate(
    form: RegistrationForm, *, today: date, bound_phone: str | None = None
) -> dict[str, str]:
    """Every problem of a normalised form, by field name; empty when valid."""
    errors: dict[str, str] = {}
    _school_rules(form, today, errors)
    _residence_rules(form, errors)
    _person_rules(form, bound_phone, errors)
    _travel_rules(form, errors)
    for symptom in ("fever", "cough", "fatigue"):
        _required_choice(getattr(form, symptom), symptom, errors)
    return errors
