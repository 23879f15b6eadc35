"""The counts on the dashboard (总览), within the operator's scope.

Everything is counted in a fixed number of set queries, whatever the size
of the school, so the page can refresh itself every half minute. A student
is counted once however many times their code was read: check-ins come
from ``CheckIn`` (one per student, by a unique constraint) and the gate's
admitted and refused figures count distinct students among the scans.
Late registrations and the observation states follow the same rules as
the statistics sheet and the release page (``approvals.flags`` and
``observation.statuses``), so the numbers agree with what those show.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock
from desktop.models import (
    CheckIn,
    GateScan,
    HealthReport,
    Registration,
    ReturnApproval,
    SchoolClass,
    Student,
)
from desktop.models.base import UtcDateTime
from desktop.services import observation
from desktop.services.approvals import Flag, FlagFacts, flags
from desktop.services.auth import Actor, Permission, Role
from desktop.services.health import is_abnormal, split_symptoms
from desktop.services.scope import class_condition
from desktop.services.settings import CampaignSettings, load_settings
from desktop.services.verdict import ApprovalKind, Verdict

log = logging.getLogger(__name__)

HOURS = 24


@dataclass(frozen=True)
class GateCounts:
    """One gate's figures; every number counts students, not scans.

    Attributes:
        gate: the gate's name.
        checked_in_today: students whose check-in was at this gate today.
        checked_in_total: students whose check-in was at this gate.
        admitted_today: students admitted by a scan here today.
        refused_today: students refused by a scan here today.
        unknown_today: refused scans today whose code named no student
            (forged, damaged or foreign codes); school admins only.
    """

    gate: str
    checked_in_today: int = 0
    checked_in_total: int = 0
    admitted_today: int = 0
    refused_today: int = 0
    unknown_today: int = 0


@dataclass(frozen=True)
class Dashboard:
    """The dashboard's figures at one moment.

    Attributes:
        at: when they were counted.
        expected: students on the roster (应登记).
        registered: students with a registration.
        missing: students without one.
        late: students who registered late (the sheet's rule).
        approved: students approved to return to campus.
        checked_in_today: check-ins today.
        checked_in_total: check-ins so far.
        under_observation: checked in, not released and not yet eligible
            (the release page's 观察中).
        eligible: may be released now.
        released: released from observation.
        abnormal_today: today's punch-ins with fever or a symptom.
        per_hour: check-ins today by hour of the day (Beijing), 24 values.
        gates: the figures of each gate, by name.
    """

    at: datetime
    expected: int
    registered: int
    late: int
    approved: int
    checked_in_today: int
    checked_in_total: int
    under_observation: int
    eligible: int
    released: int
    abnormal_today: int
    per_hour: tuple[int, ...] = (0,) * HOURS
    gates: tuple[GateCounts, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> int:
        """Students on the roster without a registration (未登记)."""
        return self.expected - self.registered


def _day_bounds(clock: Clock) -> tuple[datetime, datetime]:
    start = (
        clock.now()
        .astimezone(BEIJING)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    return start, start + timedelta(days=1)


def _in_scope(statement: Select[Any], student_id: Any, scope: Any) -> Select[Any]:
    """``statement`` limited to students of classes in ``scope``."""
    return (
        statement.join(Student, Student.id == student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(scope)
    )


def _count(session: Session, statement: Select[Any]) -> int:
    return int(session.scalar(statement) or 0)


def _late(
    session: Session, scope: ColumnElement[bool], settings: CampaignSettings, on: date
) -> int:
    """Students whose first registration was late, by ``approvals.flags``."""
    first_at = type_coerce(func.min(Registration.submitted_at), UtcDateTime)
    firsts = _in_scope(
        select(Registration.student_id, first_at), Registration.student_id, scope
    ).group_by(Registration.student_id)
    approved_from = dict(
        session.execute(
            _in_scope(
                select(ReturnApproval.student_id, ReturnApproval.approved_from),
                ReturnApproval.student_id,
                scope,
            ).where(ReturnApproval.revoked_at.is_(None))
        ).all()
    )
    late = 0
    for student_id, first in session.execute(firsts):
        facts = FlagFacts(
            first_registered_at=first,
            approval_kind=None,
            approved_from=approved_from.get(student_id),
            left_beijing=None,
            arrival_date=None,
        )
        late += Flag.LATE in flags(facts, settings, on)
    return late


def _abnormal_today(
    session: Session, scope: ColumnElement[bool], settings: CampaignSettings, on: date
) -> int:
    reports = session.execute(
        _in_scope(
            select(HealthReport.temperature, HealthReport.symptoms),
            HealthReport.student_id,
            scope,
        ).where(HealthReport.day == on, HealthReport.is_current)
    )
    return sum(
        is_abnormal(temperature, split_symptoms(symptoms), settings)
        for temperature, symptoms in reports
    )


def _per_hour(
    session: Session, scope: ColumnElement[bool], start: datetime, end: datetime
) -> tuple[int, ...]:
    times = session.scalars(
        _in_scope(select(CheckIn.checked_in_at), CheckIn.student_id, scope).where(
            CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end
        )
    )
    hours = Counter(moment.astimezone(BEIJING).hour for moment in times)
    return tuple(hours.get(hour, 0) for hour in range(HOURS))


def _gates(
    session: Session,
    scope: ColumnElement[bool],
    start: datetime,
    end: datetime,
    everyone: bool,
) -> tuple[GateCounts, ...]:
    today = CheckIn.checked_in_at >= start, CheckIn.checked_in_at < end
    checked: dict[str, dict[str, int]] = {}
    for gate, total, today_count in session.execute(
        _in_scope(
            select(
                CheckIn.gate,
                func.count(distinct(CheckIn.student_id)),
                func.count(distinct(case((and_(*today), CheckIn.student_id)))),
            ),
            CheckIn.student_id,
            scope,
        ).group_by(CheckIn.gate)
    ):
        checked[gate] = {"checked_in_total": total, "checked_in_today": today_count}

    scanned_today = GateScan.scanned_at >= start, GateScan.scanned_at < end
    for gate, verdict, students in session.execute(
        _in_scope(
            select(
                GateScan.gate,
                GateScan.verdict,
                func.count(distinct(GateScan.student_id)),
            ),
            GateScan.student_id,
            scope,
        )
        .where(*scanned_today)
        .where(GateScan.verdict.in_([Verdict.ADMIT.value, Verdict.REFUSE.value]))
        .group_by(GateScan.gate, GateScan.verdict)
    ):
        key = "admitted_today" if verdict == Verdict.ADMIT.value else "refused_today"
        checked.setdefault(gate, {})[key] = students

    if everyone:
        for gate, scans in session.execute(
            select(GateScan.gate, func.count(GateScan.id))
            .where(*scanned_today, GateScan.student_id.is_(None))
            .where(GateScan.verdict == Verdict.REFUSE.value)
            .group_by(GateScan.gate)
        ):
            checked.setdefault(gate, {})["unknown_today"] = scans
    return tuple(GateCounts(gate, **checked[gate]) for gate in sorted(checked))


def _observation(session: Session, clock: Clock, actor: Actor) -> tuple[int, int, int]:
    """Under observation, eligible and released, by ``observation.statuses``."""
    found = observation.statuses(session, clock, actor=actor).values()
    released = sum(s.released_on is not None for s in found)
    eligible = sum(s.eligible for s in found)
    # As on the release page: 观察中 are those not yet eligible.
    return len(found) - released - eligible, eligible, released


def dashboard(session: Session, clock: Clock, actor: Actor) -> Dashboard:
    """Count everything the dashboard shows, within ``actor``'s scope."""
    actor.require(Permission.ROSTER_VIEW)
    scope = class_condition(actor)
    settings = load_settings(session)
    start, end = _day_bounds(clock)
    on = start.date()

    expected = _count(
        session,
        select(func.count(Student.id))
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .where(scope),
    )
    registered = _count(
        session,
        _in_scope(
            select(func.count(distinct(Registration.student_id))),
            Registration.student_id,
            scope,
        ).where(Registration.is_current),
    )
    approved = _count(
        session,
        _in_scope(
            select(func.count(distinct(ReturnApproval.student_id))),
            ReturnApproval.student_id,
            scope,
        ).where(
            ReturnApproval.revoked_at.is_(None),
            ReturnApproval.kind == ApprovalKind.CAMPUS.value,
        ),
    )
    per_hour = _per_hour(session, scope, start, end)
    under_observation, eligible, released = _observation(session, clock, actor)
    gates = _gates(session, scope, start, end, actor.role is Role.SCHOOL_ADMIN)

    return Dashboard(
        at=clock.now(),
        expected=expected,
        registered=registered,
        late=_late(session, scope, settings, on),
        approved=approved,
        checked_in_today=sum(per_hour),
        checked_in_total=sum(g.checked_in_total for g in gates),
        under_observation=under_observation,
        eligible=eligible,
        released=released,
        abnormal_today=_abnormal_today(session, scope, settings, on),
        per_hour=per_hour,
        gates=gates,
    )
