"""领导包案 (per-leader view): each owning leader's cases with status and the nearest due date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Date, DateTime, MetaData, String, Table

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

# One row per case so clocks that start before the leader is named are kept; the view shows rows with a leader.
leader_cases = Table(
    "leader_cases",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("leader_id", String(32), index=True),
    Column("leader_name", String(100)),
    Column("case_no", String(32)),
    Column("category", String(64)),
    Column("locality", String(32)),
    Column("department_name", String(100)),
    Column("status", String(16)),
    Column("acceptance_due", Date),
    Column("acceptance_stopped_on", Date),
    Column("handling_due", Date),
    Column("handling_stopped_on", Date),
    Column("nearest_due", Date),
    Column("updated_at", DateTime(timezone=True)),
)

HEADERS = {
    "leader_name": "包案领导",
    "case_no": "信访件编号",
    "category": "问题分类",
    "locality": "问题属地",
    "department_name": "主办单位",
    "status": "状态",
    "nearest_due": "最近期限",
}


def _status_only(event: Any) -> dict[str, Any]:
    return {}


def _registered(event: PetitionRegistered) -> dict[str, Any]:
    return {"case_no": event.case_no, "category": event.category, "locality": event.locality}


def _assigned(event: CaseAssigned) -> dict[str, Any]:
    return {
        "leader_id": event.owning_leader,
        "leader_name": event.owning_leader_name,
        "department_name": event.department_name,
    }


def _clock(event: Any) -> dict[str, Any]:
    return {k: v for k, v in clock_values(event).items() if k in leader_cases.c}


class LeaderView(CaseRowProjection):
    name = "leaders"
    tables = (leader_cases,)
    handlers = {
        PetitionRegistered: _registered,
        PetitionAccepted: _status_only,
        PetitionNotAccepted: _status_only,
        CaseAssigned: _assigned,
        CaseAcknowledged: _status_only,
        ReplyIssued: _status_only,
        CaseClosed: _status_only,
        DeadlineRecorded: _clock,
        ClockStopped: _clock,
        SatisfactionRated: _status_only,
    }
