"""领导包案 (per-leader view): each owning leader's cases with status, risks, task force and the nearest due date."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, MetaData, String, Table

from events.assignment import AssignmentReceived, CaseAssigned, CaseReassigned, OwningLeaderNamed, TaskForceFormed
from events.intake import CadreReportNotified, PetitionAccepted, PetitionRegistered, UrgentMatterReported
from events.mediation import (
    AssistanceGranted,
    CoHandlerOpinionSubmitted,
    ExecutionCarriedOut,
    ExtensionApproved,
    HandlerRecused,
    HearingHeld,
    InvestigationRecorded,
    MediationHeld,
)
from events.notices import NoticeServed
from events.supervision import (
    AftercareRecorded,
    ClockPaused,
    ClockStopped,
    DeadlineMissed,
    DeadlineRecorded,
    ExecutionFollowUpOpened,
    HearingDaysExcluded,
    NamedInBulletin,
    ProposalAdoptionReported,
    ProposalIssued,
    ReReviewOpinionPublicised,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)
from projections.case_state import DUTY_CLOCKS
from projections.columns import headers, shows
from projections.store import CaseRowProjection
from projections.values import appended, clock, take
from services.runtime.moments import Moment

metadata = MetaData()

# One row per case so clocks that start before the leader is named are kept; the view shows rows with a leader.
leader_cases = Table(
    "leader_cases",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    Column("leader_id", String(32), index=True, comment="包案领导编码"),
    Column("leader_name", String(100), comment="包案领导"),
    shows(PetitionRegistered, "case_no", String(32)),
    shows(PetitionRegistered, "category", String(64)),
    shows(PetitionRegistered, "locality", String(32)),
    Column("department_name", String(100), comment="主办单位"),
    shows(PetitionAccepted, "risks", String(200)),
    Column("task_force", Boolean, comment="专班"),
    Column("status", String(24), comment="状态"),
    *[
        Column(f"{c}_{part}", Date, comment=f"{c} {part}")
        for c in DUTY_CLOCKS
        for part in ("due", "stopped_on", "paused_on")
    ],
    Column("overdue", Boolean, comment="逾期"),
    Column("nearest_due", Date, comment="最近期限"),
    Column("updated_at", Moment(), comment="更新时间"),
)

HEADERS = headers(
    leader_cases,
    ("leader_name", "case_no", "category", "locality", "department_name", "risks", "task_force", "status",
     "nearest_due", "overdue"),
)  # fmt: skip


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
    """领导包案: who owns the case, its risks and task force, its status and its duty clocks."""

    name = "leaders"
    mark = 2
    tables = (leader_cases,)
    handlers = {
        PetitionRegistered: take("case_no", "category", "locality"),
        CaseAssigned: _lead,
        CaseReassigned: _lead,
        OwningLeaderNamed: _leader,
        TaskForceFormed: lambda e, row: {"task_force": True},
        DeadlineRecorded: clock(leader_cases.c),
        ClockPaused: clock(leader_cases.c),
        ClockStopped: clock(leader_cases.c),
        DeadlineMissed: lambda e, row: {"overdue": True},
    }
    # The department's work records, supervision's paperwork and the review's hearing days change nothing here.
    ignored = frozenset(
        {
            ProposalIssued, ProposalAdoptionReported, ExecutionFollowUpOpened, ExecutionCarriedOut,
            ReReviewOpinionPublicised, AftercareRecorded,
            InvestigationRecorded, MediationHeld, HearingHeld, AssistanceGranted, ExtensionApproved,
            CoHandlerOpinionSubmitted, WarningIssued, SupervisionOrderIssued, SupervisionOrderAnswered,
            NamedInBulletin, HearingDaysExcluded, NoticeServed, AssignmentReceived, HandlerRecused,
            UrgentMatterReported, CadreReportNotified,
        }
    )  # fmt: skip
