"""Campaign settings, declared once with their types and 2020 defaults.

Values live in the ``setting`` table so every gate of a school shares them.
Nothing outside this module names a setting by a string key.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop.models import Setting


# TODO(settings): no console page edits these yet (school admins would);
# they keep the 2020 defaults unless stored, and the demo moves the dates.
@dataclass(frozen=True)
class CampaignSettings:
    """The rules of the notice that a school may adjust.

    Attributes:
        campaign_start: who returns on or after this day must register.
        registration_deadline: the last day to register (登记截止).
        severe_provinces: provinces whose students may not return (湖北等).
        pass_valid_days: how long a registration pass stays valid.
        repeat_window_seconds: the same code read again within this many
            seconds is one scan.
        observation_days: days of observation before release.
        fever_threshold: a temperature at or above this is abnormal.
        symptoms_abnormal: whether any declared symptom makes a punch-in
            abnormal (sending the student back to the start).
        daily_punch_in_required: whether release needs a punch-in on every
            day of the observation period.
        replay_run_days: this many days running with the same temperature,
            or the same submission minute, flag reports as replayed.
        undo_window_hours: a release may be undone this long afterwards.
        issuing_office: the office that signs certificates, written after
            the school's name (签发单位).
    """

    campaign_start: date = date(2020, 3, 13)
    registration_deadline: date = date(2020, 3, 27)
    severe_provinces: tuple[str, ...] = field(default=("湖北省",))
    pass_valid_days: int = 180
    repeat_window_seconds: float = 4.0
    observation_days: int = 14
    fever_threshold: float = 37.3
    symptoms_abnormal: bool = True
    daily_punch_in_required: bool = True
    replay_run_days: int = 5
    undo_window_hours: float = 24.0
    issuing_office: str = "研究生工作处"


def _to_json(value: Any) -> str:
    if isinstance(value, date):
        return json.dumps(value.isoformat())
    if isinstance(value, tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return json.dumps(value, ensure_ascii=False)


def _from_json(default: Any, text: str) -> Any:
    value = json.loads(text)
    if isinstance(default, date):
        return date.fromisoformat(value)
    if isinstance(default, tuple):
        return tuple(value)
    return type(default)(value)


def load_settings(session: Session) -> CampaignSettings:
    """The settings stored in the database, defaults for the rest."""
    stored = {
        key: value for key, value in session.execute(select(Setting.key, Setting.value))
    }
    defaults = CampaignSettings()
    values = {}
    for item in fields(CampaignSettings):
        if item.name in stored:
            values[item.name] = _from_json(
                getattr(defaults, item.name), stored[item.name]
            )
    return replace(defaults, **values)


def save_settings(session: Session, settings: CampaignSettings) -> None:
    """Write every setting (callers check permission and audit)."""
    for name, value in asdict(settings).items():
        if isinstance(value, list):
            value = tuple(value)
        session.merge(Setting(key=name, value=_to_json(value)))
