"""The Assignment aggregate (交办): which department leads the case, its owning leader, its acknowledgement."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.errors import DomainError


class NotLeadDepartment(DomainError):
    """只有主办单位可以签收: only the lead department acknowledges a case."""

    code = "not_lead_department"


class AlreadyAcknowledged(DomainError):
    """案件已签收."""

    code = "already_acknowledged"


class AcknowledgedBeforeAssignment(DomainError):
    """签收日期不能早于交办日期."""

    code = "acknowledged_before_assignment"


class Assignment(Aggregate):
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
    ):
        self.case_no = case_no
        self.department = department
        self.department_name = department_name
        self.owning_leader = owning_leader
        self.assigned_on = assigned_on
        self.acknowledged_on: date | None = None

    def acknowledge(self, department: str, handler: str, on: date, actor: str) -> None:
        if department != self.department:
            raise NotLeadDepartment(
                f"案件 {self.case_no} 的主办单位是 {self.department_name} ({self.department})，不是 {department}",
                "department",
            )
        if self.acknowledged_on is not None:
            raise AlreadyAcknowledged(f"案件 {self.case_no} 已于 {self.acknowledged_on} 签收")
        if on < self.assigned_on:
            raise AcknowledgedBeforeAssignment(f"签收日期 {on} 早于交办日期 {self.assigned_on}", "on")
        self._acknowledged(
            department=department, handler=handler, acknowledged_on=on, actor=actor, case_no=self.case_no
        )

    @event("Acknowledged")
    def _acknowledged(self, department: str, handler: str, acknowledged_on: date, actor: str, case_no: str) -> None:
        self.acknowledged_on = acknowledged_on
        self.handler = handler
