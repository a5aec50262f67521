"""How one case's status and clocks read from its events; shared by the ledger and the leader view.

A case's events reach the stream in causal order (each service reacts to what it has consumed), so the
latest status-setting event in stream order is the case's status; a rebuild sees the same order. The status an
event sets is part of its declaration in the contract (``CaseEvent.status``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date

from events import CaseEvent
from events.supervision import ClockPaused, ClockStopped, DeadlineRecorded

# Clocks with columns in the case views; duties can be late, windows (申请期限) only close.
DUTY_CLOCKS = ("acceptance", "objection", "receipt_notice", "handling", "review", "re_review")
WINDOW_CLOCKS = ("review_request", "re_review_request")
CLOCKS = DUTY_CLOCKS + WINDOW_CLOCKS
# Each clock's due date, and whether its duty was done in time, as the case views name them.
CLOCK_LABELS = {
    "acceptance": ("受理告知期限", "按期受理"),
    "objection": ("异议期限", "期内异议"),
    "receipt_notice": ("接收情况告知期限", "按期告知接收情况"),
    "handling": ("办理期限", "按期答复"),
    "review": ("复查期限", "按期复查"),
    "re_review": ("复核期限", "按期复核"),
    "review_request": ("复查申请期限", "期内申请复查"),
    "re_review_request": ("复核申请期限", "期内申请复核"),
}
CLOCK_PARTS: dict[str, tuple[Any, str]] = {
    "due": (Date, "{due}"),
    "stopped_on": (Date, "{due}止"),
    "on_time": (Boolean, "{on_time}"),
    "paused_on": (Date, "{due}暂停日期"),
}


def clock_columns(clocks: tuple[str, ...], parts: tuple[str, ...]) -> list[Column[Any]]:
    """``<clock>_due``, ``_stopped_on``, ``_on_time``, ``_paused_on`` columns of the given clocks, labelled."""
    columns: list[Column[Any]] = []
    for name in clocks:
        due, on_time = CLOCK_LABELS[name]
        for part in parts:
            type_, text = CLOCK_PARTS[part]
            columns.append(Column(f"{name}_{part}", type_, comment=text.format(due=due, on_time=on_time)))
    return columns


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
    status = event.case_status()
    if status is not None:
        values["status"] = str(status)
    row.update(values)
    if with_nearest_due:
        row["nearest_due"] = nearest_due({**row})
    row["updated_at"] = event.occurred_at
