"""Intake's stored events as public events; petitioner identity, and a report's content, stay behind."""

from typing import Any

from events import CaseEvent
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.vocabulary import Kind
from services.intake.domain import Petition
from services.runtime.contract import envelope, fields


def optional(stored: Any, **defaults: Any) -> dict[str, Any]:
    """Fields added to a stored event later: an event stored before them reads as the default."""
    return {name: getattr(stored, name, default) for name, default in defaults.items()}


def registered(stored: Any) -> PetitionRegistered:
    """检举控告 (Art 30, 46): a report's request and facts are withheld; the reporter never appears at all."""
    withheld = stored.kind == Kind.report
    return PetitionRegistered(
        **envelope(stored),
        **fields(stored, "case_no", "channel", "received_on", "received_by", "kind", "category", "locality"),
        **fields(stored, "repeat", "collective", "entered_on"),
        request="" if withheld else stored.request,
        facts="" if withheld else stored.facts,
        petitioner_count=len(stored.petitioners),
        **optional(stored, office="", representatives=0, skip_level=False, reported_unit=""),
        related_case=str(getattr(stored, "related_case", None) or ""),
        withheld=withheld,
    )


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, Petition.Registered):
        return registered(stored)
    if isinstance(stored, Petition.MaterialsRequested):
        return MaterialsRequested(**envelope(stored), **fields(stored, "case_no", "items", "requested_on"))
    if isinstance(stored, Petition.MaterialsSupplemented):
        return MaterialsSupplemented(**envelope(stored), **fields(stored, "case_no", "items", "supplemented_on"))
    if isinstance(stored, Petition.Accepted):
        return PetitionAccepted(
            **envelope(stored),
            **fields(stored, "case_no", "accepted_on", "received_on", "kind", "category", "locality"),
            **fields(stored, "major", "collective", "repeat"),
            **optional(stored, skip_level=False, related_case="", office="", reported_unit="", request="", facts=""),
            risks=getattr(stored, "risks", None) or [],
        )
    if isinstance(stored, Petition.NotAccepted):
        return PetitionNotAccepted(
            **envelope(stored),
            **fields(stored, "case_no", "decided_on", "reason", "explanation"),
            **optional(stored, routed_to=None, related_case=""),
        )
    if isinstance(stored, Petition.Merged):
        return PetitionMerged(
            **envelope(stored), **fields(stored, "case_no", "merged_into", "merged_into_no", "merged_on")
        )
    return None
