"""The one clock: every "today" and "now" of the system comes from here, so tests, demos and "as of" runs pin it.

No other module reads the real date or time of day (a test greps for it); components get a clock from their
composition root (``service.py``, the CLI, the demo) and pass it on.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Where "today" comes from."""

    def today(self) -> date: ...

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's date (local time, as the petition office reads its calendar) and the UTC time."""

    def today(self) -> date:
        return date.today()

    def now(self) -> datetime:
        return datetime.now(UTC)


class PinnedClock:
    """A clock stopped on one date (``XF_TODAY``, tests): time still passes within that day, the date never moves."""

    def __init__(self, day: date):
        self.day = day

    def today(self) -> date:
        return self.day

    def now(self) -> datetime:
        real = datetime.now(UTC)
        return real + timedelta(days=(self.day - real.date()).days)

    def __repr__(self) -> str:
        return f"PinnedClock({self.day.isoformat()})"


OFFICE_TIME = timezone(timedelta(hours=8), "北京时间")  # the offices' clocks read China Standard Time


def clock_for(today: date | None) -> Clock:
    """The system clock, or one pinned to ``today`` when an operator or a test names the date."""
    return SystemClock() if today is None else PinnedClock(today)
