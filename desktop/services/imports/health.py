"""The health punch-in import (健康打卡): one row per student and day.

Rows follow the rules of ``services.health``: a temperature of 35.0–42.0
°C with at most one decimal, symptoms from the fixed vocabulary (a few
everyday spellings are understood; 无 means none), no day in the future.
The same student and day twice in one file is refused. A row that repeats
the current report changes nothing; a different one is a correction: it
becomes the current version and the earlier one is kept, as a punch-in
recorded by hand would. The optional submission time (提交时间) is kept,
since the replay check reads it; without it the import's time is used.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import insert, select, tuple_, update
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.i18n import _
from desktop.models import CheckIn, HealthReport, SchoolClass, Student
from desktop.services import health
from desktop.services.auth import Actor, Permission
from desktop.services.imports import values
from desktop.services.imports.report import PlannedRow
from desktop.services.imports.rows import Layout, RowReader
from desktop.services.scope import class_condition

log = logging.getLogger(__name__)

CHUNK = 5000
IN_CHUNK = 400


_NONE = {"", "无", "否", "没有", "正常", "none", "no", "n/a", "-"}
_SYMPTOM_SPELLINGS = {
    "发热": "发烧",
    "fever": "发烧",
    "cough": "咳嗽",
    "疲劳": "乏力",
    "疲乏": "乏力",
    "fatigue": "乏力",
    "喉咙痛": "咽痛",
    "咽喉痛": "咽痛",
    "sorethroat": "咽痛",
    "diarrhea": "腹泻",
    "diarrhoea": "腹泻",
    "other": "其他",
    "其它": "其他",
}
_SYMPTOM_SPLIT = re.compile(r"[、,，;；/\s]+")
_MOMENT = re.compile(
    r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?[ T]+(\d{1,2})[:：](\d{2})"
    r"(?:[:：](\d{2}))?$"
)


@dataclass(frozen=True)
class HealthRecord:
    """A valid row, in the values ``services.health`` stores."""

    student_id: int
    day: date
    temperature: float
    symptoms: str
    note: str | None
    reported_at: datetime | None


def symptoms(cell: object) -> tuple[str, ...]:
    """症状: 无, or symptoms separated by 、 , ; / or spaces."""
    spelled = values.text(cell)
    if spelled.lower() in _NONE:
        return ()
    words = [w for w in _SYMPTOM_SPLIT.split(spelled) if w]
    return health.normalise_symptoms(
        _SYMPTOM_SPELLINGS.get(word.lower(), word) for word in words
    )


def moment(cell: object) -> datetime | None:
    """提交时间: a date-time cell or 2020-03-25 07:45; None if empty."""
    if isinstance(cell, datetime):
        return cell if cell.tzinfo else cell.replace(tzinfo=BEIJING)
    spelled = values.text(cell)
    if not spelled:
        return None
    match = _MOMENT.match(spelled)
    if match is None:
        raise ValueError(_("无法识别的时间，请写成2020-03-25 07:45"))
    year, month, day, hour, minute, second = (int(p or 0) for p in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=BEIJING)
    except ValueError:
        raise ValueError(_("时间不存在")) from None


def note(cell: object) -> str | None:
    """备注, at most 200 characters."""
    spelled = values.text(cell)
    if len(spelled) > health.NOTE_LENGTH:
        raise ValueError(_("备注不能超过200字"))
    return spelled or None


class HealthRows:
    """Reads punch-in rows and checks the students, the scope and the day."""

    def __init__(self, session: Session, actor: Actor, day: date) -> None:
        actor.require(Permission.HEALTH_RECORD)
        self.today = day
        self.students = {
            row.student_no: (row.id, row.class_id)
            for row in session.execute(
                select(Student.student_no, Student.id, Student.class_id)
            )
        }
        self.in_scope = set(
            session.scalars(select(SchoolClass.id).where(class_condition(actor)))
        )
        # The console's rule holds for files too: no punch-in before the
        # student checked in (missed days must not be filled in later).
        self.checked_in = {
            student_id: moment.astimezone(BEIJING).date()
            for student_id, moment in session.execute(
                select(CheckIn.student_id, CheckIn.checked_in_at)
            )
        }

    def layout(self, layout: Layout) -> None:
        """Nothing to add."""

    def file_problems(self, layout: Layout) -> list[str]:
        """None."""
        return []

    def parse(self, reader: RowReader) -> None:
        """Read one punch-in row."""
        number = reader.value("student_no", values.student_no, None)
        student = self._student(reader, number)
        day = reader.value("day", self._day, None)
        temperature = reader.value("temperature", health.parse_temperature, None)
        found = reader.value("symptoms", symptoms, ())
        remark = reader.value("note", note, None)
        submitted = reader.value("reported_at", moment, None)
        # The key is what must not repeat in one file: student and day.
        reader.planned.key = f"{number} {day}" if number and day else number
        if student is None or day is None or temperature is None:
            return
        checked_in = self.checked_in.get(student)
        if checked_in is not None and day < checked_in:
            reader.fail("day", _("打卡日期不能早于报到日期"))
            return
        reader.planned.record = HealthRecord(
            student,
            day,
            temperature,
            health.SYMPTOM_SEPARATOR.join(found),
            remark,
            submitted,
        )

    def _student(self, reader: RowReader, number: str | None) -> int | None:
        """The student's id, or None with the problem filed."""
        found = self.students.get(number) if number else None
        if number and found is None:
            reader.fail(
                "student_no",
                _("学号 {no} 不在应登记名单中，请先导入名单").format(no=number),
            )
            return None
        if found is not None and found[1] not in self.in_scope:
            reader.fail(
                "student_no",
                _("无权导入学号 {no}：不在您负责的范围内").format(no=number),
            )
            return None
        return found[0] if found else None

    def _day(self, cell: object) -> date:
        found = values.a_date(cell)
        if found is None:
            raise ValueError(_("请填写打卡日期"))
        if found > self.today:
            raise ValueError(_("不能为将来的日期打卡"))
        return found

    def check(self, rows: list[PlannedRow], layout: Layout) -> None:
        """Nothing beyond the duplicates every kind checks."""


