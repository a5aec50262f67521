"""Assignment (交办): routes accepted cases, takes objections and disputes, names owning leaders, hands reviews up."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events.intake import PetitionAccepted
from events.supervision import DeadlineMissed, ReviewRequested
from events.vocabulary import Clock as TimeLimit
from services.assignment import commands as c
from services.assignment.domain import Assignment
from services.assignment.routing import lead_and_co_handlers
from services.calendar import WorkingCalendar, calendar
from services.organisation import Organisation, Unit
from services.runtime.clock import Clock
from services.runtime.errors import InvalidInput
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class AssignmentApplication(ServiceApplication):
    name = "assignment"

    def __init__(
        self,
        env: dict[str, str],
        org: Organisation,
        clock: Clock,
        days: WorkingCalendar | None = None,
        objection_days: int = 5,
    ):
        super().__init__(env, clock)
        self.org = org
        self.days = days or calendar()
        self.objection_days = objection_days

    def objection_due(self, start: date) -> date:
        """异议期限 (Art 23): so many working days from the assignment or the reassignment."""
        return self.days.add_working_days(start, self.objection_days)

    def on_petition_accepted(self, accepted: PetitionAccepted, uow: UnitOfWork) -> None:
        """谁受理、谁交办: route by category × locality; a major case gets its owning leader."""
        case_id = UUID(accepted.case_id)
        if uow.get(case_id, Assignment) is not None:
            return
        lead, co_handlers = lead_and_co_handlers(self.org, accepted)
        first = self.first_unit(accepted.related_case, uow) or lead.code
        leader = self.org.leader_for(lead.code) if accepted.major else None
        uow.add(
            Assignment(
                id=case_id,
                case_no=accepted.case_no,
                department=lead.code,
                department_name=lead.name,
                owning_leader=leader.id if leader else "",
                owning_leader_name=leader.name if leader else "",
                assigned_on=accepted.accepted_on,
                category=accepted.category,
                locality=accepted.locality,
                actor="派单目录",
                co_handlers=[u.code for u in co_handlers],
                co_handler_names=[u.name for u in co_handlers],
                first_unit=first,
                first_unit_name=self.org.unit_name(first),
                objection_due_on=self.objection_due(accepted.accepted_on),
                risks=list(accepted.risks),
                accepted_on=accepted.accepted_on,
                kind=accepted.kind,
                reported_unit=accepted.reported_unit,
                request=accepted.request,
                facts=accepted.facts,
            )
        )

    def first_unit(self, related_case: str, uow: UnitOfWork) -> str:
        """首办责任制: a matter that comes back stays charged to the unit that first handled it."""
        try:
            earlier = uow.get(UUID(related_case), Assignment) if related_case else None
        except ValueError:
            return ""
        return earlier.first_unit if earlier else ""

    def on_deadline_missed(self, missed: DeadlineMissed, uow: UnitOfWork) -> None:
        """积案: an overdue handling clock gives a case without an owning leader one."""
        assignment = uow.get(UUID(missed.case_id), Assignment)
        if missed.clock != TimeLimit.handling or assignment is None:
            return
        assignment.name_leader_for_long_pending(self.org.leader_for(assignment.department), missed.marked_on)
        uow.add(assignment)

    def on_review_requested(self, requested: ReviewRequested, uow: UnitOfWork) -> None:
        """复查/复核: the request goes to the next level up (Art 35, 36)."""
        assignment = uow.get(UUID(requested.case_id), Assignment)
        if assignment is None:
            return
        assignment.assign_review(requested.stage, self.org.next_level_up, requested.requested_on)
        uow.add(assignment)

    def acknowledge(self, cmd: c.AcknowledgeCase) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.acknowledge(cmd.department, cmd.handler, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def object(self, cmd: c.FileObjection) -> dict[str, Any]:
        if cmd.proposed_department:
            self.org.unit(cmd.proposed_department, "proposed_department")
        assignment = self.load(cmd.case_id, Assignment)
        on = self.effective(cmd.on)
        assignment.object(cmd.department, cmd.reasons, cmd.proposed_department, on, cmd.actor)
        return self.saved(assignment)

    def decide_objection(self, cmd: c.DecideObjection) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        on = self.effective(cmd.on)
        if not cmd.agree:
            assignment.refuse_objection(cmd.reason, on, cmd.actor)
            return self.saved(assignment)
        to, bureau = self.new_lead(cmd.department), self.org.petition_bureau().code
        co_handlers = None if cmd.co_handlers is None else [self.org.unit(x, "co_handlers") for x in cmd.co_handlers]
        leader = self.org.leader_for(to.code)
        assignment.agree_objection(to, co_handlers, cmd.reason, bureau, on, cmd.actor, self.objection_due(on), leader)
        return self.saved(assignment)

    def new_lead(self, department: str) -> Unit:
        if not department:
            raise InvalidInput("同意异议须指明改派的主办单位", "department")
        return self.org.unit(department)

    def refer_dispute(self, cmd: c.ReferDispute) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.refer_dispute(self.org.common_superior, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def settle_dispute(self, cmd: c.SettleDispute) -> dict[str, Any]:
        to = self.org.unit(cmd.department)
        assignment = self.load(cmd.case_id, Assignment)
        assignment.settle_dispute(to, cmd.reason, cmd.by, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def mark_major(self, cmd: c.MarkMajor) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        leader = self.org.leader_for(assignment.department)
        assignment.mark_major(cmd.risk, cmd.reason, leader, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def form_task_force(self, cmd: c.FormTaskForce) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        members = [m.model_dump(mode="json") for m in cmd.members]
        assignment.form_task_force(members, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def saved(self, assignment: Assignment) -> dict[str, Any]:
        self.commit(assignment)
        return {
            "case_id": str(assignment.id),
            "case_no": assignment.case_no,
            "department": assignment.department,
            "department_name": assignment.department_name,
            "owning_leader": assignment.owning_leader_name,
            "co_handlers": list(assignment.co_handlers),
        }
