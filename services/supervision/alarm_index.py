"""时限巡查: which cases have a warning or overdue mark due, kept from the service's own log, so a sweep loads only
those (the aggregate decides again when loaded)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events.vocabulary import Clock
from services.runtime.store import ServiceApplication
from services.runtime.stored import event_class
from services.supervision.domain import Supervision
from services.supervision.domain.alarms import MISSED, pending_alarm
from services.supervision.domain.deadlines import ClockState, Key

CLOCK_CHANGES = tuple(event_class(Supervision, name) for name in ("ClockRecorded", "ClockPaused", "ClockStopped"))
WARNING, MISSED_MARK = event_class(Supervision, "WarningIssued"), event_class(Supervision, "DeadlineMissed")


class AlarmIndex:
    """Every running clock and the alarms it already had, kept from the log, so a sweep loads only candidates."""

    def __init__(self, offsets: tuple[int, ...]):
        self.offsets = offsets
        self.position = 0
        self.clocks: dict[tuple[UUID, Key], ClockState] = {}
        self.emitted: dict[tuple[UUID, Key], list[tuple[int, date]]] = {}

    def catch_up(self, app: ServiceApplication) -> None:
        for position, stored in app.stored_events(self.position):
            self.note(stored)
            self.position = position

    def note(self, stored: Any) -> None:
        kind = type(stored)
        if kind not in (*CLOCK_CHANGES, WARNING, MISSED_MARK):
            return
        key = (stored.originator_id, (Clock(stored.clock), stored.round))
        if kind in CLOCK_CHANGES:
            state = ClockState(**stored.state)
            if state.running:
                self.clocks[key] = state
            else:  # a stopped clock never alarms again
                self.clocks.pop(key, None)
                self.emitted.pop(key, None)
        elif key in self.clocks:
            stage = stored.stage if kind is WARNING else MISSED
            self.emitted.setdefault(key, []).append((stage, stored.due_on))

    def candidates(self, as_of: date) -> list[UUID]:
        """The cases with at least one alarm due as of a date (the aggregate decides again when loaded)."""
        due = {
            case_id
            for (case_id, key), state in self.clocks.items()
            if pending_alarm(key, state, as_of, self.offsets, self.emitted.get((case_id, key), [])) is not None
        }
        return sorted(due)
