"""台账 (case ledger): one row per case, from registration to finalisation, exportable with Chinese headers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Column, Date, Index, Integer, MetaData, String, Table, Text

from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    DisputeSettled,
    ObjectionFiled,
    ObjectionRefused,
    OwningLeaderNamed,
    ReviewAssigned,
    TaskForceFormed,
)
from events.intake import (
    CadreReportNotified,
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
    UrgentMatterReported,
)
from events.mediation import (
    AssistanceGranted,
    CaseClosed,
    CoHandlerOpinionSubmitted,
    DutyAnswered,
    ExecutionCarriedOut,
    ExtensionApproved,
    HandlerRecused,
    HearingHeld,
    InvestigationRecorded,
    MediationHeld,
    RehandlingStarted,
    ReplyIssued,
    ReportFedBack,
    SuggestionAnswered,
)
from events.notices import NoticeServed
from events.supervision import (
    AftercareRecorded,
    CaseFinalised,
    CaseSentBack,
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
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)
from events.vocabulary import NoticeKind
from projections.case_state import CLOCKS, clock_columns
from projections.columns import headers, shows
from projections.store import CaseRowProjection, nothing
from projections.values import appended, clock, count, joined, take
from services.runtime.moments import Moment

metadata = MetaData()
R, A, NA = PetitionRegistered, PetitionAccepted, PetitionNotAccepted
# Columns that show an event's field under its own name take the field's label from the contract; the others
# (renamed, counted, derived) are labelled here.
ledger = Table(
    "ledger",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    shows(R, "case_no", String(32), index=True),
    shows(R, "channel", String(32)),
    shows(R, "received_on", Date),
    shows(R, "entered_on", Date),
    shows(R, "received_by", String(100)),
    shows(R, "office", String(32)),
    shows(R, "kind", String(32)),
    shows(R, "category", String(64), index=True),
    shows(R, "locality", String(32), index=True),
    shows(R, "petitioner_count", Integer),
    shows(R, "collective", Boolean),
    shows(R, "repeat", Boolean),
    shows(R, "skip_level", Boolean),
    shows(R, "withheld", Boolean),
    shows(R, "request", Text),
    shows(R, "related_case", String(36)),
    Column("status", String(24), index=True, comment="状态"),
    Column("materials_requested_on", Date, comment="补正告知日期"),
    Column("materials_items", Text, comment="补正材料"),
    Column("materials_supplemented_on", Date, comment="补正日期"),
    shows(A, "accepted_on", Date),
    shows(A, "major", Boolean),
    shows(A, "risks", String(200)),
    Column("not_accepted_on", Date, comment="不予受理告知日期"),
    Column("urgent_reported_at", Moment(), comment="重大紧急信访首报时间"),
    Column("urgent_reports", Integer, comment="重大紧急信访报告次数"),
    Column("urgent_recipients", Text, comment="重大紧急信访报告对象"),
    shows(NA, "reason", String(32), name="not_accepted_reason"),
    shows(NA, "routed_to", String(32)),
    shows(A, "claim_route", String(16)),
    shows(CadreReportNotified, "notified_on", Date, name="organisation_notified_on"),
    shows(PetitionMerged, "merged_into_no", String(32)),
    Column("department", String(32), index=True, comment="主办单位编码"),
    Column("department_name", String(100), comment="主办单位"),
    Column("co_handler_names", Text, comment="协办单位"),
    shows(CaseAssigned, "first_unit_name", String(100)),
    Column("owning_leader", String(32), index=True, comment="包案领导编码"),
    shows(CaseAssigned, "owning_leader_name", String(100)),
    Column("task_force", Boolean, comment="专班"),
    shows(CaseAssigned, "assigned_on", Date),
    Column("assignment_received_on", Date, comment="主办单位收到交办日期"),
    Column("objections", Integer, comment="异议次数"),
    Column("reassignments", Integer, comment="改派次数"),
    Column("last_handoff_reason", Text, comment="最近流转理由"),
    shows(CaseAcknowledged, "acknowledged_on", Date),
    shows(CaseAcknowledged, "handler", String(100)),
    Column("recusals", Integer, comment="回避次数"),
    *clock_columns(CLOCKS, ("due", "stopped_on", "on_time", "paused_on")),
    Column("acceptance_rule", String(32), comment="受理期限规则"),
    Column("uncovered_clocks", String(200), comment="工作日历未覆盖的期限（仅按周末计算）"),
    Column("handling_rule", String(32), comment="办理期限规则"),
    Column("records", Integer, comment="办理记录"),
    Column("assistance_fen", Integer, comment="救助金额（分）"),
    Column("extension_days", Integer, comment="延期天数"),
    shows(ReplyIssued, "opinion", String(32)),
    shows(ReplyIssued, "disposition", String(32)),
    shows(ReplyIssued, "legal_basis", Text),
    shows(SuggestionAnswered, "adoption", String(16)),
    shows(DutyAnswered, "performed", Boolean, name="duty_performed"),
    shows(ReportFedBack, "record_no", String(100), name="report_record_no"),
    shows(ReplyIssued, "replied_on", Date),
    shows(CaseClosed, "closed_on", Date),
    shows(ReplyIssued, "round", Integer),
    shows(SatisfactionRated, "rating", String(32)),
    shows(SatisfactionRated, "rated_on", Date),
    Column("review_requested_on", Date, comment="复查申请日期"),
    Column("review_body", String(32), comment="复查机关"),
    Column("review_outcome", String(16), comment="复查意见"),
    Column("re_review_requested_on", Date, comment="复核申请日期"),
    Column("re_review_body", String(32), comment="复核机关"),
    Column("re_review_outcome", String(16), comment="复核意见"),
    shows(CaseFinalised, "finalised_on", Date),
    shows(ReReviewOpinionPublicised, "publicised_on", Date),
    Column("aftercare", Integer, comment="终结后续工作"),
    Column("last_aftercare_on", Date, comment="最近后续工作日期"),
    Column("decision_notice_on", Date, comment="受理/不予受理告知日期"),
    Column("transfer_notice_on", Date, comment="去向告知日期"),
    Column("receipt_notice_on", Date, comment="接收情况告知日期"),
    Column("reply_served_on", Date, comment="处理意见书送达日期"),
    Column("review_served_on", Date, comment="复查意见送达日期"),
    Column("re_review_served_on", Date, comment="复核意见送达日期"),
    Column("finalised_notice_on", Date, comment="终结告知日期"),
    Column("unreachable", Boolean, comment="姓名住址不清"),
    Column("notices", Integer, comment="告知次数"),
    Column("warnings", Integer, comment="预警次数"),
    Column("overdue_clocks", String(200), comment="逾期"),
    Column("orders", Integer, comment="督办单"),
    Column("orders_open", Integer, comment="未回复督办单"),
    shows(SupervisionOrderIssued, "form", String(16), name="order_form"),
    Column("order_grounds", String(200), comment="督办情形"),
    Column("proposals", Integer, comment="督办建议"),
    Column("proposals_open", Integer, comment="未反馈建议"),
    shows(ProposalAdoptionReported, "adoption", String(16), name="proposal_adoption"),
    Column("execution_opened_on", Date, comment="督促执行开始日期"),
    shows(ExecutionCarriedOut, "carried_out_on", Date, name="executed_on"),
    Column("bulletins", Integer, comment="通报次数"),
    Column("updated_at", Moment(), comment="更新时间"),
)
# 台账's default order (newest first, the case number breaking ties), so that its first page is read off an index,
# however many cases: PostgreSQL's DESC puts NULLs first unless told; SQLite's puts them last and takes no clause.
Index("ix_ledger_newest", ledger.c.received_on.desc().nulls_last(), ledger.c.case_no).ddl_if(dialect="postgresql")
Index("ix_ledger_newest_sqlite", ledger.c.received_on.desc(), ledger.c.case_no).ddl_if(dialect="sqlite")

# The ledger as staff export it (台账), in this order, and the columns that fit a terminal.
HEADERS = headers(
    ledger,
    (
        "case_no", "channel", "received_on", "entered_on", "received_by", "kind", "category", "locality",
        "petitioner_count", "request", "risks", "status", "materials_requested_on", "materials_items",
        "materials_supplemented_on", "acceptance_due", "acceptance_rule", "uncovered_clocks", "accepted_on",
        "not_accepted_reason", "urgent_reported_at", "urgent_reports", "urgent_recipients", "routed_to",
        "merged_into_no", "department_name", "co_handler_names", "first_unit_name", "owning_leader_name",
        "claim_route", "organisation_notified_on", "task_force",
        "assigned_on", "assignment_received_on", "objection_due", "objections", "reassignments", "last_handoff_reason",
        "acknowledged_on", "handler", "recusals", "handling_due", "extension_days", "records", "assistance_fen",
        "round", "handling_rule", "opinion", "disposition", "legal_basis", "replied_on", "handling_on_time",
        "closed_on", "rating", "adoption", "duty_performed", "report_record_no",
        "review_requested_on", "review_due", "review_outcome", "re_review_requested_on", "re_review_due",
        "re_review_outcome", "finalised_on", "decision_notice_on", "receipt_notice_due", "receipt_notice_on",
        "reply_served_on", "review_served_on", "re_review_served_on", "unreachable", "warnings", "overdue_clocks",
        "orders", "orders_open", "bulletins",
    ),
)  # fmt: skip
# What follows an order or a decision, exported last: 督办方式、情形、建议 (Art 40), 督促执行 (Art 32¶2),
# 公示 (Art 36¶2), 终结后续工作 (Art 37¶3).
HEADERS |= headers(
    ledger,
    (
        "order_form", "order_grounds", "proposals", "proposals_open", "proposal_adoption", "execution_opened_on",
        "executed_on", "publicised_on", "aftercare", "last_aftercare_on",
    ),
)  # fmt: skip
TABLE_HEADERS = headers(
    ledger,
    (
        "case_no", "channel", "received_on", "category", "department_name", "owning_leader_name", "status",
        "handling_due", "overdue_clocks", "rating",
    ),
)  # fmt: skip


def _registered(event: PetitionRegistered, row: dict[str, Any]) -> dict[str, Any]:
    values = take("case_no", "channel", "received_on", "entered_on", "received_by", "office", "kind")(event, row)
    values |= take("category", "locality", "petitioner_count", "collective", "repeat", "skip_level")(event, row)
    values |= {"withheld": event.withheld, "related_case": event.related_case or None}
    values["request"] = "（检举控告内容另行保管）" if event.withheld else event.request
    return values


def _materials_requested(event: MaterialsRequested, row: dict[str, Any]) -> dict[str, Any]:
    return {"materials_requested_on": event.requested_on, "materials_items": joined(event.items)}


def _accepted(event: PetitionAccepted, row: dict[str, Any]) -> dict[str, Any]:
    values = {"accepted_on": event.accepted_on, "major": event.major, "risks": ",".join(event.risks), "round": 1}
    return values | {"claim_route": event.claim_route}


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
    values |= {"execution_opened_on": None, "executed_on": None}  # the new round's opinion is followed anew
    return values | {"replied_on": None, "closed_on": None, "rating": None, "rated_on": None, "extension_days": 0}


def _review_requested(event: ReviewRequested, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_requested_on": event.requested_on}


def _review_assigned(event: ReviewAssigned, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_body": event.body}


def _review_opinion(event: ReviewOpinionIssued, row: dict[str, Any]) -> dict[str, Any]:
    return {f"{event.stage}_outcome": event.outcome}


def _deadline(event: DeadlineRecorded, row: dict[str, Any]) -> dict[str, Any]:
    """A clock's due date; for the acceptance and handling clocks, also the rule it was counted under (statute or
    local)."""
    values = clock(ledger.c)(event, row)
    if event.calendar_uncovered:  # holidays of that year unknown: the due date is counted on weekends only
        values["uncovered_clocks"] = appended(row.get("uncovered_clocks"), [event.clock])
    return values | {f"{event.clock}_rule": event.rule} if event.clock in ("acceptance", "handling") else values


NOTICE_COLUMNS = {
    NoticeKind.accepted: "decision_notice_on",
    NoticeKind.not_accepted: "decision_notice_on",
    NoticeKind.transferred: "transfer_notice_on",
    NoticeKind.receipt: "receipt_notice_on",
    NoticeKind.reply: "reply_served_on",
    NoticeKind.review_opinion: "review_served_on",
    NoticeKind.re_review_opinion: "re_review_served_on",
    NoticeKind.finalised: "finalised_notice_on",
}


def _notice(event: NoticeServed, row: dict[str, Any]) -> dict[str, Any]:
    """Each notice's day in its column (the latest round's, for a reply); a notice that could not be served says so."""
    values = count("notices")(event, row) | {NOTICE_COLUMNS[event.notice]: event.served_on}
    return values | ({"unreachable": True} if event.unreachable else {})


def _urgent(event: UrgentMatterReported, row: dict[str, Any]) -> dict[str, Any]:
    """重大紧急信访 (Art 25): when it was first reported, how often, and to whom (the latest report's bodies)."""
    values = count("urgent_reports")(event, row) | {"urgent_recipients": "；".join(r.name for r in event.recipients)}
    return values | ({"urgent_reported_at": event.reported_at} if not row.get("urgent_reported_at") else {})


def _missed(event: DeadlineMissed, row: dict[str, Any]) -> dict[str, Any]:
    return {"overdue_clocks": appended(row.get("overdue_clocks"), [event.clock])}


def _order_answered(event: SupervisionOrderAnswered, row: dict[str, Any]) -> dict[str, Any]:
    return {"orders_open": max((row.get("orders_open") or 0) - 1, 0)}


def _order_issued(event: SupervisionOrderIssued, row: dict[str, Any]) -> dict[str, Any]:
    """督办单: counted, its form the latest order's, its grounds (Art 40¶1) gathered over the case's orders."""
    grounds = appended(row.get("order_grounds"), [str(g) for g in event.grounds])
    return count("orders", count("orders_open"))(event, row) | {"order_form": event.form, "order_grounds": grounds}


def _feedback(event: ProposalAdoptionReported, row: dict[str, Any]) -> dict[str, Any]:
    """建议采纳情况 (Art 40¶4): the latest feedback's; one fewer proposal awaiting it."""
    return {"proposals_open": max((row.get("proposals_open") or 0) - 1, 0), "proposal_adoption": event.adoption}


class Ledger(CaseRowProjection):
    """台账: every event of the contract sets its columns here, or at least the case's status."""

    name = "ledger"
    mark = 1
    tables = (ledger,)
    handlers = {
        PetitionRegistered: _registered,
        MaterialsRequested: _materials_requested,
        MaterialsSupplemented: take(materials_supplemented_on="supplemented_on"),
        PetitionAccepted: _accepted,
        PetitionNotAccepted: take("routed_to", not_accepted_on="decided_on", not_accepted_reason="reason"),
        PetitionMerged: take("merged_into_no"),
        UrgentMatterReported: _urgent,
        CaseAssigned: _assigned,
        ObjectionFiled: count("objections", take(last_handoff_reason="reasons")),
        ObjectionRefused: take(last_handoff_reason="reason"),
        DisputeSettled: take(last_handoff_reason="reason"),
        CaseReassigned: count("reassignments", _reassigned),
        OwningLeaderNamed: _leader,
        TaskForceFormed: lambda e, row: {"task_force": True},
        ReviewAssigned: _review_assigned,
        AssignmentReceived: lambda e, row: {"assignment_received_on": e.received_on} if e.lead else {},
        CaseAcknowledged: take("acknowledged_on", "handler"),
        HandlerRecused: count("recusals", take(handler="new_handler")),
        InvestigationRecorded: count("records"),
        MediationHeld: count("records"),
        HearingHeld: count("records"),
        AssistanceGranted: _assistance,
        ExtensionApproved: lambda e, row: {"extension_days": (row.get("extension_days") or 0) + e.days},
        CoHandlerOpinionSubmitted: count("records"),
        ReplyIssued: _reply,
        SuggestionAnswered: take("adoption", "round", replied_on="answered_on"),
        DutyAnswered: take("round", duty_performed="performed", replied_on="answered_on"),
        ReportFedBack: take("round", report_record_no="record_no", replied_on="fed_back_on"),
        CadreReportNotified: take(organisation_notified_on="notified_on"),
        CaseClosed: take("closed_on"),
        RehandlingStarted: _rehandling,
        DeadlineRecorded: _deadline,
        ClockPaused: clock(ledger.c),
        ClockStopped: clock(ledger.c),
        WarningIssued: count("warnings"),
        DeadlineMissed: _missed,
        SupervisionOrderIssued: _order_issued,
        SupervisionOrderAnswered: _order_answered,
        NamedInBulletin: count("bulletins"),
        ProposalIssued: count("proposals", count("proposals_open")),
        ExecutionFollowUpOpened: take(execution_opened_on="opened_on"),
        ExecutionCarriedOut: take(executed_on="carried_out_on"),
        ProposalAdoptionReported: _feedback,
        SatisfactionRated: take("rating", "rated_on"),
        CaseSentBack: _sent_back,
        ReviewRequested: _review_requested,
        HearingDaysExcluded: nothing,  # its effect on the review clock arrives as a deadline_recorded
        ReviewOpinionIssued: _review_opinion,
        CaseFinalised: take("finalised_on"),
        ReReviewOpinionPublicised: take("publicised_on"),
        AftercareRecorded: count("aftercare", take(last_aftercare_on="done_on")),
        NoticeServed: _notice,
    }


__all__ = ["HEADERS", "TABLE_HEADERS", "Ledger", "ledger"]
