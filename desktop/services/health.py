"""Daily health punch-ins (健康打卡): rules, recording and corrections.

One current report per student and day. A correction adds a version and
keeps the earlier one, not current, as registrations do. Temperatures are
35.0–42.0 °C with at most one decimal; symptoms come from a small fixed
vocabulary and are stored as text joined by ``、`` in vocabulary order.

Who may record: a school admin for anyone, a class head or college admin
for the students in their scope. Every write leaves an audit event that
names the day and version but not the temperature (health data).

A report "looks replayed" when the same temperature to 0.1 °C, or the
same submission minute, repeats for ``replay_run_days`` days running
(``replay_runs``). The health page's queries are in ``health_queries``.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop.clock import BEIJING, Clock, today
from desktop.i18n import _
from desktop.models import CheckIn, HealthReport, Student
from desktop.services import audit
from desktop.services.auth import Actor, Permission, Role
from desktop.services.scope import require_student
from desktop.services.settings import CampaignSettings

log = logging.getLogger(__name__)

MIN_TEMPERATURE = Decimal("35.0")
MAX_TEMPERATURE = Decimal("42.0")
SYMPTOMS = ("发烧", "咳嗽", "乏力", "咽痛", "腹泻", "其他")
SYMPTOM_SEPARATOR = "、"
NOTE_LENGTH = 200


class PunchInInvalid(ValueError):
    """A punch-in has errors; ``errors`` maps field name to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_temperature(value: object) -> float:
    """A temperature in °C from a number or text; ValueError in words."""
    # Full-width digits and a trailing ℃ are how people type it in WPS.
    text = unicodedata.normalize("NFKC", str(value)).strip()
    text = text.removesuffix("°C").removesuffix("℃").strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("体温不是数字")) from None
    if not number.is_finite():
        raise ValueError(_("体温不是数字"))
    if not MIN_TEMPERATURE <= number <= MAX_TEMPERATURE:
        raise ValueError(_("体温须在35.0至42.0℃之间"))
    if number != number.quantize(Decimal("0.1")):
        raise ValueError(_("体温最多保留一位小数"))
    return float(number)


def normalise_symptoms(items: Iterable[str]) -> tuple[str, ...]:
    """The symptoms in vocabulary order, without repeats; ValueError if unknown."""
    given = {item.strip() for item in items if item.strip()}
    unknown = given - set(SYMPTOMS)
    if unknown:
        raise ValueError(
            _("未知症状：{items}（可选：{choices}）").format(
                items=SYMPTOM_SEPARATOR.join(sorted(unknown)),
                choices=SYMPTOM_SEPARATOR.join(SYMPTOMS),
            )
        )
    return tuple(s for s in SYMPTOMS if s in given)


def split_symptoms(stored: str) -> tuple[str, ...]:
    """The symptoms of a stored report."""
    return tuple(s for s in stored.split(SYMPTOM_SEPARATOR) if s)


def is_abnormal(
    temperature: float, symptoms: Iterable[str], settings: CampaignSettings
) -> bool:
    """Whether a report is abnormal: fever, or (if so set) any symptom."""
    if temperature >= settings.fever_threshold - 1e-9:
        return True
    return settings.symptoms_abnormal and any(symptoms)


def validate(
    *,
    day: date,
    temperature: object,
    symptoms: Iterable[str],
    note: str | None,
    today: date,
) -> tuple[float, tuple[str, ...], str | None]:
    """Check a punch-in; returns the clean values or raises PunchInInvalid."""
    errors: dict[str, str] = {}
    clean_temperature, clean_symptoms = 0.0, ()
    try:
        clean_temperature = parse_temperature(temperature)
    except ValueError as error:
        errors["temperature"] = str(error)
    try:
        clean_symptoms = normalise_symptoms(symptoms)
    except ValueError as error:
        errors["symptoms"] = str(error)
    if day > today:
        errors["day"] = _("不能为将来的日期打卡")
    clean_note = (note or "").strip() or None
    if clean_note is not None and len(clean_note) > NOTE_LENGTH:
        errors["note"] = _("备注不能超过200字")
    if errors:
        raise PunchInInvalid(errors)
    return clean_temperature, clean_symptoms, clean_note


def current_report(session: Session, student_id: int, day: date) -> HealthReport | None:
    """The student's current report for ``day``, if any."""
    return session.scalars(
        select(HealthReport).where(
            HealthReport.student_id == student_id,
            HealthReport.day == day,
            HealthReport.is_current,
        )
    ).first()


# Entering a punch-in this many days after the day it is for is routine
# (yesterday's, forgotten); older ones are a back-fill only a school admin
# may make, or missed days could be filled in to reach release.
ROUTINE_LATE_DAYS = 1


