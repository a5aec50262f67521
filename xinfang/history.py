"""One case's full history, read from the case stream by its subject."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any, get_args

import nats.errors
from nats.aio.client import Client
from nats.js.api import DeliverPolicy

from events import EVENT_TYPES, STREAM
from events.base import SUBJECT_PREFIX
from events.vocabulary import label
from services.runtime.errors import NotFound


async def case_history(nc: Client, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case in stream order, with its sequence and type."""
    js = nc.jetstream()
    subject = f"{SUBJECT_PREFIX}.{case_id}.>"
    info = await js.stream_info(STREAM, subjects_filter=subject)
    expected = sum((info.state.subjects or {}).values())
    if expected == 0:
        raise NotFound(f"案件 {case_id} 在事件流中没有记录", "case")
    sub = await js.subscribe(subject, stream=STREAM, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
    events: list[dict[str, Any]] = []
    try:
        while len(events) < expected:
            try:
                msg = await sub.next_msg(timeout=5)
            except (TimeoutError, nats.errors.TimeoutError):
                break
            events.append(
                {
                    "seq": msg.metadata.sequence.stream,
                    "type": msg.subject.rsplit(".", 1)[-1],
                    "event": readable(msg.data),
                }
            )
    finally:
        await sub.unsubscribe()
    return events


def readable(data: bytes) -> dict[str, Any]:
    """A message's payload as JSON, or, for one that is not an event (it is in the dead letters), a note saying so."""
    try:
        event = json.loads(data)
    except (ValueError, RecursionError):
        event = None
    if isinstance(event, dict):
        return event
    return {UNDECODABLE: f"不是可读的事件 ({len(data)} 字节)，见 xinfang dead-letters"}


def event_title(event_type: str) -> str:
    """The Chinese name of an event type, from the contract (an event this version does not know: its type)."""
    cls = EVENT_TYPES.get(event_type)
    return cls.title() if cls is not None else event_type


def field_label(event_type: str, field: str) -> str:
    """A field's Chinese name, from the contract."""
    cls = EVENT_TYPES.get(event_type)
    return cls.label(field) if cls is not None else field


UNDECODABLE = "undecodable"
ENVELOPE = {"event_id", "case_id", "recorded_at", "schema_version", "occurred_at", "actor"}
SAID_EITHER_WAY = {"on_time", "agreed"}  # a "no" here is news, not an absent flag


def vocabulary_of(event_type: str, field: str) -> type[StrEnum] | None:
    """The vocabulary a field of the contract is typed with (``Stage``, ``list[Risk]``, ``Opinion | None`` …)."""
    cls = EVENT_TYPES.get(event_type)
    info = cls.model_fields.get(field) if cls is not None else None
    if info is None:
        return None
    for candidate in (info.annotation, *get_args(info.annotation)):
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return candidate
    return None


def named_twin(field: str) -> str:
    """The field that carries a code's name: department → department_name, co_handlers → co_handler_names."""
    return f"{field[:-1]}_names" if field.endswith("s") else f"{field}_name"


def describe(event_type: str, payload: dict[str, Any], names: Callable[[str], str] = str) -> str:
    """An event's own fields as ``名称 值`` pairs, as staff read them: vocabulary values and codes by their Chinese
    names, leaving out the envelope and what is empty or unset."""
    twins = {named_twin(field) for field in payload if payload.get(named_twin(field))}
    parts = []
    for field, value in payload.items():
        if field in ENVELOPE or field in twins or (not value and not (field in SAID_EITHER_WAY and value is False)):
            continue
        shown_as = payload.get(named_twin(field)) or value
        parts.append(f"{field_label(event_type, field)} {shown(shown_as, vocabulary_of(event_type, field), names)}")
    return " · ".join(parts)


def shown(value: Any, vocabulary: type[StrEnum] | None, names: Callable[[str], str]) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(shown(v, vocabulary, names) for v in value)
    if isinstance(value, dict):
        return " ".join(shown(v, vocabulary, names) for v in value.values() if v)
    text = str(value)
    if vocabulary is not None:
        return label(text, vocabulary)
    return names(text)
