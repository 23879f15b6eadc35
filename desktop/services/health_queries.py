"""What the health page shows, read in a fixed number of statements.

Today's missing punch-ins by class, the day's reports with the abnormal
ones first and replay flags on each, and one student's temperature over
the observation period. Everything is limited to the operator's scope.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock, today
from desktop.models import CheckIn, HealthReport, Observation, SchoolClass, Student
from desktop.services.auth import Actor, Permission
from desktop.services.health import (
    ReplayRun,
    is_abnormal,
    replay_runs,
    split_symptoms,
)
from desktop.services.scope import class_condition, require_student
from desktop.services.settings import CampaignSettings, load_settings

# Students per IN (...) list, well under every engine's parameter limit.
CHUNK = 500


@dataclass(frozen=True)
class ReportRow:
    """One current report as the health page lists it."""

    student_id: int
    student_no: str
    name: str
    class_name: str
    day: date
    temperature: float
    symptoms: tuple[str, ...]
    note: str | None
    reported_at: datetime
    version: int
    abnormal: bool
    replay: ReplayRun | None = None


def day_reports(
    session: Session, clock: Clock, actor: Actor, day: date | None = None
) -> list[ReportRow]:
    """The day's current reports in scope: abnormal first, then by class.

    Each row carries the replay run it belongs to, if any (same temperature
    or same submission minute for ``replay_run_days`` days running).
    """
    actor.require(Permission.ROSTER_VIEW)
    settings = load_settings(session)
    day = day or today(clock)
    statement = (
        select(HealthReport, Student.student_no, Student.name, SchoolClass.name)
        .join(Student, Student.id == HealthReport.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(HealthReport.day == day, HealthReport.is_current)
        .where(class_condition(actor))
    )
    rows = session.execute(statement).all()
    replays = replay_flags(session, [r[0].student_id for r in rows], settings, day)

    result = []
    for report, student_no, name, class_name in rows:
        symptoms = split_symptoms(report.symptoms)
        runs = replays.get(report.student_id, [])
        result.append(
            ReportRow(
                student_id=report.student_id,
                student_no=student_no,
                name=name,
                class_name=class_name,
                day=report.day,
                temperature=report.temperature,
                symptoms=symptoms,
                note=report.note,
                reported_at=report.reported_at,
                version=report.version,
                abnormal=is_abnormal(report.temperature, symptoms, settings),
                replay=next((r for r in runs if r.start <= day <= r.end), None),
            )
        )
    result.sort(key=lambda r: (not r.abnormal, r.class_name, r.student_no))
    return result


def replay_flags(
    session: Session,
    student_ids: Iterable[int],
    settings: CampaignSettings,
    until: date,
) -> dict[int, list[ReplayRun]]:
    """The replay runs of each student's current reports up to ``until``.

    Looks back ``observation_days + replay_run_days`` days; one query.
    """
    ids = sorted(set(student_ids))
    if not ids:
        return {}
    since = until - timedelta(days=settings.observation_days + settings.replay_run_days)
    by_student: dict[int, list[tuple[date, float, datetime]]] = defaultdict(list)
    for chunk_start in range(0, len(ids), CHUNK):
        chunk = ids[chunk_start : chunk_start + CHUNK]
        rows = session.execute(
            select(
                HealthReport.student_id,
                HealthReport.day,
                HealthReport.temperature,
                HealthReport.reported_at,
            ).where(
                HealthReport.student_id.in_(chunk),
                HealthReport.is_current,
                HealthReport.day >= since,
                HealthReport.day <= until,
            )
        )
        for student_id, day, temperature, reported_at in rows:
            by_student[student_id].append((day, temperature, reported_at))
    found = {}
    for student_id, reports in by_student.items():
        runs = replay_runs(reports, settings.replay_run_days)
        if runs:
            found[student_id] = runs
    return found


@dataclass(frozen=True)
class MissingStudent:
    """A student under observation with no punch-in for the day."""

    student_id: int
    student_no: str
    name: str


@dataclass(frozen=True)
class ClassMissing:
    """One class's missing punch-ins for a day."""

    class_id: int
    class_name: str
    expected: int
    missing: tuple[MissingStudent, ...]


def missing_punch_ins(
    session: Session, clock: Clock, actor: Actor, day: date | None = None
) -> list[ClassMissing]:
    """Students in scope expected to punch in on ``day`` who have not.

    Expected: checked in on or before ``day`` and not released. Classes
    with someone missing come first, most missing first.
    """
    actor.require(Permission.ROSTER_VIEW)
    day = day or today(clock)
    day_end = datetime.combine(day + timedelta(days=1), datetime.min.time(), BEIJING)
    reported = select(HealthReport.student_id).where(
        HealthReport.day == day, HealthReport.is_current
    )
    statement = (
        select(
            SchoolClass.id,
            SchoolClass.name,
            Student.id,
            Student.student_no,
            Student.name,
            Student.id.in_(reported),
        )
        .join(Student, Student.class_id == SchoolClass.id)
        .join(CheckIn, CheckIn.student_id == Student.id)
        .outerjoin(Observation, Observation.student_id == Student.id)
        .where(CheckIn.checked_in_at < day_end, Observation.released_at.is_(None))
        .where(class_condition(actor))
        .order_by(SchoolClass.name, Student.student_no)
    )
    classes: dict[int, tuple[str, int, list[MissingStudent]]] = {}
    for class_id, class_name, student_id, number, name, done in session.execute(
        statement
    ):
        _name, expected, missing = classes.setdefault(class_id, (class_name, 0, []))
        classes[class_id] = (class_name, expected + 1, missing)
        if not done:
            missing.append(MissingStudent(student_id, number, name))
    result = [
        ClassMissing(class_id, name, expected, tuple(missing))
        for class_id, (name, expected, missing) in classes.items()
    ]
    result.sort(key=lambda c: (-len(c.missing), c.class_name))
    return result


@dataclass(frozen=True)
class SeriesPoint:
    """One day of a student's temperature chart (None: no punch-in)."""

    day: date
    temperature: float | None
    abnormal: bool


def temperature_series(
    session: Session,
    clock: Clock,
    actor: Actor,
    student: Student,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[SeriesPoint]:
    """The student's temperature per day, from check-in (or ``start``) on.

    Ends on the release day if released, else today; days without a
    punch-in are points without a temperature, so a chart shows the gaps.
    """
    actor.require(Permission.ROSTER_VIEW)
    require_student(session, actor, student)
    settings = load_settings(session)
    row = session.execute(
        select(CheckIn.checked_in_at, Observation.released_at)
        .outerjoin(Observation, Observation.student_id == CheckIn.student_id)
        .where(CheckIn.student_id == student.id)
    ).first()
    if start is None:
        if row is None:
            return []
        start = row[0].astimezone(BEIJING).date()
    if end is None:
        released = row[1] if row is not None else None
        end = released.astimezone(BEIJING).date() if released else today(clock)

    reports = {
        report.day: report
        for report in session.scalars(
            select(HealthReport).where(
                HealthReport.student_id == student.id,
                HealthReport.is_current,
                HealthReport.day >= start,
                HealthReport.day <= end,
            )
        )
    }
    points = []
    for offset in range((end - start).days + 1):
        day = start + timedelta(days=offset)
        report = reports.get(day)
        if report is None:
            points.append(SeriesPoint(day, None, False))
            continue
        abnormal = is_abnormal(
            report.temperature, split_symptoms(report.symptoms), settings
        )
        points.append(SeriesPoint(day, report.temperature, abnormal))
    return points
