"""Stored events under stable names, each naming its public twin, and the one mapping from stored to public.

eventsourcing stores an event under a topic, by default the module and class path of its class; moving a module
or renaming an aggregate would orphan every stored event of that type. So every aggregate declares, below its
class, the stable name of each of its stored events and the public event it becomes on the bus (or none):

    stored_events(Petition, "intake", "Petition", {"Registered": Twin(PetitionRegistered, shape), "Noted": None})

The topic is ``xf/<service>/<aggregate>/<event>``; those strings never change once shipped, whatever the code
is called (tests/unit/test_stored_topics.py keeps the list).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from eventsourcing.domain import Aggregate, DomainEvent
from eventsourcing.utils import register_topic

from events import CaseEvent, event_id_for

Shape = Callable[[Any], dict[str, Any]]


@dataclass(frozen=True)
class Twin:
    """The public event a stored event becomes, and, where the two differ, how its fields are shaped."""

    public: type[CaseEvent]
    shape: Shape | None = None


# Every aggregate that declared its stored events, by its topic.
DECLARED: dict[str, type[Aggregate]] = {}


class UndeclaredStoredEvent(TypeError):
    """A stored event class without a stable name: its events would be stored under its module path."""


def event_classes(aggregate: type[Aggregate]) -> dict[str, type[DomainEvent]]:
    """The concrete event classes eventsourcing made for an aggregate's ``@event`` methods, by name."""
    return {
        name: value
        for name, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, DomainEvent) and name not in ("Event", "Created")
    }


def event_class(aggregate: type[Aggregate], name: str) -> type[Any]:
    """One of an aggregate's stored event classes by name, for code that reads the service's own log."""
    return event_classes(aggregate)[name]


def stored_events(
    aggregate: type[Aggregate], service: str, name: str, twins: Mapping[str, Twin | type[CaseEvent] | None]
) -> None:
    """Give an aggregate and each of its stored events a stable topic, and name each event's public twin."""
    declared = event_classes(aggregate)
    missing, unknown = set(declared) - set(twins), set(twins) - set(declared)
    if missing or unknown:
        raise UndeclaredStoredEvent(
            f"{aggregate.__qualname__}: stored events without a stable name {sorted(missing)}, "
            f"names of no stored event {sorted(unknown)}"
        )
    _name(aggregate, f"xf/{service}/{name}")
    DECLARED[aggregate.TOPIC] = aggregate  # type: ignore[attr-defined]
    for event_name, twin in twins.items():
        cls: Any = declared[event_name]
        _name(cls, f"xf/{service}/{name}/{event_name}")
        cls.twin = Twin(twin) if isinstance(twin, type) else twin
        cls.aggregate_name = name


def _name(cls: Any, topic: str) -> None:
    cls.TOPIC = topic
    register_topic(topic, cls)


def envelope(stored: Any) -> dict[str, Any]:
    """The fields every public event takes from its stored twin: the stable event id, the case, the time."""
    return {
        "event_id": event_id_for(type(stored).aggregate_name, stored.originator_id, stored.originator_version),
        "case_id": str(stored.originator_id),
        "occurred_at": stored.timestamp,
        "recorded_at": stored.timestamp,
        "actor": getattr(stored, "actor", "") or "",
    }


def same_fields(stored: Any, public: type[CaseEvent]) -> dict[str, Any]:
    """The public event's own fields, taken from the stored event's attributes of the same name where it has
    them (a field added later defaults when an older stored event lacks it)."""
    own = set(public.model_fields) - set(CaseEvent.model_fields)
    return {name: getattr(stored, name) for name in own if getattr(stored, name, None) is not None}


def to_public(stored: Any) -> CaseEvent | None:
    """The public event a stored event becomes on the bus, or None for one that stays inside its service."""
    twin: Twin | None = getattr(type(stored), "twin", None)
    if twin is None:
        return None
    fields = twin.shape(stored) if twin.shape is not None else same_fields(stored, twin.public)
    return twin.public(**envelope(stored), **fields)
