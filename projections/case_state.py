"""How one case's status and clocks read from its events; shared by the ledger and the leader view.

A case's events reach the stream in causal order (each service reacts to what it has consumed), so the
latest status-setting event in stream order is the case's status; a rebuild sees the same order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from events import (
    CaseAcknowledged,
    CaseAssigned,
    CaseClosed,
    CaseEvent,
    CaseFinalised,
    CaseReassigned,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    DeadlineRecorded,
    DisputeReferred,
    DisputeSettled,
    MaterialsRequested,
    MaterialsSupplemented,
    ObjectionFiled,
    ObjectionRefused,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
    RehandlingStarted,
    ReplyIssued,
    ReviewAssigned,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
)

STATUS_LABELS = {
    "registered": "已登记",
    "materials_requested": "待补正材料",
    "materials_supplemented": "已补正材料",
    "accepted": "已受理",
    "not_accepted": "不予受理",
    "merged": "已合并（重复信访）",
    "assigned": "已交办",
    "objected": "交办异议中",
    "disputed": "交办争议裁定中",
    "reassigned": "已改派",
    "handling": "办理中",
    "replied": "已答复",
    "closed": "已办结",
    "rated": "已评价",
    "sent_back": "不满意退回重办",
    "review_requested": "已申请复查",
    "under_review": "复查中",
    "reviewed": "已复查",
    "re_review_requested": "已申请复核",
    "under_re_review": "复核中",
    "re_reviewed": "已复核",
    "finalised": "已终结",
}

# Clocks with columns in the case views; duties can be late, windows (申请期限) only close.
DUTY_CLOCKS = ("acceptance", "objection", "handling", "review", "re_review")
WINDOW_CLOCKS = ("review_request", "re_review_request")
CLOCKS = DUTY_CLOCKS + WINDOW_CLOCKS


def _stage(prefix: str, suffix: str) -> Callable[[Any], str]:
    return lambda e: f"{prefix}{e.stage}{suffix}"


EVENT_STATUS: dict[type[CaseEvent], str | Callable[[Any], str]] = {
    PetitionRegistered: "registered",
    MaterialsRequested: "materials_requested",
    MaterialsSupplemented: "materials_supplemented",
    PetitionAccepted: "accepted",
    PetitionNotAccepted: "not_accepted",
    PetitionMerged: "merged",
    CaseAssigned: "assigned",
    ObjectionFiled: "objected",
    ObjectionRefused: "assigned",
    DisputeReferred: "disputed",
    DisputeSettled: "assigned",
    CaseReassigned: "reassigned",
    CaseAcknowledged: "handling",
    ReplyIssued: "replied",
    CaseClosed: "closed",
    SatisfactionRated: "rated",
    CaseSentBack: "sent_back",
    RehandlingStarted: "handling",
    ReviewRequested: _stage("", "_requested"),
    ReviewAssigned: _stage("under_", ""),
    ReviewOpinionIssued: lambda e: "reviewed" if e.stage == "review" else "re_reviewed",
    CaseFinalised: "finalised",
}


def status_of(event: CaseEvent) -> str | None:
    status = EVENT_STATUS.get(type(event))
    if status is None or isinstance(status, str):
        return status
    return status(event)


def clock_values(event: Any) -> dict[str, Any]:
    """Column values a clock event sets: ``<clock>_due`` and, when stopped, ``_stopped_on`` / ``_on_time``."""
    if event.clock not in CLOCKS:
        return {}
    if isinstance(event, DeadlineRecorded):
        return {
            f"{event.clock}_due": event.due_on,
            f"{event.clock}_stopped_on": None,
            f"{event.clock}_on_time": None,
            f"{event.clock}_paused_on": None,
        }
    if isinstance(event, ClockPaused):
        return {f"{event.clock}_paused_on": event.paused_on}
    assert isinstance(event, ClockStopped)
    return {
        f"{event.clock}_due": event.due_on,
        f"{event.clock}_stopped_on": event.stopped_on,
        f"{event.clock}_on_time": event.on_time,
    }


def nearest_due(row: dict[str, Any]) -> Any:
    """The nearest due date among the duty clocks still running (not stopped, not paused)."""
    running = [
        row[f"{clock}_due"]
        for clock in DUTY_CLOCKS
        if row.get(f"{clock}_due") is not None
        and row.get(f"{clock}_stopped_on") is None
        and row.get(f"{clock}_paused_on") is None
    ]
    return min(running) if running else None


def merge_event(row: dict[str, Any], event: CaseEvent, values: dict[str, Any], with_nearest_due: bool) -> None:
    """Merge one event into its case's row: its values, its status, the nearest running due date."""
    status = status_of(event)
    if status is not None:
        values["status"] = status
    row.update(values)
    if with_nearest_due:
        row["nearest_due"] = nearest_due({**row})
    row["updated_at"] = event.occurred_at
