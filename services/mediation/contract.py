"""Mediation's stored events as public events."""

from typing import Any

from events import CaseEvent, event_id_for
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
from services.runtime.contract import envelope

CASE = ("case_no", "department", "round")

# Stored event class name → (public event, its own fields besides case_no, department and round).
PUBLIC: dict[str, tuple[type[CaseEvent], tuple[str, ...]]] = {
    "InvestigationRecorded": (InvestigationRecorded, ("findings", "investigators", "investigated_on")),
    "MediationHeld": (MediationHeld, ("mediation_type", "participants", "agreed", "agreement", "held_on")),
    "HearingHeld": (HearingHeld, ("participants", "conclusion", "held_on")),
    "AssistanceGranted": (AssistanceGranted, ("assistance_type", "amount_fen", "approved_by", "granted_on")),
    "ExtensionApproved": (ExtensionApproved, ("days", "approved_by", "reason", "notified_on", "approved_on")),
    "CoHandlerOpinionSubmitted": (CoHandlerOpinionSubmitted, ("opinion", "submitted_on")),
    "Replied": (
        ReplyIssued,
        ("opinion", "text", "replied_on", "request", "facts_and_reasons", "legal_basis", "disposition"),
    ),
    "Closed": (CaseClosed, ("report", "closed_on")),
    "RehandlingStarted": (RehandlingStarted, ("reason", "started_on")),
}


def to_public(stored: Any) -> CaseEvent | None:
    mapped = PUBLIC.get(type(stored).__name__)
    if mapped is None:
        return None
    public, own = mapped
    # The work records are declared on Handling's base class (work.py); the event id names the aggregate.
    ids = {"event_id": event_id_for("Handling", stored.originator_id, stored.originator_version)}
    # Events stored before a field existed lack it; the public event's default stands in (round 1, no basis).
    present = {name: getattr(stored, name) for name in (*CASE, *own) if hasattr(stored, name)}
    return public(**{**envelope(stored), **ids}, **present)
