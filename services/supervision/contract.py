"""Supervision's stored events as public events."""

from typing import Any

from events import CaseEvent, ClockStopped, DeadlineRecorded, SatisfactionRated
from services.runtime.contract import envelope, fields
from services.supervision.domain import CaseClocks


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, CaseClocks.DeadlineRecorded):
        return DeadlineRecorded(**envelope(stored), **fields(stored, "clock", "starts_on", "due_on", "limit_days"))
    if isinstance(stored, CaseClocks.ClockStopped):
        return ClockStopped(**envelope(stored), **fields(stored, "clock", "stopped_on", "due_on", "on_time"))
    if isinstance(stored, CaseClocks.Rated):
        return SatisfactionRated(**envelope(stored), **fields(stored, "rating", "comment", "rated_on"))
    return None
