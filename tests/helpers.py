"""Test data builders shared by the suites."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from desktop.clock import FixedClock
from desktop.models import (
    CheckIn,
    College,
    Registration,
    ReturnApproval,
    School,
    SchoolClass,
    Student,
)
from desktop.services.auth import SYSTEM
from desktop.services.db import Database
from desktop.services.issuing import issue_pass, new_pass_ref
from desktop.services.keys import Keyring


@dataclass
class MadeStudent:
    """A student made by the factory and the text of their current pass."""

    id: int
    student_no: str
    pass_text: str


class Factory:
    """Makes one school, then students in whatever state a test needs."""

    def __init__(self, db: Database, clock: FixedClock, keyring: Keyring) -> None:
        self.db = db
        self.clock = clock
        self.keyring = keyring
        self._numbers = itertools.count(1)
        self._class_id: int | None = None
        self._school_id: int | None = None

    def _ensure_school(self) -> tuple[int, int]:
        if self._class_id is None:
            with self.db.sessions() as session, session.begin():
                school = School(
                    name="中国社会科学院大学",
                    code="4111014596",
                    authority="中国社会科学院",
                    category="中央部属",
                )
                college = College(school=school, name="经济学院")
                school_class = SchoolClass(college=college, name="2019级经济硕士1班")
                session.add(school_class)
                session.flush()
                self._class_id, self._school_id = school_class.id, school.id
        assert self._school_id is not None
        return self._school_id, self._class_id

    def student(
        self,
        *,
        registered: bool = True,
        approval: str | None = "campus",
        approved_from: date | None = None,
        province: str = "河北省",
        abroad: bool = False,
        fever: bool = False,
        cough: bool = False,
        fatigue: bool = False,
        checked_in_at: datetime | None = None,
        gate: str = "东门",
    ) -> MadeStudent:
        """A student with a current pass and the given state."""
        school_id, class_id = self._ensure_school()
        number = f"2019{next(self._numbers):06d}"
        now = self.clock.now()
        with self.db.sessions() as session, session.begin():
            student = Student(
                student_no=number,
                name="张小明",
                gender="男",
                class_id=class_id,
                doc_type="二代身份证",
                doc_number="110105199003071239",
                doc_tail="1239",
                phone="13812345678",
                pass_ref=new_pass_ref(),
            )
            session.add(student)
            session.flush()
            if registered:
                session.add(
                    _registration(
                        student, school_id, now, province, abroad, fever, cough, fatigue
                    )
                )
            if approval is not None:
                session.add(
                    ReturnApproval(
                        student_id=student.id,
                        kind=approval,
                        approved_from=approved_from or now.date() - timedelta(days=1),
                        approved_at=now - timedelta(days=2),
                    )
                )
            if checked_in_at is not None:
                session.add(
                    CheckIn(
                        student_id=student.id,
                        checked_in_at=checked_in_at,
                        gate=gate,
                        workstation="test",
                    )
                )
            _gate_pass, text = issue_pass(
                session, self.clock, self.keyring, SYSTEM, student
            )
            return MadeStudent(student.id, number, text)


def _registration(
    student: Student,
    school_id: int,
    now: datetime,
    province: str,
    abroad: bool,
    fever: bool,
    cough: bool,
    fatigue: bool,
) -> Registration:
    return Registration(
        student_id=student.id,
        version=1,
        is_current=True,
        submitted_at=now - timedelta(days=3),
        school_id=school_id,
        district="房山区",
        enrol_year=2019,
        enrol_month=9,
        college_name="经济学院",
        major_name="金融学",
        on_campus=True,
        building="3号楼",
        room="402",
        name=student.name,
        gender=student.gender,
        doc_type="二代身份证",
        doc_number=student.doc_number or "",
        phone=student.phone or "",
        left_beijing=True,
        arrival_date=now.date(),
        origin_abroad=abroad,
        province=None if abroad else province,
        foreign_address="Berlin" if abroad else None,
        fever=fever,
        cough=cough,
        fatigue=fatigue,
    )
