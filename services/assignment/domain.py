"""The Assignment aggregate (交办): lead and co-handlers, acknowledgement, objections, disputes, owning leader,
task force and the review handoff. The guards are in rules.py, the named errors in errors.py."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from events.vocabulary import DisputeBody, Risk, Stage
from services.assignment.errors import AcknowledgedBeforeAssignment, AlreadyAcknowledged, NotLeadDepartment
from services.assignment.rules import JOINT_CONFERENCE, AssignmentRules
from services.organisation import Leader, Unit
from services.runtime.effective import CaseAggregate

__all__ = ["AlreadyAcknowledged", "Assignment", "NotLeadDepartment"]

SYSTEM = "系统"


class Assignment(CaseAggregate, AssignmentRules):
    """The handoff of one case to its lead department; its id is the case id."""

    @event("Assigned")
    def __init__(
        self,
        id: UUID,
        case_no: str,
        department: str,
        department_name: str,
        owning_leader: str,
        owning_leader_name: str,
        assigned_on: date,
        category: str,
        locality: str,
        actor: str,
        co_handlers: list[str] | None = None,
        co_handler_names: list[str] | None = None,
        first_unit: str = "",
        first_unit_name: str = "",
        objection_due_on: date | None = None,
        risks: list[str] | None = None,
        accepted_on: date | None = None,
        kind: str = "",
        reported_unit: str = "",
        request: str = "",
        facts: str = "",
    ):
        self.case_no = case_no
        self.department, self.department_name = department, department_name
        self.co_handlers = list(co_handlers or [])
        self.co_handler_names = list(co_handler_names or self.co_handlers)
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        self.assigned_on = assigned_on
        self.accepted_on = accepted_on or assigned_on
        self.first_unit = first_unit or department
        self.objection_due_on = objection_due_on
        self.risks = list(risks or [])
        self.reported_unit = reported_unit
        self.request, self.facts = request, facts
        self.acknowledged_on: date | None = None
        self.objection: dict[str, Any] | None = None
        self.dispute: dict[str, Any] | None = None
        self.task_force: list[dict[str, str]] | None = None
        self.reviews: dict[str, str] = {}
        self.seen(assigned_on)

    def acknowledge(self, department: str, handler: str, on: date, actor: str) -> None:
        """签收: only the lead, once, and not while an objection or a dispute is pending."""
        if on < self.assigned_on:
            raise AcknowledgedBeforeAssignment(f"签收日期 {on} 早于交办日期 {self.assigned_on}", "on")
        self.check_on(on)
        self.check_lead(department)
        self.check_not_acknowledged()
        self.check_nothing_pending()
        self._acknowledged(
            department=department,
            handler=handler,
            acknowledged_on=on,
            actor=actor,
            case_no=self.case_no,
            major=bool(self.owning_leader),
            accepted_on=self.accepted_on,
            co_handlers=list(self.co_handlers),
            request=self.request,
            facts=self.facts,
        )

    @event("Acknowledged")
    def _acknowledged(
        self,
        department: str,
        handler: str,
        acknowledged_on: date,
        actor: str,
        case_no: str,
        major: bool = False,
        accepted_on: date | None = None,
        co_handlers: list[str] | None = None,
        request: str = "",
        facts: str = "",
    ) -> None:
        self.acknowledged_on, self.handler = acknowledged_on, handler
        self.seen(acknowledged_on)

    def object(self, department: str, reasons: str, proposed_department: str, on: date, actor: str) -> None:
        """交办异议 (Art 23): the lead or a co-handler, with reasons, within 5 working days, before acknowledging."""
        self.check_on(on)
        self.check_assigned_to(department)
        self.check_not_acknowledged()
        self.check_nothing_pending()
        self.check_objection_window(on)
        self.check_other_department(department, proposed_department)
        self._objection_filed(
            department=department,
            reasons=reasons,
            proposed_department=proposed_department,
            filed_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    @event("ObjectionFiled")
    def _objection_filed(
        self, department: str, reasons: str, proposed_department: str, filed_on: date, actor: str, case_no: str
    ) -> None:
        self.objection = {"department": department, "proposed_department": proposed_department, "filed_on": filed_on}
        self.seen(filed_on)

    def refuse_objection(self, reason: str, on: date, actor: str) -> None:
        """异议不予采纳: the case stays with its lead."""
        self.check_on(on)
        objection = self.pending_objection()
        self._objection_refused(
            department=objection["department"], reason=reason, decided_on=on, actor=actor, case_no=self.case_no
        )

    @event("ObjectionRefused")
    def _objection_refused(self, department: str, reason: str, decided_on: date, actor: str, case_no: str) -> None:
        self.objection = None
        self.seen(decided_on)

    def agree_objection(
        self,
        to: Unit,
        co_handlers: list[Unit] | None,
        reason: str,
        by: str,
        on: date,
        actor: str,
        objection_due_on: date,
        leader: Leader | None,
    ) -> None:
        """异议成立, 改派: a new lead, a new objection window from the decision, a new owning leader if due."""
        self.check_on(on)
        self.pending_objection()
        self.reassign(to, co_handlers, reason, by, on, actor, objection_due_on, leader)

    def reassign(
        self,
        to: Unit,
        co_handlers: list[Unit] | None,
        reason: str,
        by: str,
        on: date,
        actor: str,
        objection_due_on: date | None = None,
        leader: Leader | None = None,
    ) -> None:
        self.check_not_reported_unit(to, *(co_handlers or []))
        released = {to.code, self.objection["department"] if self.objection else ""}
        if co_handlers is None:
            pairs = zip(self.co_handlers, self.co_handler_names, strict=True)
            kept = [(c, n) for c, n in pairs if c not in released]
        else:
            kept = [(c.code, c.name) for c in co_handlers if c.code != to.code]
        self.check_a_change(to, [c for c, _ in kept])
        changes = bool(self.owning_leader and leader and leader.id != self.owning_leader)
        self._reassigned(
            from_department=self.department,
            department=to.code,
            department_name=to.name,
            co_handlers=[c for c, _ in kept],
            co_handler_names=[n for _, n in kept],
            reason=reason,
            decided_by=by,
            decided_on=on,
            objection_due_on=objection_due_on,
            owning_leader=leader.id if changes and leader else self.owning_leader,
            owning_leader_name=leader.name if changes and leader else self.owning_leader_name,
            actor=actor,
            case_no=self.case_no,
        )

    @event("Reassigned")
    def _reassigned(
        self,
        from_department: str,
        department: str,
        department_name: str,
        co_handlers: list[str],
        co_handler_names: list[str],
        reason: str,
        decided_by: str,
        decided_on: date,
        objection_due_on: date | None,
        owning_leader: str,
        owning_leader_name: str,
        actor: str,
        case_no: str,
    ) -> None:
        self.department, self.department_name = department, department_name
        self.co_handlers, self.co_handler_names = list(co_handlers), list(co_handler_names)
        self.objection_due_on = objection_due_on
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        self.objection = self.dispute = None
        self.seen(decided_on)

    def refer_dispute(self, superior: Callable[[str, str], Unit | None], on: date, actor: str) -> None:
        """交办争议 (Art 24): to the disputants' common superior, and with none, to the joint conference."""
        self.check_on(on)
        departments = self.disputants()
        body = superior(departments[0], departments[1])
        self._dispute_referred(
            departments=departments,
            body=DisputeBody.superior.value if body else JOINT_CONFERENCE,
            body_unit=body.code if body else "",
            body_name=body.name if body else "联席会议",
            referred_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    @event("DisputeReferred")
    def _dispute_referred(
        self,
        departments: list[str],
        body: str,
        body_unit: str,
        body_name: str,
        referred_on: date,
        actor: str,
        case_no: str,
    ) -> None:
        self.dispute = {"departments": departments, "body": body, "body_unit": body_unit, "body_name": body_name}
        self.objection = None
        self.seen(referred_on)

    def settle_dispute(self, to: Unit, reason: str, by: str, on: date, actor: str) -> None:
        """争议裁定 by the deciding body; a new lead is a reassignment, and the decision takes no objection."""
        self.check_on(on)
        dispute = self.check_deciding_body(by)
        self.check_not_reported_unit(to)
        self._dispute_settled(
            body=dispute["body"],
            body_unit=dispute["body_unit"],
            department=to.code,
            reason=reason,
            decided_on=on,
            actor=actor,
            case_no=self.case_no,
        )
        if to.code != self.department:
            self.reassign(to, None, reason, by, on, actor)

    @event("DisputeSettled")
    def _dispute_settled(
        self, body: str, body_unit: str, department: str, reason: str, decided_on: date, actor: str, case_no: str
    ) -> None:
        self.dispute = None
        self.seen(decided_on)

    def mark_major(self, risk: str, reason: str, leader: Leader | None, on: date, actor: str) -> None:
        """领导包案: staff mark a case major; the lead's district leader owns it."""
        self.check_on(on)
        self.check_not_major()
        owner = self.check_leader(leader)
        self._owning_leader_named(
            owning_leader=owner.id,
            owning_leader_name=owner.name,
            risks=[risk],
            reason=reason,
            named_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    def name_leader_for_long_pending(self, leader: Leader | None, on: date) -> None:
        """积案: an overdue case without an owning leader gets one; a repeated notice changes nothing."""
        if self.owning_leader or leader is None:
            return
        self._owning_leader_named(
            owning_leader=leader.id,
            owning_leader_name=leader.name,
            risks=[Risk.long_pending.value],
            reason="办理逾期，列为积案",
            named_on=on,
            actor=SYSTEM,
            case_no=self.case_no,
        )

    @event("OwningLeaderNamed")
    def _owning_leader_named(
        self,
        owning_leader: str,
        owning_leader_name: str,
        risks: list[str],
        reason: str,
        named_on: date,
        actor: str,
        case_no: str,
    ) -> None:
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        self.risks = [*self.risks, *(r for r in risks if r not in self.risks)]
        self.seen(named_on)

    def form_task_force(self, members: list[dict[str, str]], on: date, actor: str) -> None:
        """工作专班 (七包一): once per major case, all seven roles, led by the owning leader."""
        self.check_on(on)
        self.check_major()
        self.check_no_task_force()
        self.check_seven_roles(members)
        self.check_task_force_leader(members)
        self._task_force_formed(members=members, formed_on=on, actor=actor, case_no=self.case_no)

    @event("TaskForceFormed")
    def _task_force_formed(self, members: list[dict[str, str]], formed_on: date, actor: str, case_no: str) -> None:
        self.task_force = list(members)
        self.seen(formed_on)

    def assign_review(self, stage: str, next_level_up: Callable[[str], Unit], on: date) -> None:
        """复查 to the level above the lead, 复核 to the level above the review body (Art 35, 36); once each."""
        if stage in self.reviews:
            return
        reviewed = self.reviews.get(Stage.review) or next_level_up(self.department).code
        body = next_level_up(self.department if stage == Stage.review else reviewed)
        self._review_assigned(
            stage=str(stage), body=body.code, body_name=body.name, assigned_on=on, actor=SYSTEM, case_no=self.case_no
        )

    @event("ReviewAssigned")
    def _review_assigned(
        self, stage: str, body: str, body_name: str, assigned_on: date, actor: str, case_no: str
    ) -> None:
        self.reviews[stage] = body
        self.seen(assigned_on)
