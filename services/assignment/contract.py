"""Assignment's stored events as public events."""

from typing import Any

from events import CaseEvent
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
)
from services.assignment.domain import Assignment
from services.runtime.contract import envelope, fields

A = Assignment
# Stored events carry what their public event needs; fields added later default when an old event lacks them.
PUBLIC: dict[type, tuple[type[CaseEvent], str]] = {
    A.Assigned: (
        CaseAssigned,
        "case_no department department_name owning_leader owning_leader_name assigned_on category locality"
        " co_handlers co_handler_names first_unit first_unit_name objection_due_on risks request facts",
    ),
    A.Acknowledged: (
        CaseAcknowledged,
        "case_no department handler acknowledged_on major accepted_on co_handlers request facts",
    ),
    A.ObjectionFiled: (ObjectionFiled, "case_no department reasons proposed_department filed_on"),
    A.ObjectionRefused: (ObjectionRefused, "case_no department reason decided_on"),
    A.Reassigned: (
        CaseReassigned,
        "case_no from_department department department_name co_handlers co_handler_names reason decided_by"
        " decided_on objection_due_on owning_leader owning_leader_name",
    ),
    A.DisputeReferred: (DisputeReferred, "case_no departments body body_unit body_name referred_on"),
    A.DisputeSettled: (DisputeSettled, "case_no body body_unit department reason decided_on"),
    A.OwningLeaderNamed: (OwningLeaderNamed, "case_no owning_leader owning_leader_name risks named_on"),
    A.TaskForceFormed: (TaskForceFormed, "case_no members formed_on"),
    A.ReviewAssigned: (ReviewAssigned, "case_no stage body body_name assigned_on"),
}


def to_public(stored: Any) -> CaseEvent | None:
    for stored_class, (public, names) in PUBLIC.items():
        if isinstance(stored, stored_class):
            present = [n for n in names.split() if getattr(stored, n, None) is not None]
            return public(**envelope(stored), **fields(stored, *present))
    return None
