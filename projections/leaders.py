"""领导包案 (per-leader view): each owning leader's cases with status, risks, task force and the nearest due date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, MetaData, String, Table

from events import (
    CaseAcknowledged,
    CaseAssigned,
    CaseClosed,
    CaseFinalised,
    CaseReassigned,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    DeadlineMissed,
    DeadlineRecorded,
    DisputeReferred,
    DisputeSettled,
    MaterialsRequested,
    MaterialsSupplemented,
    ObjectionFiled,
    ObjectionRefused,
    OwningLeaderNamed,
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
    TaskForceFormed,
)
from projections.case_state import DUTY_CLOCKS
from projections.store import CaseRowProjection
from projections.values import appended, clock, status_only, take

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
    Column("risks", String(200)),
    Column("task_force", Boolean),
    Column("status", String(24)),
    *[Column(f"{c}_{part}", Date) for c in DUTY_CLOCKS for part in ("due", "stopped_on", "paused_on")],
    Column("overdue", Boolean),
    Column("nearest_due", Date),
    Column("updated_at", DateTime(timezone=True)),
)

HEADERS = {
    "leader_name": "包案领导",
    "case_no": "信访件编号",
    "category": "问题分类",
    "locality": "问题属地",
    "department_name": "主办单位",
    "risks": "风险标识",
    "task_force": "专班",
    "status": "状态",
    "nearest_due": "最近期限",
    "overdue": "逾期",
}


def _lead(event: CaseAssigned | CaseReassigned, row: dict[str, Any]) -> dict[str, Any]:
    values = {"department_name": event.department_name}
    if event.owning_leader:
        values |= {"leader_id": event.owning_leader, "leader_name": event.owning_leader_name}
    if isinstance(event, CaseAssigned):
        values["risks"] = ",".join(event.risks)
    return values


def _leader(event: OwningLeaderNamed, row: dict[str, Any]) -> dict[str, Any]:
    risks = appended(row.get("risks"), event.risks)
    return {"leader_id": event.owning_leader, "leader_name": event.owning_leader_name, "risks": risks}


class LeaderView(CaseRowProjection):
    name = "leaders"
    tables = (leader_cases,)
    handlers = {
        PetitionRegistered: take("case_no", "category", "locality"),
        MaterialsRequested: status_only,
        MaterialsSupplemented: status_only,
        PetitionAccepted: status_only,
        PetitionNotAccepted: status_only,
        PetitionMerged: status_only,
        CaseAssigned: _lead,
        CaseReassigned: _lead,
        ObjectionFiled: status_only,
        ObjectionRefused: status_only,
        DisputeReferred: status_only,
        DisputeSettled: status_only,
        OwningLeaderNamed: _leader,
        TaskForceFormed: lambda e, row: {"task_force": True},
        CaseAcknowledged: status_only,
        ReplyIssued: status_only,
        CaseClosed: status_only,
        RehandlingStarted: status_only,
        DeadlineRecorded: clock(leader_cases.c),
        ClockPaused: clock(leader_cases.c),
        ClockStopped: clock(leader_cases.c),
        DeadlineMissed: lambda e, row: {"overdue": True},
        SatisfactionRated: status_only,
        CaseSentBack: status_only,
        ReviewRequested: status_only,
        ReviewAssigned: status_only,
        ReviewOpinionIssued: status_only,
        CaseFinalised: status_only,
    }
