"""The health page's calls, each in its own unit of work (Qt-free).

The page runs these on a worker thread through its task runner; every
call opens a session, asks the health services and returns plain data.
Permissions and scope are checked by the services themselves.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.clock import Clock, today
from desktop.models import SchoolClass, Student
from desktop.services import health, health_queries, observation
from desktop.services.auth import Actor, Permission
from desktop.services.db import Database
from desktop.services.health_queries import ClassMissing, ReportRow, SeriesPoint
from desktop.services.observation import ObservationStatus
from desktop.services.scope import class_condition, require_student
from desktop.services.settings import load_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HealthDay:
    """Everything the health page shows for one day.

    Attributes:
        day: the day shown.
        reports: the day's current reports, abnormal first.
        missing: classes with their students who have not punched in.
        statuses: observation states of the students listed, by id.
        fever_threshold: the abnormal temperature (a setting).
    """

    day: date
    reports: list[ReportRow]
    missing: list[ClassMissing]
    statuses: dict[int, ObservationStatus]
    fever_threshold: float

    @property
    def missing_count(self) -> int:
        return sum(len(group.missing) for group in self.missing)


@dataclass(frozen=True)
class StudentSeries:
    """One student's temperature chart with its labels."""

    student_id: int
    student_no: str
    name: str
    points: list[SeriesPoint]
    fever_threshold: float
    status: ObservationStatus | None


@dataclass(frozen=True)
class ReportVersion:
    """One version of a day's report, for the corrections list."""

    version: int
    current: bool
    temperature: float
    symptoms: tuple[str, ...]
    note: str | None
    reported_at: datetime


@dataclass(frozen=True)
class StudentChoice:
    """A student the operator may record a punch-in for."""

    student_id: int
    student_no: str
    name: str
    class_name: str


class HealthDesk:
    """The health page's use cases for one operator.

    Holds no session, so a worker thread may call it.
    """

    def __init__(self, db: Database, clock: Clock, actor: Actor) -> None:
        self._db = db
        self._clock = clock
        self.actor = actor

    def today(self) -> date:
        """Today by the console's clock."""
        return today(self._clock)

    def load_day(self, day: date) -> HealthDay:
        """Reports, missing punch-ins and observation states of ``day``."""
        with self._db.sessions() as session:
            settings = load_settings(session)
            reports = health_queries.day_reports(session, self._clock, self.actor, day)
            missing = health_queries.missing_punch_ins(
                session, self._clock, self.actor, day
            )
            ids = {row.student_id for row in reports}
            ids.update(m.student_id for group in missing for m in group.missing)
            found = observation.statuses(
                session,
                self._clock,
                actor=self.actor,
                student_ids=ids,
                settings=settings,
            )
        return HealthDay(day, reports, missing, found, settings.fever_threshold)

    def series(self, student_id: int) -> StudentSeries:
        """The student's temperature over the observation period."""
        with self._db.sessions() as session:
            student = self._student(session, student_id)
            points = health_queries.temperature_series(
                session, self._clock, self.actor, student
            )
            status = observation.statuses(
                session, self._clock, actor=self.actor, student_ids=[student.id]
            ).get(student.id)
            threshold = load_settings(session).fever_threshold
            return StudentSeries(
                student.id, student.student_no, student.name, points, threshold, status
            )

    def record(
        self,
        student_id: int,
        day: date,
        temperature: float,
        symptoms: Iterable[str],
        note: str | None,
    ) -> int:
        """Record (or correct) a punch-in; returns the version now current.

        Raises:
            PunchInInvalid: with each field's problem; nothing is written.
            PermissionDenied: the role or the student's class forbids it.
        """
        with self._db.sessions() as session, session.begin():
            student = self._student(session, student_id)
            report = health.record_punch_in(
                session,
                self._clock,
                self.actor,
                student,
                temperature=f"{temperature:.1f}",
                symptoms=tuple(symptoms),
                note=note,
                day=day,
            )
            version = report.version
        log.info("punch-in recorded, version %s", version)
        return version

    def versions(self, student_id: int, day: date) -> list[ReportVersion]:
        """Every version of the student's report for ``day``, oldest first."""
        with self._db.sessions() as session:
            student = self._student(session, student_id)
            return [
                ReportVersion(
                    version=row.version,
                    current=row.is_current,
                    temperature=row.temperature,
                    symptoms=health.split_symptoms(row.symptoms),
                    note=row.note,
                    reported_at=row.reported_at,
                )
                for row in health.report_versions(session, self.actor, student, day)
            ]

    def find(self, student_no: str) -> StudentChoice | None:
        """The student with this number in the operator's scope, if any."""
        self.actor.require(Permission.HEALTH_RECORD)
        with self._db.sessions() as session:
            row = session.execute(
                select(Student.id, Student.student_no, Student.name, SchoolClass.name)
                .join(SchoolClass, SchoolClass.id == Student.class_id)
                .where(Student.student_no == student_no.strip())
                .where(class_condition(self.actor))
            ).first()
        return StudentChoice(*row) if row is not None else None

    def _student(self, session: Session, student_id: int) -> Student:
        student = session.get(Student, student_id)
        if student is None:
            raise LookupError(student_id)
        require_student(session, self.actor, student)
        return student
