"""时限巡查: find the cases with a warning or overdue mark due, from the service's own log, and sweep them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

from events.vocabulary import Clock
from services.runtime.lifecycle import stop_requested
from services.supervision.alarms import MISSED, pending_alarm
from services.supervision.clocks import ClockChanged, DeadlineMissed, WarningIssued
from services.supervision.deadlines import ClockState, Key

if TYPE_CHECKING:
    from services.runtime.dbthread import DbThread
    from services.runtime.settings import Settings
    from services.runtime.store import ServiceApplication
    from services.supervision.application import SupervisionApplication

log = logging.getLogger(__name__)
PAGE = 500


def stored_events(app: ServiceApplication, after: int = 0) -> Iterator[tuple[int, Any]]:
    """The service's own notification log after a position, as (position, stored event)."""
    while True:
        page = app.notifications(after, PAGE)
        if not page:
            return
        for notification in page:
            yield notification.id, app.stored_event(notification)
        after = page[-1].id


class AlarmIndex:
    """Every running clock and the alarms it already had, kept from the log, so a sweep loads only candidates."""

    def __init__(self, offsets: tuple[int, ...]):
        self.offsets = offsets
        self.position = 0
        self.clocks: dict[tuple[UUID, Key], ClockState] = {}
        self.emitted: dict[tuple[UUID, Key], list[tuple[int, date]]] = {}

    def catch_up(self, app: ServiceApplication) -> None:
        for position, stored in stored_events(app, self.position):
            self.note(stored)
            self.position = position

    def note(self, stored: Any) -> None:
        if not isinstance(stored, (ClockChanged, WarningIssued, DeadlineMissed)):
            return
        key = (stored.originator_id, (Clock(stored.clock), stored.round))
        if isinstance(stored, ClockChanged):
            state = ClockState(**stored.state)
            if state.running:
                self.clocks[key] = state
            else:  # a stopped clock never alarms again
                self.clocks.pop(key, None)
                self.emitted.pop(key, None)
        elif key in self.clocks:
            stage = stored.stage if isinstance(stored, WarningIssued) else MISSED
            self.emitted.setdefault(key, []).append((stage, stored.due_on))

    def candidates(self, as_of: date) -> list[UUID]:
        """The cases with at least one alarm due as of a date (the aggregate decides again when loaded)."""
        due = {
            case_id
            for (case_id, key), state in self.clocks.items()
            if pending_alarm(key, state, as_of, self.offsets, self.emitted.get((case_id, key), [])) is not None
        }
        return sorted(due)


async def sweep_forever(app: SupervisionApplication, settings: Settings, db: DbThread) -> None:
    """The background sweep: every sweep_interval_s, as of today, on the service's database thread."""
    while not stop_requested():
        try:
            emitted = await db.run(app.sweep_as_of, app.clock.today())
            if emitted:
                log.info("sweep emitted %d warnings and overdue marks", emitted)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweep failed; retrying in %ss", settings.sweep_interval_s)
        await asyncio.sleep(settings.sweep_interval_s)
