"""A realistic demo school that exercises every gate verdict.

``build_demo`` fills an empty database with one school (中国社会科学院大学),
its colleges, classes and students, their registrations, approvals and
passes, a few earlier check-ins, and one demo operator per role. Each
student belongs to a *case* that fixes what the gate must say about them,
so the demo frames come with an answer key.
"""

from __future__ import annotations

import enum
import json
import logging
import random
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.i18n import _
from desktop.models import (
    CheckIn,
    College,
    GatePass,
    GateScan,
    Major,
    Observation,
    Registration,
    ReturnApproval,
    School,
    SchoolClass,
    Student,
)
from desktop.services import demo_health
from desktop.services.auth import Role, create_operator
from desktop.services.idcard import check_digit
from desktop.services.issuing import new_pass_ref
from desktop.services.keys import Keyring
from desktop.services.passes import encode_pass
from desktop.services.reference import institution_by_name, provinces
from desktop.services.registration_rules import DOC_ID_CARD
from desktop.services.settings import CampaignSettings, save_settings
from desktop.services.verdict import Verdict

log = logging.getLogger(__name__)

DEMO_SCHOOL = "中国社会科学院大学"
DEMO_GATES = ("东门", "西门")

COLLEGES = {
    "经济学院": ("政治经济学", "金融学", "产业经济学"),
    "法学院": ("法学理论", "民商法学", "国际法学"),
    "文学院": ("中国古代文学", "语言学及应用语言学"),
    "哲学院": ("马克思主义哲学", "中国哲学", "伦理学"),
}
CLASSES_PER_COLLEGE = 5

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
    "彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金"
    "石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤"
)
_GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建"
    "红晨欣怡宇轩浩然子涵梓萱一诺思远嘉怡雨泽文博语桐佳琪"
)
_PROVINCES = (
    "河北省",
    "山东省",
    "河南省",
    "山西省",
    "辽宁省",
    "江苏省",
    "四川省",
)
_AREA_CODES = (
    "110105",
    "110108",
    "130102",
    "370102",
    "410102",
    "140105",
    "210102",
)


class DemoCase(enum.Enum):
    """What the gate should say about a demo student, and why."""

    ADMIT = ("admit", Verdict.ADMIT, 0.40)
    ALREADY = ("already", Verdict.ALREADY, 0.14)
    NOT_YET = ("not_yet", Verdict.NOT_YET, 0.10)
    UNREGISTERED = ("unregistered", Verdict.REFUSE, 0.08)
    UNAPPROVED = ("unapproved", Verdict.REFUSE, 0.07)
    BEIJING_ONLY = ("beijing_only", Verdict.REFUSE, 0.05)
    SEVERE_AREA = ("severe_area", Verdict.REFUSE, 0.04)
    SYMPTOMS = ("symptoms", Verdict.REFUSE, 0.05)
    REVOKED_PASS = ("revoked_pass", Verdict.REFUSE, 0.035)
    EXPIRED_PASS = ("expired_pass", Verdict.REFUSE, 0.035)

    def __init__(self, label: str, verdict: Verdict, share: float) -> None:
        self.label = label
        self.verdict = verdict
        self.share = share


@dataclass
class DemoStudent:
    """A demo student's number, case and the pass text to show at the gate."""

    student_no: str
    case: DemoCase
    pass_text: str


@dataclass
class DemoSchool:
    """What ``build_demo`` made: students by case and operator passwords."""

    students: list[DemoStudent] = field(default_factory=list)
    passwords: dict[str, tuple[Role, str]] = field(default_factory=dict)

    def sample(self, per_case: int, rng: random.Random) -> list[DemoStudent]:
        """Up to ``per_case`` students of every case."""
        chosen = []
        for case in DemoCase:
            members = [s for s in self.students if s.case is case]
            chosen.extend(rng.sample(members, min(per_case, len(members))))
        return chosen


def _cases(count: int, rng: random.Random) -> list[DemoCase]:
    cases: list[DemoCase] = []
    for case in DemoCase:
        cases.extend([case] * max(2, round(case.share * count)))
    cases = cases[:count]
    cases.extend([DemoCase.ADMIT] * (count - len(cases)))
    rng.shuffle(cases)
    return cases


def _name(rng: random.Random) -> str:
    given = "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(_SURNAMES) + given


