"""A history of punch-ins for the demo school, so every stage shows.

The students the demo checked in earlier (case "already") are spread over
the stages of observation, round robin: just checked in, midway, referred
back after a fever, missing a punch-in, eligible today, released, and
released with the certificate revoked. Their check-in moves back in time
as the stage needs; the gate still says "already checked in" for each, so
the demo's answer key stays right. Some midway students report the same
temperature at the same minute every day, which the health page flags as
replayed. Releases and revocations go through the release service with a
clock set to their moment, so the demo's history is what the rules allow.
"""

from __future__ import annotations

import enum
import logging
import random
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock, FixedClock, today
from desktop.models import CheckIn, HealthReport, Observation, Operator, Student
from desktop.services import release
from desktop.services.auth import SYSTEM, Actor, Role, actor_for
from desktop.services.keys import Keyring
from desktop.services.settings import load_settings

if TYPE_CHECKING:
    from desktop.services.demo import DemoSchool

log = logging.getLogger(__name__)

NORMAL_TEMPERATURES = (36.1, 36.2, 36.3, 36.4, 36.5, 36.6, 36.7, 36.8)
FEVERS = (37.5, 37.8, 38.1, 38.4)


class Stage(enum.Enum):
    """Where a demo student stands in observation."""

    JUST_CHECKED_IN = "just_checked_in"
    MIDWAY = "midway"
    REFERRED_BACK = "referred_back"
    MISSING = "missing"
    ELIGIBLE_TODAY = "eligible_today"
    RELEASED = "released"
    CERTIFICATE_REVOKED = "certificate_revoked"


# Round robin over the checked-in students; the first seven cover every
# stage even in a small demo.
_PLAN = (
    Stage.JUST_CHECKED_IN,
    Stage.MIDWAY,
    Stage.REFERRED_BACK,
    Stage.ELIGIBLE_TODAY,
    Stage.RELEASED,
    Stage.CERTIFICATE_REVOKED,
    Stage.MISSING,
    Stage.MIDWAY,
    Stage.ELIGIBLE_TODAY,
    Stage.RELEASED,
)


