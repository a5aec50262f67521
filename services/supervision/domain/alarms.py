"""预警与逾期: which alarm stage a running clock has reached, and whether it is due to be emitted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from events.vocabulary import Clock
from services.supervision.domain.deadlines import ClockState, Key

MISSED = -1  # the alarm stage of an overdue clock; a warning's stage is its offset in days
WINDOWS = frozenset({Clock.review_request, Clock.re_review_request})  # a petitioner's right, not a duty


def alarm_stage(state: ClockState, as_of: date, offsets: Iterable[int]) -> int | None:
    """The most severe stage a running clock has reached: MISSED when overdue, else the smallest offset."""
    if as_of > state.due_on:
        return MISSED
    reached = [o for o in offsets if as_of >= state.due_on - timedelta(days=o)]
    return min(reached) if reached else None


def should_alarm(stage: int, due_on: date, emitted: Iterable[tuple[int, date]]) -> bool:
    """Each stage once per clock and round; never a milder stage after a more severe one for the same due date."""
    earlier = list(emitted)
    if any(s == stage for s, _ in earlier):
        return False
    return all(s > stage for s, due in earlier if due == due_on)


def pending_alarm(
    key: Key, state: ClockState, as_of: date, offsets: Iterable[int], emitted: Iterable[tuple[int, date]]
) -> int | None:
    """The stage to emit now for a clock, or None: only running, unpaused duty clocks alarm."""
    if key[0] in WINDOWS or not state.running or state.paused_on is not None:
        return None
    stage = alarm_stage(state, as_of, offsets)
    if stage is None or not should_alarm(stage, state.due_on, emitted):
        return None
    return stage
