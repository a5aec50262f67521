"""Assignment (交办): routes accepted cases by the catalogue and records the department's acknowledgement."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events import PetitionAccepted
from services.assignment.commands import AcknowledgeCase
from services.assignment.domain import Assignment
from services.organisation import Organisation
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class AssignmentApplication(ServiceApplication):
    name = "assignment"

    def __init__(self, env: dict[str, str], org: Organisation):
        super().__init__(env=env)
        self.org = org

    def on_petition_accepted(self, accepted: PetitionAccepted, uow: UnitOfWork) -> None:
        """谁受理、谁交办: route by category × locality; a major case gets its owning leader."""
        case_id = UUID(accepted.case_id)
        if uow.get(case_id, Assignment) is not None:
            return
        unit = self.org.route(accepted.category, accepted.locality)
        leader = self.org.leader_for(unit.code) if accepted.major else None
        uow.add(
            Assignment(
                id=case_id,
                case_no=accepted.case_no,
                department=unit.code,
                department_name=unit.name,
                owning_leader=leader.id if leader else "",
                owning_leader_name=leader.name if leader else "",
                assigned_on=accepted.accepted_on,
                category=accepted.category,
                locality=accepted.locality,
                actor="派单目录",
            )
        )

    def acknowledge(self, cmd: AcknowledgeCase) -> dict[str, Any]:
        assignment = self.load(cmd.case_id, Assignment)
        assignment.acknowledge(cmd.department, cmd.handler, cmd.on or date.today(), cmd.actor)
        self.commit(assignment)
        return {
            "case_id": str(assignment.id),
            "case_no": assignment.case_no,
            "department": assignment.department,
        }
