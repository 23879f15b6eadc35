"""The roster import (应登记名单): colleges, majors, classes and students.

Every row names a student and where they belong. New colleges, majors and
classes are created as the rows mention them; a class head's name is kept
on the class. New students get a fresh opaque pass reference; passes are
issued elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from desktop.clock import Clock
from desktop.i18n import _
from desktop.models import College, Major, School, SchoolClass, Student
from desktop.services import reference
from desktop.services.auth import Actor, Role
from desktop.services.imports import values
from desktop.services.imports.report import PlannedRow
from desktop.services.imports.rows import Layout, RowReader
from desktop.services.issuing import new_pass_ref
from desktop.services.registration import school_row
from desktop.services.scope import class_condition

log = logging.getLogger(__name__)

CHUNK = 5000


@dataclass(frozen=True)
class RosterRecord:
    """What one roster row says."""

    student_no: str
    name: str
    gender: str
    college: str
    major: str
    class_name: str
    head_name: str
    school: str


def _bounded(limit: int) -> Callable[[object], str]:
    def parse(cell: object) -> str:
        value = values.text(cell)
        if len(value) > limit:
            raise ValueError(_("内容过长（最多{limit}字）").format(limit=limit))
        return value

    return parse


class RosterRows:
    """Checks roster rows against the database and the actor's scope."""

    def __init__(self, session: Session, actor: Actor, day: date) -> None:
        self.actor = actor
        self.schools = dict(session.execute(select(School.name, School.id)).all())
        self.colleges = {
            college_id: name
            for college_id, name in session.execute(select(College.id, College.name))
        }
        self.classes = {
            row.name: (row.id, row.college_id)
            for row in session.execute(
                select(SchoolClass.name, SchoolClass.id, SchoolClass.college_id)
            )
        }
        self.in_scope = set(
            session.scalars(select(SchoolClass.id).where(class_condition(actor)))
        )
        self.students = dict(
            session.execute(select(Student.student_no, Student.class_id)).all()
        )

    def layout(self, layout: Layout) -> None:
        """Nothing to add: roster columns map one to one."""

    def file_problems(self, layout: Layout) -> list[str]:
        """A roster without 学校名称 needs exactly one school in the database."""
        if "school" in layout.positions or len(self.schools) == 1:
            return []
        return [_("数据库中没有唯一的学校，请在名单中加「学校名称」列")]

    def parse(self, reader: RowReader) -> None:
        """Read one row into a ``RosterRecord`` and check its scope."""
        number = reader.value("student_no", values.student_no, None)
        reader.planned.key = number
        record = RosterRecord(
            student_no=number or "",
            name=reader.value("name", _bounded(50), ""),
            gender=reader.value("gender", values.gender, ""),
            college=reader.value("college", _bounded(100), ""),
            major=reader.value("major", _bounded(100), ""),
            class_name=reader.value("class_name", _bounded(100), ""),
            head_name=reader.value("head_name", _bounded(50), ""),
            school=reader.value("school", _bounded(100), ""),
        )
        for key in ("name", "gender", "college", "class_name"):
            if not getattr(record, key) and not reader.planned.bad_columns & {
                reader.layout.positions[key]
            }:
                reader.fail(key, _("不能为空"))
        if record.school and reference.institution_by_name(record.school) is None:
            reader.fail("school", _("学校不在北京市高校名单中"))
        if number is not None:
            self._check_scope(reader, record)
        reader.planned.record = record

    def _check_scope(self, reader: RowReader, record: RosterRecord) -> None:
        if self.actor.role is Role.SCHOOL_ADMIN:
            return
        current_class = self.students.get(record.student_no)
        if current_class is not None and current_class not in self.in_scope:
            reader.fail(
                "student_no",
                _("无权修改学号 {no}：不在您负责的范围内").format(no=record.student_no),
            )
        known = self.classes.get(record.class_name)
        if known is not None and known[0] in self.in_scope:
            if self.colleges.get(known[1]) != record.college:
                reader.fail("college", _("与该班级所属学院不符"))
            return
        if self.actor.role is Role.COLLEGE_ADMIN and known is None:
            if self.colleges.get(self.actor.college_id or -1) == record.college:
                return
        reader.fail(
            "class_name",
            _("无权导入班级「{name}」：不在您负责的范围内").format(
                name=record.class_name
            ),
        )

    def check(self, rows: list[PlannedRow], layout: Layout) -> None:
        """One class has one college and one head across the file."""
        first: dict[str, tuple[int, str, str]] = {}
        for row in rows:
            record = row.record
            if not isinstance(record, RosterRecord) or not record.class_name:
                continue
            seen = first.setdefault(
                record.class_name, (row.row, record.college, record.head_name)
            )
            if seen[1] != record.college:
                RowReader(layout, row).fail(
                    "college", _("同一班级在第{row}行属于另一学院").format(row=seen[0])
                )
            elif record.head_name and seen[2] and seen[2] != record.head_name:
                RowReader(layout, row).fail(
                    "head_name",
                    _("同一班级在第{row}行的班主任不同").format(row=seen[0]),
                )