def _id_number(rng: random.Random, gender: str) -> str:
    birth = date(1994, 1, 1) + timedelta(days=rng.randrange(365 * 6))
    sequence = rng.randrange(0, 500) * 2 + (1 if gender == "男" else 0)
    first17 = f"{rng.choice(_AREA_CODES)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _operators(
    session: Session, clock: Clock, colleges: list[College], classes: list[SchoolClass]
) -> dict[str, tuple[Role, str]]:
    plan = (
        ("gate", "东门门岗", Role.GATE_STAFF, None),
        ("head", "王老师", Role.CLASS_HEAD, None),
        ("college", "经济学院管理员", Role.COLLEGE_ADMIN, colleges[0].id),
        ("admin", "研究生工作处", Role.SCHOOL_ADMIN, None),
    )
    passwords = {}
    for login, display, role, college_id in plan:
        password = secrets.token_urlsafe(9)
        operator = create_operator(
            session,
            clock,
            login=login,
            display_name=display,
            password=password,
            role=role,
            college_id=college_id,
        )
        passwords[login] = (role, password)
        if role is Role.CLASS_HEAD:
            for school_class in classes[:2]:
                school_class.head_operator_id = operator.id
                school_class.head_name = display
    return passwords


def _structure(
    session: Session, classes_per_college: int = CLASSES_PER_COLLEGE
) -> tuple[School, list[College], list[SchoolClass], dict[str, Major]]:
    institution = institution_by_name(DEMO_SCHOOL)
    assert institution is not None, "demo school missing from the official list"
    school = School(
        name=institution.name,
        code=institution.code,
        authority=institution.authority,
        category=institution.category,
    )
    session.add(school)
    colleges, classes = [], []
    major_of: dict[str, Major] = {}
    for college_name, major_names in COLLEGES.items():
        college = College(school=school, name=college_name)
        colleges.append(college)
        majors = [Major(college=college, name=name) for name in major_names]
        session.add_all(majors)
        for number in range(1, classes_per_college + 1):
            year = 2018 + number % 3
            head = _name(random.Random(college_name + str(number))) + "老师"
            school_class = SchoolClass(
                college=college,
                name=f"{year}级{college_name[:-2]}硕士{number}班",
                head_name=head,
            )
            # A class is one cohort of one major.
            major_of[school_class.name] = majors[number % len(majors)]
            classes.append(school_class)
    session.add_all(classes)
    session.flush()
    return school, colleges, classes, major_of


