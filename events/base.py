"""The envelope every case event shares: identity, case, time, schema version, subject."""

import uuid
from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

STREAM = "XF_CASES"
SUBJECT_PREFIX = "xf.case"
EVENT_NAMESPACE = uuid.UUID("6f1c1a8e-5a0f-4a4e-9d0b-3c5f1e2a7b90")


def event_id_for(aggregate: str, originator_id: uuid.UUID, version: int) -> str:
    """A stable id for one stored event, so re-sends dedupe (Nats-Msg-Id) and consumers can recognise it.

    Every service keys its aggregate by the case id, so the aggregate's name is part of the identity.
    """
    return str(uuid.uuid5(EVENT_NAMESPACE, f"{aggregate}:{originator_id}:{version}"))


def case_subject(case_id: str, event_type: str) -> str:
    """Subject of one case event: ``xf.case.<case id>.<event type>``; one case is ``xf.case.<id>.>``."""
    return f"{SUBJECT_PREFIX}.{case_id}.{event_type}"


class CaseEvent(BaseModel):
    """Base of every public case event."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str] = ""
    current_version: ClassVar[int] = 1

    schema_version: int = Field(1, description="payload schema version; consumers accept this or lower")
    event_id: str = Field(description="stable id of the event; also its Nats-Msg-Id")
    case_id: str = Field(description="案件ID, the case's stable identifier")
    occurred_at: datetime = Field(
        description="when the service recorded the action; a late entry's effective date (补录) is the event's own "
        "*_on field (accepted_on, replied_on …)"
    )
    recorded_at: datetime = Field(description="when the service recorded it")
    actor: str = Field("", description="who did it: staff id or department code")

    @property
    def subject(self) -> str:
        return case_subject(self.case_id, self.event_type)

    def to_json(self) -> bytes:
        return self.model_dump_json().encode()
