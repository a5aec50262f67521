"""Builders for supervision tests: public events of other services, and an in-memory application."""

from __future__ import annotations

from datetime import date

from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    ObjectionFiled,
    ReviewAssigned,
)
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import CaseClosed, ExtensionApproved, ReplyIssued
from services.runtime.calendar import calendar
from services.runtime.limits import STATUTE, Terms
from services.supervision.application import SupervisionApplication
from tests.support.clock import CLOCK
from tests.support.harness import memory_store, public

App = SupervisionApplication
TERMS = Terms(STATUTE, calendar())
DEPARTMENT, LEADER, BODY = "990100ZJJ", "L05", "990100XFJ"


def registered(case_id: str, on: date, case_no: str = "XF1") -> PetitionRegistered:
    return public(
        PetitionRegistered, case_id, case_no=case_no, channel="visit", received_on=on, received_by="王敏",
        kind="claim", category="urban_construction", locality="990101001", request="修复渗漏",
    )  # fmt: skip


def accepted(case_id: str, on: date, kind: str = "claim", claim_route: str | None = "opinion") -> PetitionAccepted:
    return public(
        PetitionAccepted, case_id, case_no="XF1", accepted_on=on, received_on=on, kind=kind,
        category="urban_construction", locality="990101001", claim_route=claim_route,
    )  # fmt: skip


def assigned(case_id: str, on: date, department: str = DEPARTMENT, leader: str = LEADER) -> CaseAssigned:
    return public(
        CaseAssigned, case_id, case_no="XF1", department=department, department_name="住建局",
        owning_leader=leader, assigned_on=on,
    )  # fmt: skip


def reassigned(case_id: str, on: date, department: str, final: bool = False) -> CaseReassigned:
    """改派 by the bureau (the new lead objects from its receipt), or ``final`` on a dispute (no objection)."""
    return public(
        CaseReassigned, case_id, case_no="XF1", from_department=DEPARTMENT, department=department,
        department_name="街道", reason="属地", decided_by="信访部门", decided_on=on, final=final,
    )  # fmt: skip


def received(
    case_id: str, on: date, department: str = DEPARTMENT, lead: bool = True, final: bool = False
) -> AssignmentReceived:
    """交办已收到: the objection window (none after a decided dispute) and, for the lead, the notice limit."""
    return public(
        AssignmentReceived, case_id, case_no="XF1", department=department, lead=lead, received_on=on,
        objection_due_on=None if final else calendar().add_working_days(on, 5),
        notice_due_on=TERMS.receipt_notice_due(on) if lead else None,
    )  # fmt: skip


def acknowledged(case_id: str, on: date) -> CaseAcknowledged:
    return public(CaseAcknowledged, case_id, case_no="XF1", department=DEPARTMENT, acknowledged_on=on)


def objection(case_id: str, on: date) -> ObjectionFiled:
    return public(ObjectionFiled, case_id, case_no="XF1", department=DEPARTMENT, reasons="不属本单位", filed_on=on)


def materials_requested(case_id: str, on: date) -> MaterialsRequested:
    return public(MaterialsRequested, case_id, case_no="XF1", items=["身份证明"], requested_on=on)


def materials_supplemented(case_id: str, on: date) -> MaterialsSupplemented:
    return public(MaterialsSupplemented, case_id, case_no="XF1", supplemented_on=on)


def not_accepted(case_id: str, on: date) -> PetitionNotAccepted:
    return public(PetitionNotAccepted, case_id, case_no="XF1", decided_on=on, reason="outside_scope")


def merged(case_id: str, on: date, master: str) -> PetitionMerged:
    return public(PetitionMerged, case_id, case_no="XF2", merged_into=master, merged_into_no="XF1", merged_on=on)


def extension(case_id: str, on: date, days: int, round_: int = 1) -> ExtensionApproved:
    return public(
        ExtensionApproved, case_id, case_no="XF1", department=DEPARTMENT, days=days, approved_by="局长",
        reason="复杂", notified_on=on, approved_on=on, round=round_,
    )  # fmt: skip


def reply(case_id: str, on: date, round_: int = 1) -> ReplyIssued:
    return public(
        ReplyIssued, case_id, case_no="XF1", department=DEPARTMENT, opinion="supported", text="已修复",
        replied_on=on, round=round_,
    )  # fmt: skip


def closed(case_id: str, on: date, round_: int = 1) -> CaseClosed:
    return public(CaseClosed, case_id, case_no="XF1", department=DEPARTMENT, closed_on=on, round=round_)


def review_assigned(case_id: str, on: date, stage: str, body: str = BODY) -> ReviewAssigned:
    return public(ReviewAssigned, case_id, case_no="XF1", stage=stage, body=body, body_name="区信访局", assigned_on=on)


def memory_app(cache: bool = False) -> SupervisionApplication:
    env = memory_store()
    if cache:
        env["AGGREGATE_CACHE_MAXSIZE"] = "500"
    return SupervisionApplication(env, CLOCK, TERMS)