class _Builder:
    """Adds one student at a time with the rows their case needs."""

    def __init__(
        self,
        session: Session,
        clock: Clock,
        keyring: Keyring,
        school: School,
        major_of: dict[str, Major],
    ) -> None:
        self.session = session
        self.major_of = major_of
        self.keyring = keyring
        self.school = school
        self.now = clock.now().replace(microsecond=0)
        self.today = self.now.astimezone(BEIJING).date()

    def add(
        self, rng: random.Random, number: str, school_class: SchoolClass, case: DemoCase
    ) -> DemoStudent:
        gender = rng.choice(("男", "女"))
        student = Student(
            student_no=number,
            name=_name(rng),
            gender=gender,
            school_class=school_class,
            major=self.major_of[school_class.name],
            doc_type=DOC_ID_CARD,
            doc_number=_id_number(rng, gender),
            phone=_phone(rng),
            enrol_year=int(school_class.name[:4]),
            enrol_month=9,
            international=False,
            pass_ref=new_pass_ref(),
        )
        student.doc_tail = student.doc_number[-4:] if student.doc_number else None
        self.session.add(student)
        self.session.flush()

        if case is not DemoCase.UNREGISTERED:
            self.session.add(self._registration(rng, student, school_class, case))
        approval = self._approval(case, student)
        if approval is not None:
            self.session.add(approval)
        if case is DemoCase.ALREADY:
            self._earlier_check_in(rng, student)
        return DemoStudent(number, case, self._pass(student, case))

    def _registration(
        self,
        rng: random.Random,
        student: Student,
        school_class: SchoolClass,
        case: DemoCase,
    ) -> Registration:
        on_campus = rng.random() < 0.7
        province = "湖北省" if case is DemoCase.SEVERE_AREA else rng.choice(_PROVINCES)
        symptom = case is DemoCase.SYMPTOMS
        return Registration(
            student_id=student.id,
            version=1,
            is_current=True,
            # Most registered in good time; a few only yesterday (late).
            submitted_at=self.now
            - timedelta(days=1 if rng.random() < 0.06 else rng.randrange(4, 20)),
            school_id=self.school.id,
            district="房山区",
            enrol_year=student.enrol_year or 2019,
            enrol_month=9,
            international=False,
            college_name=school_class.college.name,
            major_name=student.major.name if student.major else "",
            on_campus=on_campus,
            building=f"{rng.randrange(1, 9)}号楼" if on_campus else None,
            room=f"{rng.randrange(1, 7)}{rng.randrange(1, 40):02d}"
            if on_campus
            else None,
            community=None if on_campus else "长阳镇社区",
            address=None if on_campus else "北京市房山区长阳镇长于大街11号",
            name=student.name,
            gender=student.gender,
            doc_type=student.doc_type or DOC_ID_CARD,
            doc_number=student.doc_number or "",
            phone=student.phone or "",
            left_beijing=True,
            arrival_date=self.today + timedelta(days=rng.randrange(-10, 10)),
            arrival_tbd=False,
            origin_abroad=False,
            province=province,
            city=rng.choice(provinces()[province]),
            fever=symptom and rng.random() < 0.6,
            cough=symptom,
            fatigue=symptom and rng.random() < 0.3,
        )

    def _approval(self, case: DemoCase, student: Student) -> ReturnApproval | None:
        if case in (DemoCase.UNREGISTERED, DemoCase.UNAPPROVED):
            return None
        kind = "beijing_only" if case is DemoCase.BEIJING_ONLY else "campus"
        offset = 5 if case is DemoCase.NOT_YET else -3
        return ReturnApproval(
            student_id=student.id,
            kind=kind,
            approved_from=self.today + timedelta(days=offset),
            approved_at=self.now - timedelta(days=7),
        )

    def _earlier_check_in(self, rng: random.Random, student: Student) -> None:
        when = self.now - timedelta(
            days=rng.randrange(0, 3), minutes=rng.randrange(600)
        )
        gate = rng.choice(DEMO_GATES)
        # Like a real one, the earlier check-in has the admitting scan behind it.
        scan = GateScan(
            scanned_at=when,
            gate=gate,
            workstation="demo",
            source="camera",
            kind="pass",
            verdict=Verdict.ADMIT.value,
            reasons=json.dumps([_("准予报到")], ensure_ascii=False),
            student_id=student.id,
            code_digest="demo",
        )
        self.session.add(scan)
        self.session.flush()
        self.session.add(
            CheckIn(
                student_id=student.id,
                checked_in_at=when,
                gate=gate,
                workstation="demo",
                scan_id=scan.id,
            )
        )
        self.session.add(Observation(student_id=student.id, started_at=when))

    def _pass(self, student: Student, case: DemoCase) -> str:
        issued = self.now - timedelta(days=30)
        expires = issued + timedelta(days=180)
        if case is DemoCase.EXPIRED_PASS:
            issued = self.now - timedelta(days=200)
            expires = self.now - timedelta(days=20)
        first = GatePass(
            student_id=student.id,
            key_id=self.keyring.signing_id or 0,
            issued_at=issued,
            expires_at=expires,
        )
        self.session.add(first)
        self.session.flush()
        shown = first
        if case is DemoCase.REVOKED_PASS:
            # The student shows the old pass; a newer one replaced it.
            first.revoked_at = self.now - timedelta(days=2)
            first.revoke_reason = "re-issued"
            self.session.add(
                GatePass(
                    student_id=student.id,
                    key_id=first.key_id,
                    issued_at=self.now - timedelta(days=2),
                    expires_at=self.now + timedelta(days=178),
                )
            )
        return encode_pass(
            self.keyring,
            ref=student.pass_ref,
            serial=shown.id,
            issued=shown.issued_at,
            expires=shown.expires_at,
        )


def _campaign_around(session: Session, clock: Clock) -> None:
    """Move the campaign's dates to now, so the demo's flags make sense."""
    day = clock.now().astimezone(BEIJING).date()
    settings = replace(
        CampaignSettings(),
        campaign_start=day - timedelta(days=21),
        registration_deadline=day + timedelta(days=6),
    )
    save_settings(session, settings)


def is_empty(session: Session) -> bool:
    """Whether the database holds no school yet."""
    return session.scalars(select(School.id).limit(1)).first() is None


def build_demo(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    *,
    students: int = 2000,
    seed: int = 2020,
    classes_per_college: int = CLASSES_PER_COLLEGE,
) -> DemoSchool:
    """Fill an empty database with the demo school (one transaction)."""
    if not is_empty(session):
        raise ValueError("the database already holds a school; use an empty one")
    rng = random.Random(seed)
    school, colleges, classes, major_of = _structure(session, classes_per_college)
    _campaign_around(session, clock)
    demo = DemoSchool(passwords=_operators(session, clock, colleges, classes))

    builder = _Builder(session, clock, keyring, school, major_of)
    for index, case in enumerate(_cases(students, rng)):
        school_class = classes[index % len(classes)]
        number = f"{school_class.name[:4]}{index + 1:06d}"
        demo.students.append(builder.add(rng, number, school_class, case))
    demo_health.add_history(session, clock, keyring, demo, seed=seed)
    session.flush()
    log.info("demo school built: %d students", len(demo.students))
    return demo
