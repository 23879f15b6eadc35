"""Observation after check-in, and when a student may be released.

Everything is computed from the data and an injected clock, never stored:

- the period starts on the check-in day, or on the day after the latest
  abnormal report (temperature at or above the threshold, or a symptom),
  which is the reason shown for the restart;
- the student is eligible once the period has run ``observation_days``
  days (check-in on 20 March: eligible from 3 April), every day of it up
  to yesterday has a current punch-in (if the setting asks for one) and
  the student is not released; today's punch-in is not needed yet, but an
  abnormal one today restarts the period at once;
- a released student is released (or "certificate revoked" when their
  certificate was revoked without undoing the release); an undone release
  shows as "release undone" while the student would otherwise be eligible
  again, so the admin sees why they are not released; otherwise the
  student's state follows the data as before.

``statuses`` computes the state of many students in four statements, for
the roster and the release page.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, select, true
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock, today
from desktop.i18n import N_, _
from desktop.models import (
    Certificate,
    CheckIn,
    HealthReport,
    Observation,
    SchoolClass,
    Student,
)
from desktop.services.auth import Actor, Permission
from desktop.services.health import SYMPTOM_SEPARATOR, is_abnormal, split_symptoms
from desktop.services.scope import class_condition
from desktop.services.settings import CampaignSettings, load_settings

CHUNK = 500


class ObservationState(enum.StrEnum):
    """Where a checked-in student stands."""

    UNDER_OBSERVATION = "under_observation"
    REFERRED_BACK = "referred_back"
    MISSING_PUNCH_IN = "missing_punch_in"
    ELIGIBLE = "eligible"
    RELEASED = "released"
    RELEASE_UNDONE = "release_undone"
    CERTIFICATE_REVOKED = "certificate_revoked"


STATE_LABELS = {
    ObservationState.UNDER_OBSERVATION: N_("观察中"),
    ObservationState.REFERRED_BACK: N_("重新观察"),
    ObservationState.MISSING_PUNCH_IN: N_("缺少打卡"),
    ObservationState.ELIGIBLE: N_("可解除观察"),
    ObservationState.RELEASED: N_("已解除观察"),
    ObservationState.RELEASE_UNDONE: N_("解除已撤回"),
    ObservationState.CERTIFICATE_REVOKED: N_("证明已撤销"),
}


@dataclass(frozen=True)
class DayReport:
    """The current punch-in of one day, as eligibility reads it."""

    temperature: float
    symptoms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObservationFacts:
    """What one student's observation state is computed from."""

    student_id: int
    started_at: datetime
    reports: Mapping[date, DayReport] = field(default_factory=dict)
    released_at: datetime | None = None
    undone_at: datetime | None = None
    undo_reason: str | None = None
    certificate_number: str | None = None
    certificate_revoked_at: datetime | None = None
    certificate_revoke_reason: str | None = None


def _day(moment: datetime | None) -> date | None:
    return moment.astimezone(BEIJING).date() if moment is not None else None


