"""How one case's status and clocks read from its events; shared by the ledger and the leader view."""

from __future__ import annotations

from typing import Any

from events import (
    CaseAcknowledged,
    CaseAssigned,
    CaseClosed,
    ClockStopped,
    DeadlineRecorded,
    PetitionAccepted,
    PetitionNotAccepted,
    PetitionRegistered,
    ReplyIssued,
    SatisfactionRated,
)

STATUS_LABELS = {
    "registered": "已登记",
    "accepted": "已受理",
    "not_accepted": "不予受理",
    "assigned": "已交办",
    "handling": "办理中",
    "replied": "已答复",
    "closed": "已办结",
    "rated": "已评价",
}
STATUS_ORDER = list(STATUS_LABELS)

EVENT_STATUS: dict[type, str] = {
    PetitionRegistered: "registered",
    PetitionAccepted: "accepted",
    PetitionNotAccepted: "not_accepted",
    CaseAssigned: "assigned",
    CaseAcknowledged: "handling",
    ReplyIssued: "replied",
    CaseClosed: "closed",
    SatisfactionRated: "rated",
}


def advanced(current: str | None, new: str) -> str:
    """Status only moves forward, whatever order different services' events arrive in."""
    if current is None or STATUS_ORDER.index(new) > STATUS_ORDER.index(current):
        return new
    return current


def clock_values(event: DeadlineRecorded | ClockStopped) -> dict[str, Any]:
    """Column values a clock event sets: ``<clock>_due`` and, when stopped, ``<clock>_stopped_on``/``_on_time``."""
    if isinstance(event, DeadlineRecorded):
        return {f"{event.clock}_due": event.due_on}
    return {
        f"{event.clock}_due": event.due_on,
        f"{event.clock}_stopped_on": event.stopped_on,
        f"{event.clock}_on_time": event.on_time,
    }


def nearest_due(row: dict[str, Any]) -> Any:
    """The nearest due date among the clocks still running."""
    running = [
        row[f"{clock}_due"]
        for clock in ("acceptance", "handling")
        if row.get(f"{clock}_due") is not None and row.get(f"{clock}_stopped_on") is None
    ]
    return min(running) if running else None


def merge_event(row: dict[str, Any], event: Any, values: dict[str, Any], with_nearest_due: bool) -> None:
    """Merge one event into its case's row: its values, the advanced status, the nearest running due date."""
    status = EVENT_STATUS.get(type(event))
    if status is not None:
        values["status"] = advanced(row.get("status"), status)
    row.update(values)
    if with_nearest_due:
        row["nearest_due"] = nearest_due(row)
    row["updated_at"] = event.occurred_at
