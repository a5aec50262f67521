"""The envelope every case event shares, and the registry every event class joins by being declared.

An event is declared once, as a subclass of ``CaseEvent`` in its service's module of ``events/``: its type name,
a one-line docstring that starts with its Chinese title, a Chinese ``title`` on every field, the field that holds
its effective date, and the case status it sets (if any). Nothing else lists it: the class registers itself.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from events.vocabulary import CaseStatus

STREAM = "XF_CASES"
SUBJECT_PREFIX = "xf.case"
FEED_PREFIX = "xf.feed"  # xf.feed.<unit>.<case_id>.<event_type>, on the unit's own stream XF_FEED_<unit>


def feed_stream(unit: str) -> str:
    """A unit's own feed stream: one per unit, so its credentials can be limited to it."""
    return f"XF_FEED_{unit}"


def feed_subject(unit: str, case_id: str, event_type: str) -> str:
    return f"{FEED_PREFIX}.{unit}.{case_id}.{event_type}"


EVENT_NAMESPACE = uuid.UUID("6f1c1a8e-5a0f-4a4e-9d0b-3c5f1e2a7b90")

# Every public event class by its type name; filled by the classes themselves as they are declared.
EVENT_TYPES: dict[str, type[CaseEvent]] = {}


def event_id_for(aggregate: str, originator_id: uuid.UUID, version: int) -> str:
    """A stable id for one stored event, so re-sends dedupe (Nats-Msg-Id) and consumers can recognise it.

    Every service keys its aggregate by the case id, so the aggregate's name is part of the identity.
    """
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{aggregate}:{originator_id}:{version}"))


def case_subject(case_id: str, event_type: str) -> str:
    """Subject of one case event: ``xf.case.<case id>.<event type>``; one case is ``xf.case.<id>.>``."""
    return f"{SUBJECT_PREFIX}.{case_id}.{event_type}"


class DuplicateEventType(TypeError):
    """Two event classes claim one type name: a subject must name exactly one kind of event."""


class CaseEvent(BaseModel):
    """Base of every public case event."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str] = ""
    current_version: ClassVar[int] = 1
    # The field that holds the date the event took effect (生效日期, for late entry the day it really happened).
    effective: ClassVar[str] = ""
    # The status the case is in once this event happened; None leaves the status as it was.
    status: ClassVar[CaseStatus | None] = None

    schema_version: int = Field(
        1, strict=True, title="版本", description="payload schema version; consumers accept this or lower"
    )
    event_id: str = Field(title="事件ID", description="stable id of the event; also its Nats-Msg-Id")
    case_id: str = Field(title="案件ID", description="the case's stable identifier")
    occurred_at: datetime = Field(
        title="记录时间",
        description="when the service recorded the action; the date it took effect is ``effective_on`` (补录)",
    )
    recorded_at: datetime = Field(title="记录时间", description="when the service recorded it")
    actor: str = Field("", title="经办人", description="who did it: staff id or department code")

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if not cls.event_type:
            return  # an intermediate base, not an event
        known = EVENT_TYPES.get(cls.event_type)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise DuplicateEventType(f"{cls.__qualname__} and {known.__qualname__} both claim {cls.event_type!r}")
        EVENT_TYPES[cls.event_type] = cls

    @property
    def subject(self) -> str:
        return case_subject(self.case_id, self.event_type)

    @property
    def effective_on(self) -> date:
        """The date the event took effect, whatever the event: views "as of" a date need nothing else."""
        value: date = getattr(self, self.effective)
        return value

    def case_status(self) -> CaseStatus | None:
        """The status the case is in once this event happened (None: unchanged)."""
        return self.status

    @classmethod
    def title(cls) -> str:
        """The Chinese name of the event, the head of its docstring (``信访事项已登记: …`` → ``信访事项已登记``)."""
        return (cls.__doc__ or cls.event_type).split(":")[0].strip().rstrip(".")

    @classmethod
    def label(cls, field: str) -> str:
        """The Chinese name of one of the event's fields, as every view and export shows it."""
        info = cls.model_fields.get(field)
        return info.title if info is not None and info.title else field

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()
