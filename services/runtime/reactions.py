"""A service's reactions to other services' events, saved with the consumer's position in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from events import CaseEvent
from events.base import SUBJECT_PREFIX
from services.runtime.consumer import Delivery
from services.runtime.sidecar import Sidecar
from services.runtime.store import ServiceApplication

A = TypeVar("A", bound=Aggregate)


class UnitOfWork:
    """The aggregates one batch of reactions loads and changes; later events in the batch see earlier changes."""

    def __init__(self, app: ServiceApplication):
        self.app = app
        self.touched: dict[UUID, Aggregate] = {}

    def get(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        aggregate = self.touched.get(aggregate_id)
        if aggregate is None:
            return self.app.find(aggregate_id, kind)
        assert isinstance(aggregate, kind)
        return aggregate

    def add(self, aggregate: Aggregate) -> None:
        self.touched[aggregate.id] = aggregate

    def aggregates(self) -> Iterable[Aggregate]:
        return self.touched.values()


Reaction = Callable[[Any, Any, UnitOfWork], None]


class ApplicationSink:
    """Applies consumed events to a service's application; the tracking record rides with the new events."""

    def __init__(
        self, name: str, app: ServiceApplication, reactions: dict[type[CaseEvent], Reaction], sidecar: Sidecar
    ):
        self.name = name
        self.app = app
        self.reactions = {cls.event_type: fn for cls, fn in reactions.items()}
        self.sidecar = sidecar
        self.subjects = [f"{SUBJECT_PREFIX}.*.{event_type}" for event_type in self.reactions]

    def position(self) -> int:
        return self.app.position(self.name)

    def apply(self, deliveries: list[Delivery]) -> None:
        uow = UnitOfWork(self.app)
        for delivery in deliveries:
            event = delivery.event
            self.reactions[event.event_type](self.app, event, uow)
        self.app.record_reaction(uow.aggregates(), Tracking(self.name, deliveries[-1].seq))

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        self.sidecar.dead_letter(
            self.name, delivery.seq, delivery.subject, reason, delivery.data, delivery.headers, self.app.clock.now()
        )
        self.app.record_reaction([], Tracking(self.name, delivery.seq))
