"""台账 (case ledger): one row per case, from registration to finalisation, exportable with Chinese headers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

from events import (
    AssistanceGranted,
    CaseAcknowledged,
    CaseAssigned,
    CaseClosed,
    CaseFinalised,
    CaseReassigned,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    CoHandlerOpinionSubmitted,
    DeadlineMissed,
    DeadlineRecorded,
    DisputeReferred,
    DisputeSettled,
    ExtensionApproved,
    HearingDaysExcluded,
    HearingHeld,
    InvestigationRecorded,
    MaterialsRequested,
    MaterialsSupplemented,
    MediationHeld,
    NamedInBulletin,
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
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    TaskForceFormed,
    WarningIssued,
)
from projections.case_state import CLOCKS
from projections.ledger_columns import HEADERS, TABLE_HEADERS
from projections.store import CaseRowProjection
from projections.values import appended, clock, count, joined, status_only, take

metadata = MetaData()


def _clock_columns() -> list[Column[Any]]:
    columns: list[Column[Any]] = []
    for name in CLOCKS:
        columns += [Column(f"{name}_due", Date), Column(f"{name}_stopped_on", Date)]
        columns += [Column(f"{name}_on_time", Boolean), Column(f"{name}_paused_on", Date)]
    return columns


ledger = Table(
    "ledger",
    metadata,
    Column("case_id", String(36), primary_key=True),
    Column("case_no", String(32), index=True),
    Column("channel", String(32)),
    Column("received_on", Date),
    Column("entered_on", Date),
    Column("received_by", String(100)),
    Column("office", String(32)),
    Column("kind", String(32)),
    Column("category", String(64), index=True),
    Column("locality", String(32), index=True),
    Column("petitioner_count", Integer),
    Column("collective", Boolean),
    Column("repeat", Boolean),
    Column("skip_level", Boolean),
    Column("withheld", Boolean),
    Column("request", Text),
    Column("related_case", String(36)),
    Column("status", String(24), index=True),
    Column("materials_requested_on", Date),
    Column("materials_items", Text),
    Column("materials_supplemented_on", Date),
    Column("accepted_on", Date),
    Column("major", Boolean),
    Column("risks", String(200)),
    Column("not_accepted_on", Date),
    Column("not_accepted_reason", String(32)),
    Column("routed_to", String(32)),
    Column("merged_into_no", String(32)),
    Column("department", String(32), index=True),
    Column("department_name", String(100)),
    Column("co_handler_names", Text),
    Column("first_unit_name", String(100)),
    Column("owning_leader", String(32), index=True),
    Column("owning_leader_name", String(100)),
    Column("task_force", Boolean),
    Column("assigned_on", Date),
    Column("objections", Integer),
    Column("reassignments", Integer),
    Column("last_handoff_reason", Text),
    Column("acknowledged_on", Date),
    Column("handler", String(100)),
    *_clock_columns(),
    Column("records", Integer),
    Column("assistance_fen", Integer),
    Column("extension_days", Integer),
    Column("opinion", String(32)),
    Column("disposition", String(32)),
    Column("legal_basis", Text),
    Column("replied_on", Date),
    Column("closed_on", Date),
    Column("round", Integer),
    Column("rating", String(32)),
    Column("rated_on", Date),
    Column("review_requested_on", Date),
    Column("review_body", String(32)),
    Column("review_outcome", String(16)),
    Column("re_review_requested_on", Date),
    Column("re_review_body", String(32)),
    Column("re_review_outcome", String(16)),
    Column("finalised_on", Date),
    Column("warnings", Integer),
    Column("overdue_clocks", String(200)),
    Column("orders", Integer),
    Column("orders_open", Integer),
    Column("bulletins", Integer),
    Column("updated_at", DateTime(timezone=True)),
)


def _registered(event: PetitionRegistered, row: dict[str, Any]) -> dict[str, Any]:
    values = take("case_no", "channel", "received_on", "entered_on", "received_by", "office", "kind")(event, row)
    values |= take("category", "locality", "petitioner_count", "collective", "repeat", "skip_level")(event, row)
    values |= {"withheld": event.withheld, "related_case": event.related_case or None}
    values["request"] = "（检举控告内容另行保管）" if event.withheld else event.request
    return values


def _materials_requested(event: MaterialsRequested, row: dict[str, Any]) -> dict[str, Any]:
    return {"materials_requested_on": event.requested_on, "materials_items": joined(event.items)}


def _accepted(event: PetitionAccepted, row: dict[str, Any]) -> dict[str, Any]:
    return {"accepted_on": event.accepted_on, "major": event.major, "risks": ",".join(event.risks), "round": 1}


def _lead(event: CaseAssigned | CaseReassigned, row: dict[str, Any]) -> dict[str, Any]:
    values = {"department": event.department, "department_name": event.department_name}
    values["co_handler_names"] = joined(event.co_handler_names)
    if event.owning_leader:
        values |= {"owning_leader": event.owning_leader, "owning_leader_name": event.owning_leader_name}
    return values


def _assigned(event: CaseAssigned, row: dict[str, Any]) -> dict[str, Any]:
    values = _lead(event, row) | {"assigned_on": event.assigned_on, "first_unit_name": event.first_unit_name}
    return values | {"objections": 0, "reassignments": 0, "risks": ",".join(event.risks) or row.get("risks")}


def _reassigned(event: CaseReassigned, row: dict[str, Any]) -> dict[str, Any]:
    return _lead(event, row) | {"last_handoff_reason": event.reason}


def _leader(event: OwningLeaderNamed, row: dict[str, Any]) -> dict[str, Any]:
    named = {"owning_leader": event.owning_leader, "owning_leader_name": event.owning_leader_name}
    return named | {"major": True, "risks": appended(row.get("risks"), event.risks)}


def _assistance(event: AssistanceGranted, row: dict[str, Any]) -> dict[str, Any]:
    return {
        "assistance_fen": (row.get("assistance_fen") or 0) + event.amount_fen,
        "records": (row.get("records") or 0) + 1,
    }


def _reply(event: ReplyIssued, row: dict[str, Any]) -> dict[str, Any]:
    return take("opinion", "disposition", "legal_basis", "replied_on", "round")(event, row)


def _sent_back(event: CaseSentBack, row: dict[str, Any]) -> dict[str, Any]:
    return {"round": event.round}


def _rehandling(event: RehandlingStarted, row: dict[str, Any]) -> dict[str, Any]:
    # The earlier round stays in the event history; the row shows the round under way.
    values = {"round": event.round, "opinion": None, "disposition": None, "legal_basis": None}
    return values | {"replied_on": None, "closed_on": None, "rating": None, "rated_on": None, "extension_days": 0}


def _review_requested(event: ReviewRequested, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_requested_on": event.requested_on}


def _review_assigned(event: ReviewAssigned, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_body": event.body}


def _review_opinion(event: ReviewOpinionIssued, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_outcome": event.outcome}


def _missed(event: DeadlineMissed, row: dict[str, Any]) -> dict[str, Any]:
    return {"overdue_clocks": appended(row.get("overdue_clocks"), [event.clock])}


def _order_answered(event: SupervisionOrderAnswered, row: dict[str, Any]) -> dict[str, Any]:
    return {"orders_open": max((row.get("orders_open") or 0) - 1, 0)}


class Ledger(CaseRowProjection):
    name = "ledger"
    tables = (ledger,)
    handlers = {
        PetitionRegistered: _registered,
        MaterialsRequested: lambda e, row: {
            "materials_requested_on": e.requested_on,
            "materials_items": joined(e.items),
        },
        MaterialsSupplemented: take(materials_supplemented_on="supplemented_on"),
        PetitionAccepted: _accepted,
        PetitionNotAccepted: take("routed_to", not_accepted_on="decided_on", not_accepted_reason="reason"),
        PetitionMerged: take("merged_into_no"),
        CaseAssigned: _assigned,
        ObjectionFiled: count("objections", take(last_handoff_reason="reasons")),
        ObjectionRefused: take(last_handoff_reason="reason"),
        DisputeReferred: status_only,
        DisputeSettled: take(last_handoff_reason="reason"),
        CaseReassigned: count("reassignments", _reassigned),
        OwningLeaderNamed: _leader,
        TaskForceFormed: lambda e, row: {"task_force": True},
        ReviewAssigned: _review_assigned,
        CaseAcknowledged: take("acknowledged_on", "handler"),
        InvestigationRecorded: count("records"),
        MediationHeld: count("records"),
        HearingHeld: count("records"),
        AssistanceGranted: _assistance,
        ExtensionApproved: lambda e, row: {"extension_days": (row.get("extension_days") or 0) + e.days},
        CoHandlerOpinionSubmitted: count("records"),
        ReplyIssued: _reply,
        CaseClosed: take("closed_on"),
        RehandlingStarted: _rehandling,
        DeadlineRecorded: clock(ledger.c),
        ClockPaused: clock(ledger.c),
        ClockStopped: clock(ledger.c),
        WarningIssued: count("warnings"),
        DeadlineMissed: _missed,
        SupervisionOrderIssued: count("orders", count("orders_open")),
        SupervisionOrderAnswered: _order_answered,
        NamedInBulletin: count("bulletins"),
        SatisfactionRated: take("rating", "rated_on"),
        CaseSentBack: _sent_back,
        ReviewRequested: _review_requested,
        HearingDaysExcluded: status_only,
        ReviewOpinionIssued: _review_opinion,
        CaseFinalised: take("finalised_on"),
    }


__all__ = ["HEADERS", "TABLE_HEADERS", "Ledger", "ledger"]
