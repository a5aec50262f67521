"""The guards of the Assignment aggregate: one ``check_*`` per rule, each raising its named error."""

from __future__ import annotations

from datetime import date
from typing import Any

from events.vocabulary import TaskForceRole, label
from services.assignment.errors import (
    AlreadyAcknowledged,
    AlreadyMajor,
    NoDisputePending,
    NoOtherDepartment,
    NoOwningLeader,
    NoPendingObjection,
    NotAssignedDepartment,
    NotLeadDepartment,
    NotMajorCase,
    NotTheDecidingBody,
    ObjectionPending,
    ObjectionWindowClosed,
    ReportedUnitExcluded,
    SameDepartment,
    TaskForceAlreadyFormed,
    TaskForceIncomplete,
    TaskForceLeaderMismatch,
)
from services.organisation import Leader, Unit

JOINT_CONFERENCE = "joint_conference"


class AssignmentRules:
    """Mixed into Assignment; the annotations only tell the type checker what the aggregate holds."""

    case_no: str
    department: str
    department_name: str
    co_handlers: list[str]
    owning_leader: str
    owning_leader_name: str
    objection_due_on: date | None
    reported_unit: str
    acknowledged_on: date | None
    objection: dict[str, Any] | None
    dispute: dict[str, Any] | None
    task_force: list[dict[str, str]] | None

    def check_lead(self, department: str) -> None:
        if department != self.department:
            raise NotLeadDepartment(
                f"案件 {self.case_no} 的主办单位是 {self.department_name} ({self.department})，不是 {department}",
                "department",
            )

    def check_not_acknowledged(self) -> None:
        if self.acknowledged_on is not None:
            raise AlreadyAcknowledged(f"案件 {self.case_no} 已于 {self.acknowledged_on} 签收")

    def check_nothing_pending(self) -> None:
        if self.objection is not None:
            raise ObjectionPending(f"案件 {self.case_no} 有 {self.objection['department']} 提出的交办异议待决")
        if self.dispute is not None:
            raise ObjectionPending(f"案件 {self.case_no} 的交办争议待 {self.dispute['body_name']} 裁定")

    def check_assigned_to(self, department: str) -> None:
        if department != self.department and department not in self.co_handlers:
            raise NotAssignedDepartment(
                f"{department} 不是案件 {self.case_no} 的主办或协办单位 (主办 {self.department})", "department"
            )

    def check_objection_window(self, on: date) -> None:
        if self.objection_due_on is None:
            raise ObjectionWindowClosed(f"案件 {self.case_no} 的交办已经争议裁定，不再接受异议")
        if on > self.objection_due_on:
            raise ObjectionWindowClosed(
                f"案件 {self.case_no} 的异议期限至 {self.objection_due_on} (5个工作日)，{on} 已过期", "on"
            )

    def check_other_department(self, department: str, proposed: str) -> None:
        if proposed == department:
            raise NoOtherDepartment(f"异议单位 {department} 不能主张由自己办理", "proposed_department")

    def pending_objection(self) -> dict[str, Any]:
        if self.objection is None:
            raise NoPendingObjection(f"案件 {self.case_no} 没有待决的交办异议")
        return self.objection

    def disputants(self) -> list[str]:
        objection = self.pending_objection()
        if not objection["proposed_department"]:
            raise NoOtherDepartment(f"案件 {self.case_no} 的异议未主张其他责任单位，无争议可提请")
        return [objection["department"], objection["proposed_department"]]

    def check_a_change(self, to: Unit, co_handlers: list[str]) -> None:
        if to.code == self.department and co_handlers == self.co_handlers:
            raise SameDepartment(f"案件 {self.case_no} 已由 {to.name} ({to.code}) 主办，协办单位也未改变", "department")

    def check_not_reported_unit(self, *units: Unit) -> None:
        for unit in units:
            if self.reported_unit and unit.code == self.reported_unit:
                raise ReportedUnitExcluded(
                    f"案件 {self.case_no} 是反映 {unit.name} 的检举控告，不得交由其办理", "department"
                )

    def check_deciding_body(self, by: str) -> dict[str, Any]:
        if self.dispute is None:
            raise NoDisputePending(f"案件 {self.case_no} 没有待裁定的交办争议")
        deciding = self.dispute["body_unit"] or JOINT_CONFERENCE
        if by != deciding:
            raise NotTheDecidingBody(
                f"案件 {self.case_no} 的争议由 {self.dispute['body_name']} ({deciding}) 裁定，不是 {by}", "by"
            )
        return self.dispute

    def check_not_major(self) -> None:
        if self.owning_leader:
            raise AlreadyMajor(f"案件 {self.case_no} 已由 {self.owning_leader_name} 包案")

    def check_leader(self, leader: Leader | None) -> Leader:
        if leader is None:
            raise NoOwningLeader(f"案件 {self.case_no} 的主办单位 {self.department_name} 没有分管的区级领导")
        return leader

    def check_major(self) -> None:
        if not self.owning_leader:
            raise NotMajorCase(f"案件 {self.case_no} 不是重大案件 (没有包案领导)，不组建专班")

    def check_no_task_force(self) -> None:
        if self.task_force is not None:
            raise TaskForceAlreadyFormed(f"案件 {self.case_no} 的工作专班已组建")

    def check_seven_roles(self, members: list[dict[str, str]]) -> None:
        present = {m["role"] for m in members}
        missing = [label(role) for role in TaskForceRole if role not in present]
        if missing:
            raise TaskForceIncomplete(f"案件 {self.case_no} 的专班缺少: {'、'.join(missing)}", "members")

    def check_task_force_leader(self, members: list[dict[str, str]]) -> None:
        named = [m["name"] for m in members if m["role"] == TaskForceRole.district_leader]
        if any(name != self.owning_leader_name for name in named):
            raise TaskForceLeaderMismatch(
                f"案件 {self.case_no} 的包案领导是 {self.owning_leader_name}，专班写的是 {'、'.join(named)}", "members"
            )
