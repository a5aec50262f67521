"""The date every test runs on, whatever the machine's: the suite passes today, next month and in ten years."""

from datetime import UTC, date, datetime

from services.runtime.clock import PinnedClock

TODAY = date(2026, 11, 23)  # a Monday
NOW = datetime(2026, 11, 23, 9, 30, tzinfo=UTC)
CLOCK = PinnedClock(TODAY)


def pinned(day: date) -> PinnedClock:
    """A clock stopped on another date, for a test that needs one."""
    return PinnedClock(day)
