"""What each public case event means to the clocks: its effective date, round or stage, and days."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events import CaseEvent


@dataclass(frozen=True)
class Fact:
    """What a case event means to the clocks: its type, effective date, round or stage, and days."""

    kind: str
    on: date
    round: int = 1
    stage: str = ""
    days: int = 0
    source: str = ""
    opens_window: bool = True
    lead: bool = True
    matter: str = "claim"  # the kind of matter (Art 29-31) and a claim's route: which handling clock acceptance starts
    claim_route: str | None = None


def inclusive_days(from_on: date, to_on: date) -> int:
    return (to_on - from_on).days + 1


def order_round(order_no: str) -> int:
    """督办单 DB<case no>-<n>: the order's sequence number is its clock's round."""
    return int(order_no.rsplit("-", 1)[1])


FACT_FIELDS: dict[str, tuple[str, Callable[[Any], dict[str, Any]]]] = {
    "petition_registered": ("received_on", lambda e: {}),
    "materials_requested": ("requested_on", lambda e: {}),
    "materials_supplemented": ("supplemented_on", lambda e: {}),
    "petition_accepted": ("accepted_on", lambda e: {"matter": e.kind, "claim_route": e.claim_route}),
    "petition_not_accepted": ("decided_on", lambda e: {}),
    "petition_merged": ("merged_on", lambda e: {}),
    # The objection window runs from the department's receipt (Art 23¶3); a case assigned before receipts were
    # recorded carries its window on the assignment.
    "case_assigned": ("assigned_on", lambda e: {"opens_window": e.objection_due_on is not None}),
    "case_reassigned": ("decided_on", lambda e: {"opens_window": e.objection_due_on is not None}),
    "assignment_received": (
        "received_on",
        lambda e: {"opens_window": e.objection_due_on is not None, "lead": e.lead},
    ),
    "case_acknowledged": ("acknowledged_on", lambda e: {}),
    "objection_filed": ("filed_on", lambda e: {}),
    "extension_approved": ("approved_on", lambda e: {"round": e.round, "days": e.days}),
    "reply_issued": ("replied_on", lambda e: {"round": e.round}),
    "suggestion_answered": ("answered_on", lambda e: {"round": e.round}),
    "duty_answered": ("answered_on", lambda e: {"round": e.round}),
    "report_fed_back": ("fed_back_on", lambda e: {"round": e.round}),
    "case_sent_back": ("sent_back_on", lambda e: {"round": e.round}),
    # The window a request used is named on it: the stream may carry a later delivery first (Art 35).
    "review_requested": (
        "requested_on",
        lambda e: {"stage": e.stage, "round": -1 if e.window_round is None else e.window_round},
    ),
    "hearing_days_excluded": ("to_on", lambda e: {"stage": e.stage, "days": inclusive_days(e.from_on, e.to_on)}),
    "review_opinion_issued": ("issued_on", lambda e: {"stage": e.stage}),
    "supervision_order_issued": (
        "issued_on",
        lambda e: {"round": order_round(e.order_no), "days": (e.answer_due_on - e.issued_on).days},
    ),
    "supervision_order_answered": ("answered_on", lambda e: {"round": order_round(e.order_no)}),
    # 建议 JY<case no>-<n>: numbered like the orders, the number is its feedback clock's round (Art 40¶4).
    "proposal_issued": (
        "proposed_on",
        lambda e: {"round": order_round(e.proposal_no), "days": (e.feedback_due_on - e.proposed_on).days},
    ),
    "proposal_adoption_reported": ("fed_back_on", lambda e: {"round": order_round(e.proposal_no)}),
}


# The notices a clock counts from: a written answer's delivery opens the petitioner's next window (Art 35, 36).
SERVED = {"reply": "reply_served", "review_opinion": "review_opinion_served", "receipt": "receipt_served"}


def fact_of(event: CaseEvent) -> Fact | None:
    """The clock fact of a public event, or None for an event no clock depends on."""
    if event.event_type == "notice_served":
        kind = SERVED.get(getattr(event, "notice", ""))
        return Fact(kind, event.effective_on, round=event.round, source=event.event_id) if kind else None  # type: ignore[attr-defined]
    spec = FACT_FIELDS.get(event.event_type)
    if spec is None:
        return None
    on_field, extra = spec
    return Fact(kind=event.event_type, on=getattr(event, on_field), source=event.event_id, **extra(event))
