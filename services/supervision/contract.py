"""Supervision's stored events as public events (the Bulletin aggregate and the noted facts map to none)."""

from typing import Any

from events import CaseEvent, event_id_for
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
from services.runtime.contract import envelope, fields
from services.supervision.clocks import ClockKeeping
from services.supervision.orders import Orders
from services.supervision.rating import ReturnVisit
from services.supervision.review import ReviewChain

AGGREGATE = "Supervision"  # stored event classes live on the aggregate's parts; the public id names the whole


def header(stored: Any) -> dict[str, Any]:
    return {**envelope(stored), "event_id": event_id_for(AGGREGATE, stored.originator_id, stored.originator_version)}


def clock_event(stored: Any) -> CaseEvent:
    state, common = stored.state, {**header(stored), "clock": stored.clock, "round": stored.round}
    if stored.change == "paused":
        return ClockPaused(**common, paused_on=stored.on, reason="补正材料")
    if stored.change == "stopped":
        return ClockStopped(**common, stopped_on=state["stopped_on"], due_on=state["due_on"], on_time=state["on_time"])
    names = ("starts_on", "due_on", "limit_days", "count", "paused_days", "extension_days", "excluded_days")
    return DeadlineRecorded(**common, **{n: state[n] for n in names}, reason=stored.change, changed_on=stored.on)


SIMPLE: list[tuple[type, type[CaseEvent], tuple[str, ...]]] = [
    (ClockKeeping.WarningIssued, WarningIssued, ("clock", "round", "due_on", "days_left", "warned_on", "department",
                                                 "owning_leader")),
    (ClockKeeping.DeadlineMissed, DeadlineMissed, ("clock", "round", "due_on", "marked_on", "department",
                                                   "owning_leader")),
    (ReturnVisit.Rated, SatisfactionRated, ("rating", "comment", "rated_on", "round")),
    (ReturnVisit.CaseSentBack, CaseSentBack, ("round", "reason", "sent_back_on")),
    (ReviewChain.ReviewRequested, ReviewRequested, ("stage", "reasons", "requested_on")),
    (ReviewChain.ReviewOpinionIssued, ReviewOpinionIssued, ("stage", "outcome", "text", "body", "issued_on")),
    (ReviewChain.CaseFinalised, CaseFinalised, ("finalised_on", "basis")),
    (Orders.SupervisionOrderIssued, SupervisionOrderIssued, ("order_no", "department", "owning_leader", "reason",
                                                             "issued_on", "answer_due_on")),
    (Orders.SupervisionOrderAnswered, SupervisionOrderAnswered, ("order_no", "department", "answer", "answered_on")),
    (Orders.NamedInBulletin, NamedInBulletin, ("bulletin_no", "period_from", "period_to", "department", "reason",
                                               "published_on")),
]  # fmt: skip


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, ClockKeeping.ClockChanged):
        return clock_event(stored)
    if isinstance(stored, ReviewChain.HearingDaysExcluded):
        return HearingDaysExcluded(**header(stored), **fields(stored, "stage", "from_on", "to_on"),
                                   entered_on=stored.recorded_on)  # fmt: skip
    for stored_cls, public_cls, names in SIMPLE:
        if isinstance(stored, stored_cls):
            return public_cls(**header(stored), **fields(stored, *names))
    return None