def _check_backfill(
    session: Session, actor: Actor, student: Student, day: date, now_day: date
) -> None:
    checked_in = session.scalars(
        select(CheckIn.checked_in_at).where(CheckIn.student_id == student.id)
    ).first()
    if checked_in is not None and day < checked_in.astimezone(BEIJING).date():
        raise PunchInInvalid({"day": _("打卡日期不能早于报到日期")})
    if (now_day - day).days > ROUTINE_LATE_DAYS and actor.role is not Role.SCHOOL_ADMIN:
        raise PunchInInvalid(
            {"day": _("补录{day}的打卡须由校级管理员操作").format(day=day.isoformat())}
        )


def record_punch_in(
    session: Session,
    clock: Clock,
    actor: Actor,
    student: Student,
    *,
    temperature: object,
    symptoms: Iterable[str] = (),
    note: str | None = None,
    day: date | None = None,
    reported_at: datetime | None = None,
) -> HealthReport:
    """Record ``student``'s punch-in for ``day`` (default today).

    A second punch-in for the same day is a correction: it becomes the
    current version and the earlier one is kept. The same values again
    add nothing.

    Args:
        reported_at: when the student submitted it (default now); an
            import passes the file's time, which the replay check reads.

    Raises:
        PunchInInvalid: with every field's problem; nothing is written.
        PermissionDenied: the role or the student's class forbids it.
    """
    actor.require(Permission.HEALTH_RECORD)
    require_student(session, actor, student)
    day = day or today(clock)
    clean = validate(
        day=day,
        temperature=temperature,
        symptoms=symptoms,
        note=note,
        today=today(clock),
    )
    _check_backfill(session, actor, student, day, today(clock))
    clean_temperature, clean_symptoms, clean_note = clean
    stored_symptoms = SYMPTOM_SEPARATOR.join(clean_symptoms)

    previous = current_report(session, student.id, day)
    if previous is not None and (
        previous.temperature,
        previous.symptoms,
        previous.note,
    ) == (clean_temperature, stored_symptoms, clean_note):
        return previous
    if previous is not None:
        session.execute(
            update(HealthReport)
            .where(HealthReport.id == previous.id)
            .values(is_current=False)
        )
        session.flush()

    report = HealthReport(
        student_id=student.id,
        day=day,
        version=previous.version + 1 if previous else 1,
        is_current=True,
        temperature=clean_temperature,
        symptoms=stored_symptoms,
        note=clean_note,
        reported_at=reported_at or clock.now(),
        recorded_by=actor.operator_id,
    )
    session.add(report)
    session.flush()
    audit.record(
        session,
        clock,
        actor,
        "health.correct" if previous else "health.punch_in",
        f"student:{student.student_no}",
        day=day.isoformat(),
        version=report.version,
    )
    return report


def report_versions(
    session: Session, actor: Actor, student: Student, day: date
) -> list[HealthReport]:
    """Every version of the student's report for ``day``, oldest first."""
    actor.require(Permission.ROSTER_VIEW)
    require_student(session, actor, student)
    return list(
        session.scalars(
            select(HealthReport)
            .where(HealthReport.student_id == student.id, HealthReport.day == day)
            .order_by(HealthReport.version)
        )
    )


@dataclass(frozen=True)
class ReplayRun:
    """Reports that look replayed rather than measured.

    Attributes:
        kind: "temperature" (the same value to 0.1 °C) or "minute" (sent
            at the same HH:MM).
        start: the run's first day.
        end: the run's last day.
        value: the repeated temperature ("36.5") or minute ("08:03").
    """

    kind: str
    start: date
    end: date
    value: str

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """The flag in words."""
        if self.kind == "temperature":
            text = _("连续{days}天体温均为{value}℃，疑似重复提交")
        else:
            text = _("连续{days}天均在{value}提交，疑似代打卡")
        return text.format(days=self.days, value=self.value)


_ReplayKey = Callable[[tuple[date, float, datetime]], str]
_REPLAY_KEYS: tuple[tuple[str, _ReplayKey], ...] = (
    ("temperature", lambda r: f"{r[1]:.1f}"),
    ("minute", lambda r: r[2].astimezone(BEIJING).strftime("%H:%M")),
)


def replay_runs(
    reports: Iterable[tuple[date, float, datetime]], run_days: int
) -> list[ReplayRun]:
    """Runs of ``run_days`` or more consecutive days with the same value.

    Args:
        reports: ``(day, temperature, reported_at)`` of one student's
            current reports, in any order.
        run_days: the shortest run that is flagged.
    """
    ordered = sorted(reports)
    runs = []
    for kind, key in _REPLAY_KEYS:
        start = 0
        for index in range(1, len(ordered) + 1):
            if index < len(ordered):
                before, here = ordered[index - 1], ordered[index]
                consecutive = here[0] - before[0] == timedelta(days=1)
                if consecutive and key(here) == key(before):
                    continue
            if index - start >= run_days:
                first = ordered[start]
                runs.append(
                    ReplayRun(kind, first[0], ordered[index - 1][0], key(first))
                )
            start = index
    return runs
