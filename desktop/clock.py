"""Time as a service, so tests and the demo can move it.

No service calls ``datetime.now()``: each takes a ``Clock`` and asks it.
Times are timezone-aware; the campaign runs in Beijing time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Protocol

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


class Clock(Protocol):
    """Something that tells the current time."""

    def now(self) -> datetime:
        """The current aware datetime in Beijing time."""
        ...


class SystemClock:
    """The real wall clock, in Beijing time."""

    def now(self) -> datetime:
        return datetime.now(BEIJING)


class FixedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            start = start.replace(tzinfo=BEIJING)
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a ``timedelta(**delta)``."""
        self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (naive values are taken as Beijing time)."""
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=BEIJING)
        self._now = moment


def today(clock: Clock) -> date:
    """The calendar day in Beijing for ``clock``."""
    return clock.now().astimezone(BEIJING).date()
