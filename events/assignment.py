"""Events of assignment (交办): lead and co-handlers, objections, disputes, owning leader, task force, reviews."""

from datetime import date

from pydantic import BaseModel, Field

from events.base import CaseEvent
from events.fields import (
    CaseNo,
    Department,
    DepartmentName,
    Facts,
    Leader,
    LeaderName,
    Reason,
    Request,
    Risks,
    UnitCodes,
    UnitNames,
)
from events.vocabulary import CaseStatus, ClaimRoute, DisputeBody, Kind, Stage, TaskForceRole


class CaseAssigned(CaseEvent):
    """案件已交办: the case went to its lead department (and co-handlers), with an owning leader when major."""

    event_type = "case_assigned"
    effective = "assigned_on"
    status = CaseStatus.assigned

    case_no: CaseNo
    department: Department = Field(description="主办单位 code")
    department_name: DepartmentName = Field(description="主办单位名称")
    owning_leader: Leader = ""
    owning_leader_name: LeaderName = ""
    assigned_on: date = Field(title="交办日期")
    category: str = Field("", title="问题分类")
    locality: str = Field("", title="问题属地")
    co_handlers: UnitCodes = Field(default_factory=list)
    co_handler_names: UnitNames = Field(default_factory=list)
    first_unit: str = Field("", title="首办单位", description="the unit that first handled this matter (首办责任制)")
    first_unit_name: str = Field("", title="首办单位", description="首办单位名称")
    objection_due_on: date | None = Field(
        None, title="异议期限", description="set on the department's receipt (assignment_received), not here (Art 23¶3)"
    )
    risks: Risks = Field(default_factory=list)
    request: Request = ""
    facts: Facts = ""


class AssignmentReceived(CaseEvent):
    """交办已收到: the day the 交办 reached a department, from which its objection and notice limits run (Art 23¶3)."""

    event_type = "assignment_received"
    effective = "received_on"

    case_no: CaseNo
    department: Department = Field(description="收到交办的单位 code")
    department_name: DepartmentName = ""
    lead: bool = Field(True, title="主办单位", description="the lead, or a co-handler with its own objection window")
    received_on: date = Field(title="收到日期", description="签收 or the recorded receipt of the 交办")
    by_acknowledgement: bool = Field(
        False, title="以签收为收到", description="no receipt was recorded before 签收, so the 签收 day is the receipt"
    )
    objection_due_on: date | None = Field(
        None,
        title="异议期限",
        description="5 working days from receipt (Art 23¶3); none after 签收 or a decided dispute",
    )
    notice_due_on: date | None = Field(
        None, title="接收情况告知期限", description="15 days from the lead's receipt (Art 23¶3); none for a co-handler"
    )


class CaseAcknowledged(CaseEvent):
    """案件已签收: the lead department acknowledged the case and named its handler."""

    event_type = "case_acknowledged"
    effective = "acknowledged_on"
    status = CaseStatus.handling

    case_no: CaseNo
    department: Department = Field(description="签收单位 code")
    handler: str = Field("", title="承办人", description="直接承办人")
    acknowledged_on: date = Field(title="签收日期")
    major: bool = Field(False, title="重大案件", description="hearings are for major or complex cases")
    accepted_on: date | None = Field(None, title="受理日期", description="from which the handling limit runs")
    co_handlers: UnitCodes = Field(default_factory=list, description="协办单位 codes that report to the lead")
    request: Request = ""
    facts: Facts = ""
    kind: Kind = Field(Kind.claim, title="类别", description="how the matter is answered (Art 29-31)")
    claim_route: ClaimRoute | None = Field(None, title="办理方式", description="of a claim (Art 31); none: (6)")


class ObjectionFiled(CaseEvent):
    """交办异议已提出: a department objects to the assignment, with reasons (Art 23)."""

    event_type = "objection_filed"
    effective = "filed_on"
    status = CaseStatus.objected

    case_no: CaseNo
    department: Department = Field(description="提出异议的单位")
    reasons: Reason = Field(description="异议理由")
    proposed_department: str = Field("", title="建议单位", description="the unit the objector says is responsible")
    filed_on: date = Field(title="提出日期")


