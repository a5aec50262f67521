"""Assignment's rules (交办), named: on the Assignment aggregate, and through the application on real SQLite."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from events import CaseEvent
from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    DisputeReferred,
    DisputeSettled,
    ObjectionRefused,
    OwningLeaderNamed,
    ReviewAssigned,
)
from events.intake import PetitionAccepted
from events.notices import NoticeServed
from events.supervision import DeadlineMissed, ReviewRequested
from services.assignment import commands as c
from services.assignment.application import AssignmentApplication
from services.assignment.domain import Assignment
from services.assignment.domain.errors import (
    AlreadyAcknowledged,
    AlreadyMajor,
    AlreadyReceived,
    NoDisputePending,
    NoOtherDepartment,
    NoPendingObjection,
    NotAssignedDepartment,
    NotLeadDepartment,
    NotMajorCase,
    NotReceived,
    NotTheDecidingBody,
    ObjectionPending,
    ObjectionWindowClosed,
    ReceivedBeforeAssignment,
    ReportedUnitExcluded,
    SameDepartment,
    TaskForceAlreadyFormed,
    TaskForceIncomplete,
    TaskForceLeaderMismatch,
)
from services.runtime.clock import PinnedClock
from services.runtime.effective import BeforePreviousEvent
from services.runtime.notices import NoticeAlreadyServed
from services.runtime.organisation import Organisation
from tests.support.harness import TERMS, Reactor, public, sqlite_store

TODAY = date(2026, 11, 22)
ORG = Organisation.load()


def assignment(**over: Any) -> Assignment:
    values: dict[str, Any] = {
        "id": uuid4(),
        "case_no": "XF1",
        "department": "990100ZJJ",
        "department_name": "区住建局",
        "owning_leader": "",
        "owning_leader_name": "",
        "assigned_on": TODAY,
        "category": "urban_construction",
        "locality": "990101",
        "actor": "派单目录",
        "objection_due_on": date(2026, 11, 27),
    }
    return Assignment(**(values | over))


def application(tmp_path: Path) -> AssignmentApplication:
    return AssignmentApplication(sqlite_store(tmp_path, "assignment"), ORG, PinnedClock(TODAY), TERMS)


def accepted(case_id: UUID, on: date = TODAY, **over: Any) -> PetitionAccepted:
    fields: dict[str, Any] = {"case_no": "XF1", "accepted_on": on, "received_on": on, "kind": "claim"}
    fields |= {"category": "urban_construction", "locality": "990101"}
    return public(PetitionAccepted, case_id, **(fields | over))


def published(app: AssignmentApplication, case_id: UUID) -> list[CaseEvent]:
    return Reactor(app).public_events(str(case_id))


def assigned_case(tmp_path: Path, **over: Any) -> tuple[AssignmentApplication, UUID]:
    app, case_id = application(tmp_path), uuid4()
    Reactor(app).react(accepted(case_id, **over))
    return app, case_id


# 签收


def test_only_the_lead_department_acknowledges_and_only_once() -> None:
    a = assignment()
    with pytest.raises(NotLeadDepartment):
        a.acknowledge("990100RSJ", "李", TODAY, "", TERMS)
    a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)
    with pytest.raises(AlreadyAcknowledged):
        a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)


def test_no_acknowledgement_while_an_objection_is_pending_art_23() -> None:
    a = assignment()
    a.object("990100ZJJ", "不属本单位职责", "", TODAY, "")
    with pytest.raises(ObjectionPending):
        a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)
    a.refuse_objection("属住建职责", TODAY, "")
    a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)


def test_the_acknowledgement_tells_major_accepted_on_and_co_handlers(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, category="labour_social_security", major=True, accepted_on=date(2026, 11, 2))
    app.acknowledge(c.AcknowledgeCase(case_id=case_id, department="990100RSJ", handler="王", on=date(2026, 11, 3)))
    acknowledged = published(app, case_id)[-1]
    assert isinstance(acknowledged, CaseAcknowledged)
    assert (acknowledged.major, acknowledged.accepted_on) == (True, date(2026, 11, 2))
    assert acknowledged.co_handlers == ["990100ZJJ"]


# 交办: catalogue, reports, first unit


def test_co_handlers_come_from_the_catalogue_and_report_to_the_lead_art_24(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, category="ecology_environment", risks=["collective"], major=True)
    (event,) = published(app, case_id)
    assert isinstance(event, CaseAssigned)
    assert (event.department, event.co_handlers, event.co_handler_names) == (
        "990100STJ",
        ["990100CGJ"],
        ["区城市管理局（区综合行政执法局）"],
    )
    assert (event.owning_leader, event.risks, event.first_unit) == ("L06", ["collective"], "990100STJ")


def test_an_accepted_petition_is_assigned_once(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    Reactor(app).react(accepted(case_id, category="education"))
    assert [type(e) for e in published(app, case_id)] == [CaseAssigned]


def test_a_report_goes_to_the_discipline_channel_and_never_to_the_reported_unit_art_30(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, kind="report", category="urban_construction", reported_unit="990100ZJJ")
    assert app.load(case_id, Assignment).department == "990100JWJ"
    case_against_discipline = uuid4()
    Reactor(app).react(accepted(case_against_discipline, kind="report", reported_unit="990100JWJ"))
    against = app.load(case_against_discipline, Assignment)
    assert against.department not in ("990100JWJ", "") and "990100JWJ" not in against.co_handlers


def test_a_report_is_never_reassigned_to_the_reported_unit_art_46() -> None:
    a = assignment(department="990100JWJ", reported_unit="990100ZJJ")
    a.object("990100JWJ", "应由住建局自查", "990100ZJJ", TODAY, "")
    with pytest.raises(ReportedUnitExcluded):
        a.agree_objection(ORG.units["990100ZJJ"], None, "同意", "990100XFJ", TODAY, "", None)


def test_the_first_unit_stays_accountable_when_the_matter_comes_back(tmp_path: Path) -> None:
    app, first_case = assigned_case(tmp_path, category="urban_construction")
    app.object(c.FileObjection(case_id=first_case, department="990100ZJJ", reasons="属城管", on=TODAY))
    decide = c.DecideObjection(case_id=first_case, agree=True, department="990100CGJ", reason="同意", on=TODAY)
    app.decide_objection(decide)
    later = uuid4()
    Reactor(app).react(accepted(later, category="education", related_case=str(first_case)))
    assert app.load(later, Assignment).first_unit == "990100ZJJ"
    unrelated = uuid4()
    Reactor(app).react(accepted(unrelated, category="education", related_case=str(uuid4())))
    assert app.load(unrelated, Assignment).first_unit == "990100JYJ"


# 交办异议 (Art 23)


def test_the_objection_window_is_5_working_days_from_receipt_across_national_day_art_23(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, on=date(2026, 9, 25))  # from the assignment it would end 10-09
    assigned = published(app, case_id)[0]
    assert isinstance(assigned, CaseAssigned) and assigned.objection_due_on is None  # it runs from receipt
    app.receive(c.ReceiveAssignment(case_id=case_id, department="990100ZJJ", on=date(2026, 9, 30)))
    received = published(app, case_id)[-1]
    assert isinstance(received, AssignmentReceived)
    assert (received.received_on, received.objection_due_on) == (date(2026, 9, 30), date(2026, 10, 13))
    assert received.lead and received.notice_due_on == date(2026, 10, 15)  # 接收情况告知: 15 days from receipt
    late = c.FileObjection(case_id=case_id, department="990100ZJJ", reasons="不属本单位", on=date(2026, 10, 14))
    with pytest.raises(ObjectionWindowClosed):
        app.object(late)
    app.object(late.model_copy(update={"on": date(2026, 10, 13)}))  # the 5th working day after receipt


def test_a_department_objects_before_its_receipt_is_recorded_and_records_it_once_art_23() -> None:
    a = assignment(assigned_on=date(2026, 11, 2), objection_due_on=None, co_handlers=["990100CGJ"])
    with pytest.raises(ReceivedBeforeAssignment):
        a.receive("990100ZJJ", date(2026, 11, 1), "", TERMS)
    with pytest.raises(NotAssignedDepartment):
        a.receive("990100RSJ", date(2026, 11, 3), "", TERMS)
    a.receive("990100ZJJ", date(2026, 11, 3), "", TERMS)
    with pytest.raises(AlreadyReceived):
        a.receive("990100ZJJ", date(2026, 11, 4), "", TERMS)
    # the co-handler has not recorded its receipt: weeks later its objection is still within time
    a.object("990100CGJ", "与城管无关", "", date(2026, 11, 20), "")


def test_a_co_handler_has_its_own_window_from_its_own_receipt_art_23() -> None:
    a = assignment(assigned_on=date(2026, 11, 2), objection_due_on=None, co_handlers=["990100CGJ"])
    a.receive("990100CGJ", date(2026, 11, 9), "", TERMS)
    (received,) = [e for e in a.collect_events() if isinstance(e, Assignment.Received)]
    assert (received.lead, received.objection_due_on, received.notice_due_on) == (False, date(2026, 11, 16), None)
    with pytest.raises(ObjectionWindowClosed):
        a.object("990100CGJ", "与城管无关", "", date(2026, 11, 17), "")
    a.object("990100CGJ", "与城管无关", "", date(2026, 11, 16), "")


def test_acknowledging_without_a_recorded_receipt_is_the_receipt_and_ends_the_window_art_23() -> None:
    a = assignment(objection_due_on=None)
    a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)
    received, acknowledged = [e for e in a.collect_events() if not isinstance(e, Assignment.Assigned)]
    assert isinstance(received, Assignment.Received) and isinstance(acknowledged, Assignment.Acknowledged)
    assert (received.by_acknowledgement, received.objection_due_on) == (True, None)
    assert received.notice_due_on == date(2026, 12, 7)


def test_the_receipt_notice_follows_the_leads_receipt_and_a_new_lead_tells_anew_art_23(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    notice = c.ServeNotice(case_id=case_id, notice="receipt", method="written", content="已收到，按程序办理")
    with pytest.raises(NotReceived):
        app.serve_notice(notice)
    app.receive(c.ReceiveAssignment(case_id=case_id, department="990100ZJJ"))
    app.serve_notice(notice)
    with pytest.raises(NoticeAlreadyServed):
        app.serve_notice(notice)
    app.object(c.FileObjection(case_id=case_id, department="990100ZJJ", reasons="属城管"))
    app.decide_objection(c.DecideObjection(case_id=case_id, agree=True, department="990100CGJ", reason="同意"))
    reassigned = published(app, case_id)[-1]
    assert isinstance(reassigned, CaseReassigned) and reassigned.objection_due_on is None
    app.receive(c.ReceiveAssignment(case_id=case_id, department="990100CGJ"))
    app.serve_notice(notice)
    served = [e for e in published(app, case_id) if isinstance(e, NoticeServed)]
    assert [n.round for n in served] == [1, 2]


def test_only_the_lead_or_a_co_handler_objects_art_23() -> None:
    a = assignment(co_handlers=["990100CGJ"])
    with pytest.raises(NotAssignedDepartment):
        a.object("990100RSJ", "无关", "", TODAY, "")
    a.object("990100CGJ", "协办职责不清", "", TODAY, "")


def test_an_objection_needs_reasons_art_23() -> None:
    with pytest.raises(ValidationError):
        c.FileObjection(case_id=uuid4(), department="990100ZJJ", reasons="  ")


def test_no_objection_after_acknowledgement_art_23() -> None:
    a = assignment()
    a.acknowledge("990100ZJJ", "李", TODAY, "", TERMS)
    with pytest.raises(AlreadyAcknowledged):
        a.object("990100ZJJ", "晚了", "", TODAY, "")


def test_one_pending_objection_at_a_time_art_23() -> None:
    a = assignment(co_handlers=["990100CGJ"])
    a.object("990100ZJJ", "不属本单位", "", TODAY, "")
    with pytest.raises(ObjectionPending):
        a.object("990100CGJ", "也不属本单位", "", TODAY, "")


def test_the_bureau_agrees_and_reassigns_with_a_new_window_and_owning_leader_art_23(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, major=True, accepted_on=date(2026, 11, 2))
    app.object(c.FileObjection(case_id=case_id, department="990100ZJJ", reasons="属环保", on=date(2026, 11, 3)))
    agree = c.DecideObjection(
        case_id=case_id, agree=True, department="990100STJ", co_handlers=["990100CGJ"], reason="属生态环境职责"
    )
    app.decide_objection(agree.model_copy(update={"on": date(2026, 11, 4)}))
    reassigned = published(app, case_id)[-1]
    assert isinstance(reassigned, CaseReassigned)
    assert (reassigned.from_department, reassigned.department, reassigned.decided_by) == (
        "990100ZJJ",
        "990100STJ",
        "990100XFJ",
    )
    assert reassigned.objection_due_on is None and not reassigned.final  # the new lead's window opens on receipt
    assert (reassigned.owning_leader, reassigned.co_handlers, reassigned.reason) == (
        "L06",
        ["990100CGJ"],
        "属生态环境职责",
    )


def test_the_bureau_refuses_and_the_case_stays_art_23(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    app.object(c.FileObjection(case_id=case_id, department="990100ZJJ", reasons="不属本单位", on=TODAY))
    app.decide_objection(c.DecideObjection(case_id=case_id, agree=False, reason="属住建职责", on=TODAY, actor="张"))
    refused = published(app, case_id)[-1]
    assert isinstance(refused, ObjectionRefused) and (refused.department, refused.actor) == ("990100ZJJ", "张")
    assert app.load(case_id, Assignment).department == "990100ZJJ"


def test_a_co_handlers_agreed_objection_releases_it_and_a_reassignment_changes_something() -> None:
    a = assignment(co_handlers=["990100CGJ", "990100GAJ"], co_handler_names=["区城管局", "公安分局"])
    a.object("990100CGJ", "与城管无关", "", TODAY, "")
    with pytest.raises(SameDepartment):
        a.agree_objection(
            ORG.units["990100ZJJ"], [ORG.units["990100CGJ"], ORG.units["990100GAJ"]], "", "", TODAY, "", None
        )
    a.agree_objection(ORG.units["990100ZJJ"], None, "同意", "990100XFJ", TODAY, "", None)
    assert (a.department, a.co_handlers, a.co_handler_names) == ("990100ZJJ", ["990100GAJ"], ["公安分局"])


def test_a_decision_needs_a_pending_objection() -> None:
    with pytest.raises(NoPendingObjection):
        assignment().refuse_objection("无", TODAY, "")


# 交办争议 (Art 24)


def test_a_dispute_goes_to_the_common_superior_art_24() -> None:
    a = assignment(department="990104002", department_name="荷塘村")
    a.object("990104002", "地块属莲花村", "990104003", TODAY, "")
    a.refer_dispute(ORG, TODAY, "")
    (referred,) = [e for e in a.collect_events() if isinstance(e, Assignment.DisputeReferred)]
    assert (referred.body, referred.body_unit, referred.departments) == (
        "superior",
        "990104",
        ["990104002", "990104003"],
    )


def test_a_dispute_without_a_common_superior_goes_to_the_joint_conference_art_24(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    app.object(
        c.FileObjection(case_id=case_id, department="990100ZJJ", reasons="属城管", proposed_department="990100CGJ")
    )
    app.refer_dispute(c.ReferDispute(case_id=case_id))
    referred = published(app, case_id)[-1]
    assert isinstance(referred, DisputeReferred) and (referred.body, referred.body_unit) == ("joint_conference", "")


def test_a_dispute_needs_an_objection_naming_another_department_art_24() -> None:
    a = assignment()
    with pytest.raises(NoPendingObjection):
        a.refer_dispute(ORG, TODAY, "")
    a.object("990100ZJJ", "不属本单位", "", TODAY, "")
    with pytest.raises(NoOtherDepartment):
        a.refer_dispute(ORG, TODAY, "")


def test_only_the_deciding_body_settles_a_dispute_art_24(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, category="other", locality="990104002")
    settle = c.SettleDispute(case_id=case_id, department="990104003", reason="属莲花村", by="990104", on=TODAY)
    with pytest.raises(NoDisputePending):
        app.settle_dispute(settle)
    app.object(c.FileObjection(case_id=case_id, department="990104", reasons="属村", proposed_department="990104003"))
    app.refer_dispute(c.ReferDispute(case_id=case_id))
    with pytest.raises(NotTheDecidingBody):
        app.settle_dispute(settle.model_copy(update={"by": "990104"}))
    app.settle_dispute(settle.model_copy(update={"by": "joint_conference"}))
    settled, reassigned = published(app, case_id)[-2:]
    assert isinstance(settled, DisputeSettled) and settled.department == "990104003"
    assert isinstance(reassigned, CaseReassigned) and reassigned.decided_by == "joint_conference"
    with pytest.raises(ObjectionWindowClosed):  # the body's decision takes no further objection
        app.object(c.FileObjection(case_id=case_id, department="990104003", reasons="不服"))


# 领导包案、七包一

LEADER = "郑国栋"  # 分管住建


def members(leader: str = LEADER, leave_out: str = "") -> list[dict[str, str]]:
    roles = ["district_leader", "township_secretary", "village_secretary", "grid_worker"]
    roles += ["police_head", "legal_worker", "handler"]
    return [
        {"role": r, "name": leader if r == "district_leader" else f"{r}人", "unit": ""} for r in roles if r != leave_out
    ]


def test_marking_a_case_major_names_its_owning_leader_once(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    app.mark_major(c.MarkMajor(case_id=case_id, risk="stability", reason="涉稳", on=TODAY))
    named = published(app, case_id)[-1]
    assert isinstance(named, OwningLeaderNamed) and (named.owning_leader_name, named.risks) == (LEADER, ["stability"])
    with pytest.raises(AlreadyMajor):
        app.mark_major(c.MarkMajor(case_id=case_id, reason="再次", on=TODAY))


def test_a_long_pending_case_gets_an_owning_leader_once(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path)
    missed = public(DeadlineMissed, case_id, clock="handling", due_on=TODAY, marked_on=TODAY, department="990100ZJJ")
    Reactor(app).react(public(DeadlineMissed, case_id, clock="order_answer", due_on=TODAY, marked_on=TODAY))
    assert app.load(case_id, Assignment).owning_leader == ""
    Reactor(app).react(missed)
    Reactor(app).react(missed)
    named = [e for e in published(app, case_id) if isinstance(e, OwningLeaderNamed)]
    assert [(e.owning_leader_name, e.risks) for e in named] == [(LEADER, ["long_pending"])]


def test_a_long_pending_mark_does_not_stop_the_late_entry_of_what_happened_before_it(tmp_path: Path) -> None:
    """The system's own reaction to an overdue mark (积案, dated the day of the mark) is not a staff action: the
    department's receipt, which happened months earlier and is entered now (补录), is still accepted."""
    earlier = date.fromordinal(TODAY.toordinal() - 100)
    app, case_id = assigned_case(tmp_path, on=earlier)
    overdue = date.fromordinal(earlier.toordinal() + 60)
    missed = public(DeadlineMissed, case_id, clock="handling", due_on=overdue, marked_on=TODAY, department="990100ZJJ")
    Reactor(app).react(missed)
    assert app.load(case_id, Assignment).owning_leader  # 积案 got its leader today
    receipt = date.fromordinal(earlier.toordinal() + 2)
    app.receive(c.ReceiveAssignment(case_id=case_id, department="990100ZJJ", on=receipt))
    received = [e for e in published(app, case_id) if isinstance(e, AssignmentReceived)]
    assert [e.received_on for e in received] == [receipt]


