"""Assignment's stored events as public events."""

from typing import Any

from events import CaseAcknowledged, CaseAssigned, CaseEvent
from services.assignment.domain import Assignment
from services.runtime.contract import envelope, fields


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, Assignment.Assigned):
        return CaseAssigned(
            **envelope(stored),
            **fields(stored, "case_no", "department", "department_name", "owning_leader", "owning_leader_name"),
            **fields(stored, "assigned_on", "category", "locality"),
        )
    if isinstance(stored, Assignment.Acknowledged):
        return CaseAcknowledged(
            **envelope(stored), **fields(stored, "case_no", "department", "handler", "acknowledged_on")
        )
    return None