@dataclass(frozen=True)
class ObservationStatus:
    """A student's observation state with the dates that explain it.

    Attributes:
        state: the state shown on the roster.
        eligible: whether a release is possible now.
        checked_in_on: the check-in day.
        period_start: the first day of the current period.
        day_number: today's day in the period (1 on its first day; 0 when
            an abnormal report today restarts it tomorrow).
        observation_days: the period's length by the settings.
        eligible_since: the day the period completes.
        missing_days: past days of the period without a punch-in.
        restart_day: the day of the abnormal report that restarted it.
        restart_report: that report.
        released_on: the release day, if released.
        certificate_number: the newest certificate's number.
        certificate_revoked_on: when that certificate was revoked.
        revoke_reason: why it was revoked.
        undone_on: when the last release was undone.
        undo_reason: why it was undone.
    """

    student_id: int
    state: ObservationState
    eligible: bool
    checked_in_on: date
    period_start: date
    day_number: int
    observation_days: int
    eligible_since: date
    missing_days: tuple[date, ...] = ()
    restart_day: date | None = None
    restart_report: DayReport | None = None
    released_on: date | None = None
    certificate_number: str | None = None
    certificate_revoked_on: date | None = None
    revoke_reason: str | None = None
    undone_on: date | None = None
    undo_reason: str | None = None

    def restart_cause(self) -> str:
        """Why the period restarted, in words ("" if it did not)."""
        report = self.restart_report
        if self.restart_day is None or report is None:
            return ""
        what = [_("体温{t:.1f}℃").format(t=report.temperature)]
        if report.symptoms:
            what.append(SYMPTOM_SEPARATOR.join(report.symptoms))
        return _("{day}打卡异常（{what}）").format(
            day=self.restart_day.isoformat(), what="，".join(what)
        )

    def describe(self) -> str:
        """The state with its dates, as one line for the roster."""
        days = _("第{n}/{total}天").format(
            n=self.day_number, total=self.observation_days
        )
        state = self.state
        if state is ObservationState.RELEASED:
            return _("已解除观察（{day}，证明编号{number}）").format(
                day=self.released_on, number=self.certificate_number or "-"
            )
        if state is ObservationState.CERTIFICATE_REVOKED:
            return _("已解除观察，证明{number}已于{day}撤销：{reason}").format(
                number=self.certificate_number,
                day=self.certificate_revoked_on,
                reason=self.revoke_reason or "",
            )
        if state is ObservationState.ELIGIBLE:
            return _("可解除观察（{day}起）").format(day=self.eligible_since)
        if state is ObservationState.RELEASE_UNDONE:
            return _("解除已撤回（{day}：{reason}），仍符合解除条件").format(
                day=self.undone_on, reason=self.undo_reason or ""
            )
        if state is ObservationState.MISSING_PUNCH_IN:
            dates = "、".join(d.isoformat() for d in self.missing_days)
            return _("缺少打卡：{dates}（{days}）").format(dates=dates, days=days)
        if state is ObservationState.REFERRED_BACK:
            return _("重新观察（{start}起，{days}；因{cause}）").format(
                start=self.period_start, days=days, cause=self.restart_cause()
            )
        return _("观察中（{start}起，{days}）").format(
            start=self.period_start, days=days
        )

    def eligibility_reason(self, settings: CampaignSettings) -> str:
        """Why the student may be released, in words."""
        reason = _("自{start}起已观察满{days}天，每日均已打卡，").format(
            start=self.period_start, days=self.observation_days
        )
        reason += _("无体温≥{threshold}℃或症状").format(
            threshold=settings.fever_threshold
        )
        if self.restart_day is not None:
            reason += _("（{cause}后重新计算）").format(cause=self.restart_cause())
        return reason


def evaluate(
    facts: ObservationFacts, settings: CampaignSettings, on: date
) -> ObservationStatus:
    """The state of one student on the day ``on``."""
    checked_in_on = facts.started_at.astimezone(BEIJING).date()
    restart_day = None
    for day, report in facts.reports.items():
        if checked_in_on <= day <= on and (restart_day is None or day > restart_day):
            if is_abnormal(report.temperature, report.symptoms, settings):
                restart_day = day
    start = restart_day + timedelta(days=1) if restart_day else checked_in_on

    missing: tuple[date, ...] = ()
    if settings.daily_punch_in_required:
        span = (on - start).days
        days = (start + timedelta(days=i) for i in range(max(span, 0)))
        missing = tuple(d for d in days if d not in facts.reports)
    eligible_since = start + timedelta(days=settings.observation_days)
    released = facts.released_at is not None
    eligible = not released and on >= eligible_since and not missing

    if released and facts.certificate_revoked_at is not None:
        state = ObservationState.CERTIFICATE_REVOKED
    elif released:
        state = ObservationState.RELEASED
    elif eligible:
        undone = facts.undone_at is not None
        state = ObservationState.RELEASE_UNDONE if undone else ObservationState.ELIGIBLE
    elif missing:
        state = ObservationState.MISSING_PUNCH_IN
    elif restart_day is not None:
        state = ObservationState.REFERRED_BACK
    else:
        state = ObservationState.UNDER_OBSERVATION

    return ObservationStatus(
        student_id=facts.student_id,
        state=state,
        eligible=eligible,
        checked_in_on=checked_in_on,
        period_start=start,
        day_number=max((on - start).days + 1, 0),
        observation_days=settings.observation_days,
        eligible_since=eligible_since,
        missing_days=missing,
        restart_day=restart_day,
        restart_report=facts.reports.get(restart_day) if restart_day else None,
        released_on=_day(facts.released_at),
        certificate_number=facts.certificate_number,
        certificate_revoked_on=_day(facts.certificate_revoked_at),
        revoke_reason=facts.certificate_revoke_reason,
        undone_on=_day(facts.undone_at),
        undo_reason=facts.undo_reason,
    )


def _checked_in(condition: ColumnElement[bool]) -> Select[Any]:
    return (
        select(
            CheckIn.student_id,
            CheckIn.checked_in_at,
            Observation.started_at,
            Observation.released_at,
            Observation.undone_at,
            Observation.undo_reason,
        )
        .join(Student, Student.id == CheckIn.student_id)
        .join(SchoolClass, SchoolClass.id == Student.class_id)
        .outerjoin(Observation, Observation.student_id == CheckIn.student_id)
        .where(condition)
    )


