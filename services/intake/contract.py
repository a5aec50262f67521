"""Intake's stored events as public events; petitioner identity stays behind."""

from typing import Any

from events import CaseEvent, PetitionAccepted, PetitionNotAccepted, PetitionRegistered
from services.intake.domain import Petition
from services.runtime.contract import envelope, fields


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, Petition.Registered):
        return PetitionRegistered(
            **envelope(stored),
            **fields(stored, "case_no", "channel", "received_on", "received_by", "kind", "category"),
            **fields(stored, "locality", "request", "facts", "repeat", "collective"),
            petitioner_count=len(stored.petitioners),
        )
    if isinstance(stored, Petition.Accepted):
        return PetitionAccepted(
            **envelope(stored),
            **fields(stored, "case_no", "accepted_on", "received_on", "kind", "category", "locality"),
            **fields(stored, "major", "collective", "repeat"),
        )
    if isinstance(stored, Petition.NotAccepted):
        return PetitionNotAccepted(
            **envelope(stored), **fields(stored, "case_no", "decided_on", "reason", "explanation")
        )
    return None