class _History:
    """Writes one student's check-in day, punch-ins and release."""

    def __init__(
        self, session: Session, clock: Clock, keyring: Keyring, rng: random.Random
    ) -> None:
        self.session = session
        self.keyring = keyring
        self.rng = rng
        self.now = clock.now().replace(microsecond=0)
        self.today = today(clock)
        self.days = load_settings(session).observation_days
        self.admin = _admin(session)
        self.rows: list[dict[str, object]] = []
        self.releases: list[tuple[Student, datetime, bool]] = []

    def add(self, student: Student, stage: Stage, replayed: bool) -> None:
        check_in = self.session.scalars(
            select(CheckIn).where(CheckIn.student_id == student.id)
        ).one()
        start = self._move_check_in(student, check_in, stage)
        end = self.today
        if stage in (Stage.RELEASED, Stage.CERTIFICATE_REVOKED):
            end = start + timedelta(days=self.days + self.rng.randrange(2))
        skip = {start + timedelta(days=self.rng.randrange(1, 4))}
        if stage is not Stage.MISSING:
            skip = set()
        fever = None
        if stage is Stage.REFERRED_BACK:
            fever = start + timedelta(days=self.rng.randrange(2, 6))

        day = start
        while day < end or (day == end == self.today and self._today_done()):
            if day not in skip:
                self._punch_in(student, day, fever=day == fever, replayed=replayed)
            day += timedelta(days=1)
        if end < self.today:
            moment = datetime.combine(end, time(10), BEIJING)
            moment += timedelta(minutes=self.rng.randrange(300))
            revoke = stage is Stage.CERTIFICATE_REVOKED
            self.releases.append((student, min(moment, self.now), revoke))

    def _today_done(self) -> bool:
        local = self.now.astimezone(BEIJING)
        return local.hour >= 10 and self.rng.random() < 0.8

    def _move_check_in(self, student: Student, check_in: CheckIn, stage: Stage) -> date:
        ago = {
            Stage.JUST_CHECKED_IN: None,
            Stage.MIDWAY: self.rng.randrange(5, self.days - 3),
            Stage.REFERRED_BACK: self.rng.randrange(8, self.days),
            Stage.MISSING: self.rng.randrange(6, self.days - 1),
            Stage.ELIGIBLE_TODAY: self.days,
            Stage.RELEASED: self.days + self.rng.randrange(3, 8),
            Stage.CERTIFICATE_REVOKED: self.days + self.rng.randrange(3, 8),
        }[stage]
        if ago is not None:
            moment = datetime.combine(
                self.today - timedelta(days=ago), time(8), BEIJING
            ) + timedelta(minutes=self.rng.randrange(600))
            check_in.checked_in_at = moment
            observation = self.session.scalars(
                select(Observation).where(Observation.student_id == student.id)
            ).one()
            observation.started_at = moment
        return check_in.checked_in_at.astimezone(BEIJING).date()

    def _punch_in(
        self, student: Student, day: date, *, fever: bool, replayed: bool
    ) -> None:
        if replayed:
            temperature, minute = 36.5, 450
        else:
            temperature = self.rng.choice(NORMAL_TEMPERATURES)
            minute = self.rng.randrange(420, 600)
        symptoms = ""
        if fever:
            temperature = self.rng.choice(FEVERS)
            symptoms = self.rng.choice(("发烧", "发烧、咳嗽", "发烧、乏力"))
        reported_at = datetime.combine(day, time(0), BEIJING) + timedelta(
            minutes=minute
        )
        self.rows.append(
            {
                "student_id": student.id,
                "day": day,
                "version": 1,
                "is_current": True,
                "temperature": temperature,
                "symptoms": symptoms,
                "note": None,
                "reported_at": min(reported_at, self.now),
                "recorded_by": None,
            }
        )

    def finish(self) -> None:
        """Write the punch-ins, then the releases in time order."""
        if self.rows:
            self.session.execute(insert(HealthReport), self.rows)
        for student, moment, revoke in sorted(self.releases, key=lambda r: r[1]):
            clock = FixedClock(moment)
            release.release_students(
                self.session,
                clock,
                self.keyring,
                self.admin,
                [student.student_no],
                "观察期满，符合解除条件",
            )
            if revoke:
                clock.advance(hours=30)
                release.revoke_certificate(
                    self.session,
                    clock,
                    self.admin,
                    student.student_no,
                    "演示：证明信息有误，已撤销",
                )


def _admin(session: Session) -> Actor:
    operator = session.scalars(
        select(Operator).where(Operator.role == Role.SCHOOL_ADMIN.value).limit(1)
    ).first()
    return actor_for(operator, "demo") if operator is not None else SYSTEM


def add_history(
    session: Session,
    clock: Clock,
    keyring: Keyring,
    demo: DemoSchool,
    *,
    seed: int = 2020,
) -> dict[str, Stage]:
    """Give the demo's checked-in students punch-ins, releases and stages.

    Returns:
        The stage of each checked-in demo student, by student number.
    """
    session.flush()
    rng = random.Random(seed * 7 + 1)
    numbers = sorted(s.student_no for s in demo.students if s.case.label == "already")
    students = {
        s.student_no: s
        for s in session.scalars(select(Student).where(Student.student_no.in_(numbers)))
    }
    history = _History(session, clock, keyring, rng)
    stages = {}
    for index, number in enumerate(numbers):
        stage = _PLAN[index % len(_PLAN)]
        replayed = stage is Stage.MIDWAY and index % 4 == 1
        history.add(students[number], stage, replayed)
        stages[number] = stage
    history.finish()
    log.info("demo health history: %d students", len(stages))
    return stages
