"""Assignment (交办): routes accepted cases, takes objections and disputes, names owning leaders, hands reviews up."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.intake import PetitionAccepted
from events.supervision import DeadlineMissed, ReviewRequested
from events.vocabulary import Clock as TimeLimit
from services.assignment.commands import (
    AcknowledgeCase,
    DecideObjection,
    FileObjection,
    FormTaskForce,
    MarkMajor,
    ReceiveAssignment,
    ReferDispute,
    ServeNotice,
    SettleDispute,
)
from services.assignment.domain import Assignment
from services.runtime.clock import Clock
from services.runtime.errors import InvalidInput
from services.runtime.limits import Terms
from services.runtime.organisation import Organisation, Unit
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class AssignmentApplication(ServiceApplication):
    name = "assignment"

    def __init__(self, env: dict[str, str], org: Organisation, clock: Clock, terms: Terms):
        super().__init__(env, clock)
        self.org = org
        self.terms = terms

    def parties(self, case_id: UUID) -> frozenset[str]:
        """The lead and the co-handlers act on a case's assignment (签收, 收到, 异议) through their own subjects."""
        assignment = self.load(case_id, Assignment)
        return frozenset({assignment.department, *assignment.co_handlers})

    # Commands

    def receive(self, cmd: ReceiveAssignment) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.receive(cmd.department, self.effective(cmd.on), cmd.actor, self.terms)
        return self.saved(assignment)

    def acknowledge(self, cmd: AcknowledgeCase) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.acknowledge(cmd.department, cmd.handler, self.effective(cmd.on), cmd.actor, self.terms)
        return self.saved(assignment)

    def object(self, cmd: FileObjection) -> dict[str, Any]:
        if cmd.proposed_department:
            self.org.unit(cmd.proposed_department, "proposed_department")
        assignment = self.load(cmd.case_id, Assignment)
        on = self.effective(cmd.on)
        assignment.object(cmd.department, cmd.reasons, cmd.proposed_department, on, cmd.actor)
        return self.saved(assignment)

    def decide_objection(self, cmd: DecideObjection) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        on = self.effective(cmd.on)
        if not cmd.agree:
            assignment.refuse_objection(cmd.reason, on, cmd.actor)
            return self.saved(assignment)
        to, bureau = self.new_lead(cmd.department), self.org.petition_bureau().code
        co_handlers = None if cmd.co_handlers is None else [self.org.unit(x, "co_handlers") for x in cmd.co_handlers]
        leader = self.org.leader_for(to.code)
        assignment.agree_objection(to, co_handlers, cmd.reason, bureau, on, cmd.actor, leader)
        return self.saved(assignment)

    def refer_dispute(self, cmd: ReferDispute) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.refer_dispute(self.org, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def settle_dispute(self, cmd: SettleDispute) -> dict[str, Any]:
        to = self.org.unit(cmd.department)
        assignment = self.load(cmd.case_id, Assignment)
        assignment.settle_dispute(to, cmd.reason, cmd.by, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def mark_major(self, cmd: MarkMajor) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.mark_major(cmd.risk, cmd.reason, self.org, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def form_task_force(self, cmd: FormTaskForce) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        members = [m.model_dump(mode="json") for m in cmd.members]
        assignment.form_task_force(members, self.effective(cmd.on), cmd.actor)
        return self.saved(assignment)

    def serve_notice(self, cmd: ServeNotice) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.serve_notice(
            cmd.notice, cmd.method, cmd.content, cmd.unreachable, cmd.competent_body, self.effective(cmd.on), cmd.actor
        )
        return self.saved(assignment)

    # Reactions

    def on_petition_accepted(self, accepted: PetitionAccepted, uow: UnitOfWork) -> None:
        """谁受理、谁交办: an accepted petition is assigned, once."""
        case_id = UUID(accepted.case_id)
        if uow.get(case_id, Assignment) is not None:
            return
        fields = accepted.model_dump(include={"case_no", "kind", "category", "locality", "major", "risks"})
        fields |= accepted.model_dump(include={"reported_unit", "request", "facts", "claim_route"})
        earlier = self.earlier(accepted.related_case, uow)
        uow.add(Assignment.assign(case_id, self.org, accepted.accepted_on, earlier, **fields))

    def on_deadline_missed(self, missed: DeadlineMissed, uow: UnitOfWork) -> None:
        """积案: an overdue handling clock gives a case without an owning leader one."""
        assignment = uow.get(UUID(missed.case_id), Assignment)
        if missed.clock != TimeLimit.handling or assignment is None:
            return
        assignment.name_leader_for_long_pending(self.org, missed.marked_on)
        uow.add(assignment)

    def on_review_requested(self, requested: ReviewRequested, uow: UnitOfWork) -> None:
        """复查/复核: the request goes to the next level up (Art 35, 36)."""
        assignment = uow.get(UUID(requested.case_id), Assignment)
        if assignment is None:
            return
        assignment.assign_review(requested.stage, self.org, requested.requested_on)
        uow.add(assignment)

    # Helpers

    def earlier(self, related_case: str, uow: UnitOfWork) -> Assignment | None:
        """The assignment of the matter's earlier case, if there is one (首办责任制)."""
        try:
            return uow.get(UUID(related_case), Assignment) if related_case else None
        except ValueError:
            return None

    def new_lead(self, department: str) -> Unit:
        if not department:
            raise InvalidInput("同意异议须指明改派的主办单位", "department")
        return self.org.unit(department)

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