class ObjectionRefused(CaseEvent):
    """交办异议不予采纳: the bureau refused the objection; the case stays."""

    event_type = "objection_refused"
    effective = "decided_on"
    status = CaseStatus.assigned

    case_no: CaseNo
    department: Department
    reason: Reason = Field(description="不予采纳理由")
    decided_on: date = Field(title="决定日期")


class CaseReassigned(CaseEvent):
    """案件已改派: the case moved to another lead department, by the bureau, a common superior or the conference."""

    event_type = "case_reassigned"
    effective = "decided_on"
    status = CaseStatus.reassigned

    case_no: CaseNo
    from_department: str = Field(title="原主办单位")
    department: Department = Field(description="新的主办单位 code")
    department_name: DepartmentName
    co_handlers: UnitCodes = Field(default_factory=list)
    co_handler_names: UnitNames = Field(default_factory=list)
    reason: Reason = Field(description="改派理由")
    decided_by: str = Field(title="决定者", description="信访部门, the common superior's code, or 联席会议")
    decided_on: date = Field(title="决定日期")
    objection_due_on: date | None = Field(
        None, title="异议期限", description="set on the new lead's receipt (assignment_received), not here (Art 23¶3)"
    )
    final: bool = Field(False, title="终局裁定", description="decided on a dispute (Art 24): no further objection")
    owning_leader: Leader = ""
    owning_leader_name: LeaderName = ""


class DisputeReferred(CaseEvent):
    """交办争议已提请: two departments dispute a case; their common superior, else the joint conference, decides."""

    event_type = "dispute_referred"
    effective = "referred_on"
    status = CaseStatus.disputed

    case_no: CaseNo
    departments: list[str] = Field(title="争议单位")
    body: DisputeBody = Field(title="决定机关")
    body_unit: str = Field("", title="机关", description="共同上级 code; empty for the joint conference")
    body_name: str = Field(title="机关名称")
    referred_on: date = Field(title="提交日期")


class DisputeSettled(CaseEvent):
    """交办争议已裁定: the deciding body named the responsible department."""

    event_type = "dispute_settled"
    effective = "decided_on"
    status = CaseStatus.assigned

    case_no: CaseNo
    body: DisputeBody = Field(title="决定机关")
    body_unit: str = Field("", title="机关")
    department: Department = Field(description="裁定的主办单位")
    reason: Reason = Field(description="裁定理由")
    decided_on: date = Field(title="决定日期")


class OwningLeaderNamed(CaseEvent):
    """包案领导已明确: a case became major after assignment (marked, long-pending) and got its owning leader."""

    event_type = "owning_leader_named"
    effective = "named_on"

    case_no: CaseNo
    owning_leader: Leader
    owning_leader_name: LeaderName
    risks: Risks = Field(default_factory=list)
    named_on: date = Field(title="确定日期")


class TaskForceMember(BaseModel):
    """专班成员."""

    role: TaskForceRole = Field(title="角色")
    name: str = Field(title="姓名")
    unit: str = Field("", title="单位")


class TaskForceFormed(CaseEvent):
    """工作专班已组建 (七包一): one task force per major case."""

    event_type = "task_force_formed"
    effective = "formed_on"

    case_no: CaseNo
    members: list[TaskForceMember] = Field(title="专班成员")
    formed_on: date = Field(title="成立日期")


class ReviewAssigned(CaseEvent):
    """复查/复核已交办: the review goes to the next level up."""

    event_type = "review_assigned"
    effective = "assigned_on"
    status = CaseStatus.under_review

    case_no: CaseNo
    stage: Stage = Field(title="阶段")
    body: str = Field(title="复查复核机关", description="复查/复核机关 code")
    body_name: str = Field(title="机关名称")
    assigned_on: date = Field(title="交办日期")

    def case_status(self) -> CaseStatus:
        return CaseStatus.under_review if self.stage == Stage.review else CaseStatus.under_re_review
