"""The registration form's rules, submission and history."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import select

from desktop.models import Registration, Student
from desktop.services.auth import (
    Actor,
    PermissionDenied,
    Role,
    actor_for,
    create_operator,
)
from desktop.services.idcard import check_digit, is_valid_id_number, normalise_id_number
from desktop.services.registration import FormInvalid, history, submit
from desktop.services.registration_rules import (
    RegistrationForm,
    normalise,
    validate,
)

TODAY = date(2020, 3, 20)
ADMIN = Actor(None, "admin", "研究生工作处", Role.SCHOOL_ADMIN)

VALID = RegistrationForm(
    school="中国社会科学院大学",
    district="房山区",
    enrol_year=2019,
    enrol_month=9,
    international=False,
    college="经济学院",
    major="金融学",
    on_campus=True,
    building="3号楼",
    room="402",
    name="张小明",
    gender="男",
    doc_type="二代身份证",
    doc_number="11010519491231002X",
    phone="13812345678",
    left_beijing=True,
    arrival_date=date(2020, 3, 25),
    origin_abroad=False,
    province="河北省",
    city="石家庄市",
    fever=False,
    cough=False,
    fatigue=False,
)


def errors_of(**changes: object) -> dict[str, str]:
    return validate(normalise(replace(VALID, **changes)), today=TODAY)


@pytest.mark.parametrize(
    "number",
    ["11010519491231002X", "440524188001010014", "110105199003071239"],
)
def test_id_check_digit_vectors_valid(number: str) -> None:
    assert is_valid_id_number(number)


@pytest.mark.parametrize(
    "number",
    [
        "110105194912310021",
        "440524188001010015",
        "11010519900307123",
        "1101051990030712390",
    ],
)
def test_id_check_digit_vectors_invalid(number: str) -> None:
    assert not is_valid_id_number(number)


def test_check_digit_ten_is_x() -> None:
    assert check_digit("11010519491231002") == "X"


def test_lower_x_and_full_width_digits_are_normalised() -> None:
    assert (
        normalise_id_number("１１０１０５１９４９１２３１００２x")
        == "11010519491231002X"
    )
    assert errors_of(doc_number="11010519491231002x") == {}


def test_valid_form_has_no_errors() -> None:
    assert validate(normalise(VALID), today=TODAY) == {}


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"school": "北京某某大学"}, "school", "不在北京市高校名单"),
        ({"school": ""}, "school", "请填写学校名称"),
        ({"district": "浦东新区"}, "district", "北京市的区"),
        ({"enrol_year": None}, "enrol_year", "入学年份"),
        ({"enrol_month": 13}, "enrol_month", "入学月份"),
        ({"enrol_year": 2020, "enrol_month": 9}, "enrol_month", "不能晚于今天"),
        ({"international": True}, "country", "请填写国别"),
        ({"international": True, "country": "火星"}, "country", "国别"),
        ({"on_campus": True, "building": ""}, "building", "宿舍楼号"),
        ({"on_campus": False}, "community", "居住社区"),
        ({"on_campus": None}, "on_campus", "请选择是否住校内"),
        ({"name": ""}, "name", "请填写姓名"),
        ({"name": "张3"}, "name", "汉字"),
        ({"gender": "未知"}, "gender", "性别"),
        ({"doc_type": ""}, "doc_type", "证件类型"),
        ({"doc_number": "110105194912310021"}, "doc_number", "校验位"),
        ({"doc_number": "1101051949123100"}, "doc_number", "18位"),
        ({"doc_number": "110105194902300020"}, "doc_number", "出生日期"),
        ({"doc_type": "护照", "doc_number": "E1234"}, None, ""),
        ({"doc_type": "护照", "doc_number": "ABCDEFG"}, "doc_number", "护照号码"),
        ({"doc_type": "护照", "doc_number": "E123456789"}, "doc_number", "护照号码"),
        ({"phone": "23812345678"}, "phone", "手机号码"),
        ({"phone": "+86 138-1234-5678"}, None, ""),
        ({"left_beijing": True, "arrival_date": None}, "arrival_date", "待定"),
        ({"left_beijing": True, "arrival_date": None, "arrival_tbd": True}, None, ""),
        ({"arrival_tbd": True}, "arrival_date", "待定"),
        ({"left_beijing": False, "arrival_date": None}, None, ""),
        ({"province": "火星省"}, "province", "省份"),
        ({"city": "武汉市"}, "city", "不属于河北省"),
        ({"origin_abroad": True}, "foreign_address", "国外抵京地址"),
        ({"origin_abroad": True, "foreign_address": "Tokyo"}, None, ""),
        ({"fever": None}, "fever", "是否发烧"),
        ({"cough": None}, "cough", "是否咳嗽"),
        ({"fatigue": None}, "fatigue", "是否乏力"),
    ],
)
def test_field_rule(changes: dict[str, object], field: str | None, words: str) -> None:
    errors = errors_of(**changes)

    if field is None:
        assert errors == {}
    else:
        assert field in errors, errors
        assert words in errors[field]


def test_bound_phone_cannot_change() -> None:
    form = normalise(replace(VALID, phone="13900000000"))

    errors = validate(form, today=TODAY, bound_phone="13812345678")

    assert "已绑定" in errors["phone"]


def _student(db, factory) -> Student:
    made = factory.student(registered=False)
    with db.sessions() as session:
        return session.get(Student, made.id)


def test_submit_then_modify_keeps_history(db, factory, clock) -> None:
    student = _student(db, factory)
    with db.sessions() as session, session.begin():
        operator = create_operator(
            session,
            clock,
            login="wang",
            display_name="王老师",
            password="x" * 12,
            role=Role.SCHOOL_ADMIN,
        )
        actor = actor_for(operator, "pc-1")
    with db.sessions() as session, session.begin():
        submit(session, clock, ADMIN, session.get(Student, student.id), VALID)
    clock.advance(days=1)
    with db.sessions() as session, session.begin():
        changed = replace(VALID, room="508", fever=True)
        submit(session, clock, actor, session.get(Student, student.id), changed)

    with db.sessions() as session:
        versions = session.scalars(
            select(Registration).where(Registration.student_id == student.id)
        ).all()
        changes = history(session, ADMIN, session.get(Student, student.id))
    assert sorted((v.version, v.is_current) for v in versions) == [
        (1, False),
        (2, True),
    ]
    modified = [(c.field, c.old, c.new) for c in changes if c.version == 2]
    assert sorted(modified) == [("fever", "否", "是"), ("room", "402", "508")]
    assert {c.by for c in changes if c.version == 1} == {"system"}
    assert {c.by for c in changes if c.version == 2} == {"wang"}
    first = {c.field: c.new for c in changes if c.version == 1}
    assert first["doc_number"] == "110***********002X"  # masked in the history view


def test_unchanged_submission_adds_no_version(db, factory, clock) -> None:
    student = _student(db, factory)
    for _ in range(2):
        with db.sessions() as session, session.begin():
            submit(session, clock, ADMIN, session.get(Student, student.id), VALID)

    with db.sessions() as session:
        versions = session.scalars(
            select(Registration.version).where(Registration.student_id == student.id)
        ).all()
    assert versions == [1]


def test_invalid_submission_writes_nothing(db, factory, clock) -> None:
    student = _student(db, factory)

    with pytest.raises(FormInvalid) as raised:
        with db.sessions() as session, session.begin():
            submit(
                session,
                clock,
                ADMIN,
                session.get(Student, student.id),
                replace(VALID, doc_number="110105194912310021", phone=""),
            )

    assert set(raised.value.errors) == {"doc_number", "phone"}
    with db.sessions() as session:
        assert session.scalars(select(Registration)).all() == []


def test_class_head_cannot_register_outside_their_classes(db, factory, clock) -> None:
    student = _student(db, factory)
    head = Actor(999, "head", "王老师", Role.CLASS_HEAD)

    with pytest.raises(PermissionDenied):
        with db.sessions() as session, session.begin():
            submit(session, clock, head, session.get(Student, student.id), VALID)


def test_fields_of_the_branch_not_chosen_are_dropped() -> None:
    moved_off_campus = replace(
        VALID, on_campus=False, community="长阳镇社区", address="长于大街11号"
    )

    form = normalise(moved_off_campus)

    assert (form.building, form.room) == ("", "")
    assert validate(form, today=TODAY) == {}
    stayed = normalise(
        replace(VALID, left_beijing=False, origin_abroad=True, foreign_address="Tokyo")
    )
    assert stayed.arrival_date is None and (stayed.province, stayed.city) == ("", "")
