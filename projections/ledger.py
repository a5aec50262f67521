"""台账 (case ledger): one row per case, with channel, dates, departments, leader, status, clocks, outcome."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

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
from projections.case_state import clock_values
from projections.store import CaseRowProjection

metadata = MetaData()

ledger = Table(
    "ledger",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("case_no", String(32), index=True),
    Column("channel", String(32)),
    Column("received_on", Date),
    Column("received_by", String(100)),
    Column("kind", String(32)),
    Column("category", String(64), index=True),
    Column("locality", String(32), index=True),
    Column("petitioner_count", Integer),
    Column("collective", Boolean),
    Column("repeat", Boolean),
    Column("request", Text),
    Column("status", String(16), index=True),
    Column("accepted_on", Date),
    Column("major", Boolean),
    Column("not_accepted_on", Date),
    Column("not_accepted_reason", String(32)),
    Column("department", String(32), index=True),
    Column("department_name", String(100)),
    Column("owning_leader", String(32), index=True),
    Column("owning_leader_name", String(100)),
    Column("assigned_on", Date),
    Column("acknowledged_on", Date),
    Column("handler", String(100)),
    Column("acceptance_due", Date),
    Column("acceptance_stopped_on", Date),
    Column("acceptance_on_time", Boolean),
    Column("handling_due", Date),
    Column("handling_stopped_on", Date),
    Column("handling_on_time", Boolean),
    Column("opinion", String(32)),
    Column("replied_on", Date),
    Column("closed_on", Date),
    Column("rating", String(32)),
    Column("rated_on", Date),
    Column("updated_at", DateTime(timezone=True)),
)

# Column order and Chinese headers of the ledger as staff read and export it.
HEADERS = {
    "case_no": "信访件编号",
    "channel": "渠道",
    "received_on": "来信来访日期",
    "kind": "类别",
    "category": "问题分类",
    "locality": "问题属地",
    "status": "状态",
    "accepted_on": "受理日期",
    "department_name": "主办单位",
    "owning_leader_name": "包案领导",
    "assigned_on": "交办日期",
    "acknowledged_on": "签收日期",
    "acceptance_due": "受理告知期限",
    "handling_due": "办理期限",
    "opinion": "处理意见",
    "replied_on": "答复日期",
    "closed_on": "办结日期",
    "rating": "评价",
}


# The columns that fit a terminal; exports carry every header above.
TABLE_HEADERS = {
    k: HEADERS[k]
    for k in (
        "case_no",
        "channel",
        "received_on",
        "category",
        "department_name",
        "owning_leader_name",
        "status",
        "handling_due",
        "rating",
    )
}


def _values(*names: str) -> Any:
    def values(event: Any) -> dict[str, Any]:
        return {name: getattr(event, name) for name in names}

    return values


def _not_accepted(event: PetitionNotAccepted) -> dict[str, Any]:
    return {"not_accepted_on": event.decided_on, "not_accepted_reason": event.reason}


def _clock(event: Any) -> dict[str, Any]:
    return clock_values(event)


class Ledger(CaseRowProjection):
    name = "ledger"
    tables = (ledger,)
    handlers = {
        PetitionRegistered: _values(
            "case_no",
            "channel",
            "received_on",
            "received_by",
            "kind",
            "category",
            "locality",
            "petitioner_count",
            "collective",
            "repeat",
            "request",
        ),
        PetitionAccepted: _values("accepted_on", "major"),
        PetitionNotAccepted: _not_accepted,
        CaseAssigned: _values("department", "department_name", "owning_leader", "owning_leader_name", "assigned_on"),
        CaseAcknowledged: _values("acknowledged_on", "handler"),
        ReplyIssued: _values("opinion", "replied_on"),
        CaseClosed: _values("closed_on"),
        DeadlineRecorded: _clock,
        ClockStopped: _clock,
        SatisfactionRated: _values("rating", "rated_on"),
    }
