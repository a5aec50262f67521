"""One harness for every service's rule tests: public events in through the service's own reactions (as its
consumer applies them: one unit of work, the tracking position in the same transaction), its public events out."""

from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import Any, TypeVar
from uuid import UUID, uuid4

from eventsourcing.persistence import Tracking

from events import CaseEvent, event_id_for
from services.runtime.calendar import calendar
from services.runtime.limits import STATUTE, Terms
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication, store_env
from services.runtime.stored import to_public
from services.runtime.wiring import reactions_of
from tests.support.clock import NOW

E = TypeVar("E", bound=CaseEvent)
TERMS = Terms(STATUTE, calendar())  # the statutory limits on the shipped working calendar


def memory_store() -> dict[str, str]:
    """An event store in memory, for rule tests that need no database."""
    return {"PERSISTENCE_MODULE": "eventsourcing.popo"}


def sqlite_store(tmp_path: Path, name: str) -> dict[str, str]:
    """A real SQLite event store in the test's directory."""
    return store_env(name, f"sqlite:///{tmp_path}/{name}.db", "")


def public(cls: type[E], case_id: str | UUID, **fields: Any) -> E:
    """A public event as another service would have published it (a fresh event id, the pinned time)."""
    case = str(case_id)
    return cls(event_id=event_id_for("Other", uuid4(), 1), case_id=case, occurred_at=NOW, recorded_at=NOW, **fields)


class Reactor:
    """Feeds public events to an application's reactions, and reads back the public events it stores."""

    positions = count(1)

    def __init__(self, app: ServiceApplication, consumer: str = "test"):
        self.app = app
        self.consumer = consumer
        self.reactions = reactions_of(type(app))
        self.read = 0

    def react(self, *events: CaseEvent) -> int:
        """Apply each event as the consumer would; returns how many stored events the reactions recorded."""
        before = self.app.recorder.max_notification_id() or 0  # type: ignore[attr-defined]
        for event in events:
            uow = UnitOfWork(self.app)
            self.reactions[type(event)](self.app, event, uow)
            self.app.record_reaction(uow.aggregates(), Tracking(self.consumer, next(self.positions)))
        return (self.app.recorder.max_notification_id() or 0) - before  # type: ignore[attr-defined]

    def published(self) -> list[CaseEvent]:
        """The public events the application stored since the last call."""
        events = []
        for position, stored in self.app.stored_events(self.read):
            self.read = position
            event = to_public(stored)
            if event is not None:
                events.append(event)
        return events

    def public_events(self, case_id: str | None = None, after: int = 0) -> list[CaseEvent]:
        """Every public event the application stored (of one case, if given), in order."""
        events = [to_public(stored) for _, stored in self.app.stored_events(after)]
        return [e for e in events if e is not None and (case_id is None or e.case_id == case_id)]