def load_facts(
    session: Session, condition: ColumnElement[bool], on: date
) -> list[ObservationFacts]:
    """The facts of every checked-in student matching ``condition``.

    Three statements: check-ins with their observation rows, the current
    reports up to ``on`` of those not released, the certificates of those
    released.
    """
    base = _checked_in(condition).subquery()
    reports: dict[int, dict[date, DayReport]] = defaultdict(dict)
    unreleased = select(base.c.student_id).where(base.c.released_at.is_(None))
    for student_id, day, temperature, symptoms in session.execute(
        select(
            HealthReport.student_id,
            HealthReport.day,
            HealthReport.temperature,
            HealthReport.symptoms,
        ).where(
            HealthReport.is_current,
            HealthReport.day <= on,
            HealthReport.student_id.in_(unreleased),
        )
    ):
        reports[student_id][day] = DayReport(temperature, split_symptoms(symptoms))

    released = select(base.c.student_id).where(base.c.released_at.is_not(None))
    certificates: dict[int, tuple[str, datetime | None, str | None]] = {}
    for student_id, number, revoked_at, reason in session.execute(
        select(
            Certificate.student_id,
            Certificate.number,
            Certificate.revoked_at,
            Certificate.revoke_reason,
        )
        .where(Certificate.student_id.in_(released))
        .order_by(Certificate.id)
    ):
        certificates[student_id] = (number, revoked_at, reason)

    facts = []
    for row in session.execute(select(base)):
        number, revoked_at, revoke_reason = certificates.get(
            row.student_id, (None, None, None)
        )
        facts.append(
            ObservationFacts(
                student_id=row.student_id,
                started_at=row.started_at or row.checked_in_at,
                reports=reports.get(row.student_id, {}),
                released_at=row.released_at,
                undone_at=row.undone_at,
                undo_reason=row.undo_reason,
                certificate_number=number,
                certificate_revoked_at=revoked_at,
                certificate_revoke_reason=revoke_reason,
            )
        )
    return facts


def statuses(
    session: Session,
    clock: Clock,
    *,
    actor: Actor | None = None,
    student_ids: Collection[int] | None = None,
    settings: CampaignSettings | None = None,
) -> dict[int, ObservationStatus]:
    """The observation state of checked-in students, by student id.

    Args:
        actor: limits the students to the actor's scope (and needs the
            roster permission); None for the system itself.
        student_ids: only these students (a roster page); None for all.
        settings: the campaign settings, read from the database if None.

    Students who have not checked in are absent from the result.
    """
    condition: ColumnElement[bool] = true()
    if actor is not None:
        actor.require(Permission.ROSTER_VIEW)
        condition = class_condition(actor)
    settings = settings or load_settings(session)
    on = today(clock)

    facts: list[ObservationFacts] = []
    if student_ids is None:
        facts = load_facts(session, condition, on)
    else:
        ids = sorted(set(student_ids))
        for start in range(0, len(ids), CHUNK):
            chunk = CheckIn.student_id.in_(ids[start : start + CHUNK])
            facts.extend(load_facts(session, condition & chunk, on))
    return {f.student_id: evaluate(f, settings, on) for f in facts}


def status_of(
    session: Session, clock: Clock, student_id: int
) -> ObservationStatus | None:
    """One student's state, or None if they have not checked in."""
    return statuses(session, clock, student_ids=[student_id]).get(student_id)


def statuses_by_number(
    session: Session, clock: Clock, actor: Actor, student_nos: Collection[str]
) -> dict[str, ObservationStatus]:
    """The roster's observation column: states by student number.

    For one page of the roster: the numbers are mapped to ids in the
    actor's scope, then ``statuses`` reads them in its few statements.
    Students who have not checked in are absent; ``describe()`` gives the
    cell text (day N of 14, referred back since …, missing punch-in,
    eligible since, released, undone).
    """
    numbers = sorted(set(student_nos))
    ids: dict[int, str] = {}
    for start in range(0, len(numbers), CHUNK):
        rows = session.execute(
            select(Student.id, Student.student_no)
            .join(SchoolClass, SchoolClass.id == Student.class_id)
            .where(Student.student_no.in_(numbers[start : start + CHUNK]))
            .where(class_condition(actor))
        )
        ids.update({student_id: number for student_id, number in rows})
    found = statuses(session, clock, actor=actor, student_ids=list(ids))
    return {ids[student_id]: status for student_id, status in found.items()}
