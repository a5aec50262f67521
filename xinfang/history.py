"""One case's full history, read from the case stream by its subject."""

from __future__ import annotations

import json
from typing import Any

import nats.errors
from nats.aio.client import Client
from nats.js.api import DeliverPolicy

from events import EVENT_TYPES, STREAM
from events.base import SUBJECT_PREFIX
from services.runtime.errors import NotFound


async def case_history(nc: Client, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case in stream order, with its sequence and type."""
    js = nc.jetstream()
    subject = f"{SUBJECT_PREFIX}.{case_id}.>"
    info = await js.stream_info(STREAM, subjects_filter=subject)
    expected = sum((info.state.subjects or {}).values())
    if expected == 0:
        raise NotFound(f"案件 {case_id} 在事件流中没有记录", "case")
    sub = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
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
                    "event": json.loads(msg.data),
                }
            )
    finally:
        await sub.unsubscribe()
    return events


def event_title(event_type: str) -> str:
    """The Chinese name of an event type, from its one-line docstring (``信访事项已登记: …``)."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None or not cls.__doc__:
        return ""
    return cls.__doc__.split(":")[0].strip()
