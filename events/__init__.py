"""The public event contract of xinfang: every case event on the bus, shared by services and subscribers.

Each event is declared once in the module of the service that publishes it (``events.intake`` …) and registers
itself in ``EVENT_TYPES``; importing this package imports them all.
"""

import json

from pydantic import ValidationError

from events import assignment, intake, mediation, notices, supervision  # noqa: F401  (each registers itself)
from events.base import EVENT_TYPES, STREAM, SUBJECT_PREFIX, CaseEvent, case_subject, event_id_for


class UndecodableEvent(ValueError):
    """A message on the case stream that is not a valid event of this contract."""


class UnknownEventType(UndecodableEvent):
    """A well-formed subject naming an event type this contract does not know (yet): a newer producer's event."""


def event_type_of(subject: str) -> str:
    """The event type a case subject names (its last token)."""
    parts = subject.split(".")
    if len(parts) != 4 or f"{parts[0]}.{parts[1]}" != SUBJECT_PREFIX:
        raise UndecodableEvent(f"subject {subject!r} is not xf.case.<case id>.<event type>")
    return parts[3]


def is_known(subject: str) -> bool:
    """Whether a subject names an event of this contract (a malformed subject counts as known: it dead-letters)."""
    try:
        return event_type_of(subject) in EVENT_TYPES
    except UndecodableEvent:
        return True


def decode(subject: str, data: bytes) -> CaseEvent:
    """Decode one message of the case stream, or raise UndecodableEvent naming what is wrong."""
    event_type = event_type_of(subject)
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise UnknownEventType(f"unknown event type {event_type!r}")
    try:  # the usual message, parsed and validated in one pass; anything amiss is told by the steps below
        event = cls.model_validate_json(data)
    except ValueError:
        pass
    else:
        if event.schema_version <= cls.current_version and event.subject == subject:
            return event
    return _decode_stepwise(event_type, cls, subject, data)


def _decode_stepwise(event_type: str, cls: type[CaseEvent], subject: str, data: bytes) -> CaseEvent:
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UndecodableEvent(f"payload is not JSON: {exc}") from None
    except RecursionError:
        raise UndecodableEvent("payload is nested deeper than any event") from None
    if not isinstance(payload, dict):
        raise UndecodableEvent("payload is not a JSON object")
    version = payload.get("schema_version", 1)
    if not isinstance(version, int) or version > cls.current_version:
        raise UndecodableEvent(f"{event_type} schema_version {version!r} is newer than {cls.current_version}")
    try:
        event = cls.model_validate(payload)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        raise UndecodableEvent(f"{event_type}: field {field!r}: {first['msg']}") from None
    if event.subject != subject:
        raise UndecodableEvent(f"case_id {event.case_id!r} does not match subject {subject!r}")
    return event


__all__ = [
    "EVENT_TYPES",
    "STREAM",
    "SUBJECT_PREFIX",
    "CaseEvent",
    "UndecodableEvent",
    "UnknownEventType",
    "case_subject",
    "decode",
    "event_id_for",
    "event_type_of",
    "is_known",
]
