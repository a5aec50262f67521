"""The public event contract of xinfang: every case event on the bus, shared by services and subscribers."""

import json

from pydantic import ValidationError

from events.assignment import (
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    DisputeReferred,
    DisputeSettled,
    ObjectionFiled,
    ObjectionRefused,
    OwningLeaderNamed,
    ReviewAssigned,
    TaskForceFormed,
    TaskForceMember,
)
from events.base import STREAM, SUBJECT_PREFIX, CaseEvent, case_subject, event_id_for
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import (
    AssistanceGranted,
    CaseClosed,
    CoHandlerOpinionSubmitted,
    ExtensionApproved,
    HearingHeld,
    InvestigationRecorded,
    MediationHeld,
    RehandlingStarted,
    ReplyIssued,
)
from events.supervision import (
    CaseFinalised,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    DeadlineMissed,
    DeadlineRecorded,
    HearingDaysExcluded,
    NamedInBulletin,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)

PUBLIC_EVENTS: tuple[type[CaseEvent], ...] = (
    PetitionRegistered,
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionNotAccepted,
    PetitionMerged,
    CaseAssigned,
    CaseAcknowledged,
    ObjectionFiled,
    ObjectionRefused,
    CaseReassigned,
    DisputeReferred,
    DisputeSettled,
    OwningLeaderNamed,
    TaskForceFormed,
    ReviewAssigned,
    InvestigationRecorded,
    MediationHeld,
    HearingHeld,
    AssistanceGranted,
    ExtensionApproved,
    CoHandlerOpinionSubmitted,
    ReplyIssued,
    CaseClosed,
    RehandlingStarted,
    DeadlineRecorded,
    ClockPaused,
    ClockStopped,
    WarningIssued,
    DeadlineMissed,
    SupervisionOrderIssued,
    SupervisionOrderAnswered,
    NamedInBulletin,
    SatisfactionRated,
    CaseSentBack,
    ReviewRequested,
    HearingDaysExcluded,
    ReviewOpinionIssued,
    CaseFinalised,
)
EVENT_TYPES: dict[str, type[CaseEvent]] = {cls.event_type: cls for cls in PUBLIC_EVENTS}


class UndecodableEvent(ValueError):
    """A message on the case stream that is not a valid event of this contract."""


def event_type_of(subject: str) -> str:
    """The event type a case subject names (its last token)."""
    parts = subject.split(".")
    if len(parts) != 4 or f"{parts[0]}.{parts[1]}" != SUBJECT_PREFIX:
        raise UndecodableEvent(f"subject {subject!r} is not xf.case.<case id>.<event type>")
    return parts[3]


def decode(subject: str, data: bytes) -> CaseEvent:
    """Decode one message of the case stream, or raise UndecodableEvent naming what is wrong."""
    event_type = event_type_of(subject)
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise UndecodableEvent(f"unknown event type {event_type!r}")
    try:
        payload = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UndecodableEvent(f"payload is not JSON: {exc}") from None
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
    "PUBLIC_EVENTS",
    "STREAM",
    "AssistanceGranted",
    "CaseAcknowledged",
    "CaseAssigned",
    "CaseClosed",
    "CaseEvent",
    "CaseFinalised",
    "CaseReassigned",
    "CaseSentBack",
    "ClockPaused",
    "ClockStopped",
    "CoHandlerOpinionSubmitted",
    "DeadlineMissed",
    "DeadlineRecorded",
    "DisputeReferred",
    "DisputeSettled",
    "ExtensionApproved",
    "HearingDaysExcluded",
    "HearingHeld",
    "InvestigationRecorded",
    "MaterialsRequested",
    "MaterialsSupplemented",
    "MediationHeld",
    "NamedInBulletin",
    "ObjectionFiled",
    "ObjectionRefused",
    "OwningLeaderNamed",
    "PetitionAccepted",
    "PetitionMerged",
    "PetitionNotAccepted",
    "PetitionRegistered",
    "RehandlingStarted",
    "ReplyIssued",
    "ReviewAssigned",
    "ReviewOpinionIssued",
    "ReviewRequested",
    "SatisfactionRated",
    "SupervisionOrderAnswered",
    "SupervisionOrderIssued",
    "TaskForceFormed",
    "TaskForceMember",
    "UndecodableEvent",
    "WarningIssued",
    "case_subject",
    "decode",
    "event_id_for",
]