def _current(
    session: Session, keys: list[tuple[int, date]]
) -> dict[tuple[int, date], HealthReport]:
    found: dict[tuple[int, date], HealthReport] = {}
    for start in range(0, len(keys), IN_CHUNK):
        pairs = keys[start : start + IN_CHUNK]
        statement = select(HealthReport).where(
            HealthReport.is_current,
            tuple_(HealthReport.student_id, HealthReport.day).in_(pairs),
        )
        for report in session.scalars(statement):
            found[(report.student_id, report.day)] = report
    return found


def write(
    session: Session, clock: Clock, actor: Actor, rows: list[PlannedRow]
) -> tuple[int, int, int]:
    """Store every punch-in that differs; (created, corrected, unchanged)."""
    records = [row.record for row in rows]
    assert all(isinstance(r, HealthRecord) for r in records)
    current = _current(session, [(r.student_id, r.day) for r in records])  # type: ignore[union-attr]
    now = clock.now()
    superseded: list[int] = []
    added: list[dict[str, object]] = []
    for record in records:
        assert isinstance(record, HealthRecord)
        before = current.get((record.student_id, record.day))
        if before is not None and (
            before.temperature,
            before.symptoms,
            before.note,
        ) == (record.temperature, record.symptoms, record.note):
            continue
        if before is not None:
            superseded.append(before.id)
        added.append(
            {
                "student_id": record.student_id,
                "day": record.day,
                "version": before.version + 1 if before else 1,
                "is_current": True,
                "temperature": record.temperature,
                "symptoms": record.symptoms,
                "note": record.note,
                "reported_at": record.reported_at or now,
                "recorded_by": actor.operator_id,
            }
        )

    # The earlier versions step aside first: one current report per day.
    for start in range(0, len(superseded), IN_CHUNK):
        session.execute(
            update(HealthReport)
            .where(HealthReport.id.in_(superseded[start : start + IN_CHUNK]))
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
    for start in range(0, len(added), CHUNK):
        session.execute(insert(HealthReport), added[start : start + CHUNK])
    log.info("health reports: %d added, %d corrected", len(added), len(superseded))
    return len(added) - len(superseded), len(superseded), len(records) - len(added)