def test_a_task_force_is_only_for_a_major_case() -> None:
    with pytest.raises(NotMajorCase):
        assignment().form_task_force(members(), TODAY, "")


def test_a_task_force_has_all_seven_roles() -> None:
    a = assignment(owning_leader="L05", owning_leader_name=LEADER)
    with pytest.raises(TaskForceIncomplete, match="网格员"):
        a.form_task_force(members(leave_out="grid_worker"), TODAY, "")


def test_the_task_force_is_led_by_the_owning_leader() -> None:
    a = assignment(owning_leader="L05", owning_leader_name=LEADER)
    with pytest.raises(TaskForceLeaderMismatch):
        a.form_task_force(members(leader="周立群"), TODAY, "")


def test_a_case_has_one_task_force(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, major=True)
    form = c.FormTaskForce.model_validate({"case_id": case_id, "members": members(), "on": TODAY})
    app.form_task_force(form)
    with pytest.raises(TaskForceAlreadyFormed):
        app.form_task_force(form)
    assert len(published(app, case_id)[-1].model_dump()["members"]) == 7


# 复查、复核 (Art 35, 36)


def test_review_goes_one_level_up_and_re_review_one_level_above_that_art_35_36(tmp_path: Path) -> None:
    app, case_id = assigned_case(tmp_path, category="other", locality="990104002")
    for stage in ("review", "review", "re_review"):
        Reactor(app).react(public(ReviewRequested, case_id, stage=stage, reasons="不服", requested_on=TODAY))
    reviews = [e for e in published(app, case_id) if isinstance(e, ReviewAssigned)]
    assert [(e.stage, e.body) for e in reviews] == [("review", "990100"), ("re_review", "990000")]


def test_a_bureaus_case_is_reviewed_by_the_district_and_re_reviewed_by_the_city() -> None:
    a = assignment()
    a.assign_review("review", ORG, TODAY)
    a.assign_review("re_review", ORG, TODAY)
    assert a.reviews == {"review": "990100", "re_review": "990000"}


# 生效日期


def test_an_action_is_never_dated_before_the_previous_event() -> None:
    a = assignment()
    with pytest.raises(BeforePreviousEvent):
        a.object("990100ZJJ", "不属本单位", "", date(2026, 11, 21), "")


def test_the_receiving_department_tells_the_petitioner_of_its_receipt_art_23() -> None:
    a = assignment()
    a.receive("990100ZJJ", TODAY, "", TERMS)
    a.serve_notice("receipt", "written", "已接收，将于60日内办理", False, "", TODAY, "990100ZJJ")
    assert a.notices.served_on("receipt") == TODAY