class _Structure:
    """Colleges, majors and classes by name, created on first mention."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.schools: dict[str, int] = {}
        self.colleges = {
            (row.school_id, row.name): row.id
            for row in session.execute(
                select(College.school_id, College.name, College.id)
            )
        }
        self.majors = {
            (row.college_id, row.name): row.id
            for row in session.execute(select(Major.college_id, Major.name, Major.id))
        }
        self.classes = {c.name: c for c in session.scalars(select(SchoolClass))}
        self.only_school = session.scalars(select(School.id).limit(2)).all()

    def school(self, name: str) -> int:
        if not name:
            return self.only_school[0]
        if name not in self.schools:
            self.schools[name] = school_row(self.session, name).id
        return self.schools[name]

    def college(self, school_id: int, name: str) -> int:
        key = (school_id, name)
        if key not in self.colleges:
            college = College(school_id=school_id, name=name)
            self.session.add(college)
            self.session.flush()
            self.colleges[key] = college.id
        return self.colleges[key]

    def major(self, college_id: int, name: str) -> int | None:
        if not name:
            return None
        key = (college_id, name)
        if key not in self.majors:
            major = Major(college_id=college_id, name=name)
            self.session.add(major)
            self.session.flush()
            self.majors[key] = major.id
        return self.majors[key]

    def school_class(self, college_id: int, name: str, head: str) -> int:
        found = self.classes.get(name)
        if found is None:
            found = SchoolClass(
                college_id=college_id, name=name, head_name=head or None
            )
            self.session.add(found)
            self.session.flush()
            self.classes[name] = found
        if found.college_id != college_id:
            found.college_id = college_id
        if head and found.head_name != head:
            found.head_name = head
        return found.id


def write(
    session: Session, clock: Clock, actor: Actor, rows: list[PlannedRow]
) -> tuple[int, int, int]:
    """Create or update the students of ``rows``; (created, updated, unchanged)."""
    structure = _Structure(session)
    existing = {
        row.student_no: row
        for row in session.execute(
            select(
                Student.id,
                Student.student_no,
                Student.name,
                Student.gender,
                Student.class_id,
                Student.major_id,
            )
        )
    }
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for planned in rows:
        record = planned.record
        assert isinstance(record, RosterRecord)
        college_id = structure.college(structure.school(record.school), record.college)
        major_id = structure.major(college_id, record.major)
        class_id = structure.school_class(
            college_id, record.class_name, record.head_name
        )
        values_now = {
            "name": record.name,
            "gender": record.gender,
            "class_id": class_id,
            "major_id": major_id,
        }
        before = existing.get(record.student_no)
        if before is None:
            new.append(
                {
                    "student_no": record.student_no,
                    "pass_ref": new_pass_ref(),
                    "international": False,
                    **values_now,
                }
            )
            continue
        if major_id is None:
            values_now["major_id"] = before.major_id  # no major given: keep it
        if any(getattr(before, key) != value for key, value in values_now.items()):
            changed.append({"id": before.id, **values_now})

    session.flush()
    for start in range(0, len(new), CHUNK):
        session.execute(insert(Student), new[start : start + CHUNK])
    for start in range(0, len(changed), CHUNK):
        session.execute(update(Student), changed[start : start + CHUNK])
    log.info("roster: %d new, %d changed students", len(new), len(changed))
    return len(new), len(changed), len(rows) - len(new) - len(changed)
