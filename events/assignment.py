"""Events of assignment (交办): lead and co-handlers, objections, disputes, owning leader, task force, reviews."""

from datetime import date

from pydantic import BaseModel, Field

from events.base import CaseEvent
from events.vocabulary import DisputeBody, Stage, TaskForceRole


class CaseAssigned(CaseEvent):
    """案件已交办: the case went to its lead department (and co-handlers), with an owning leader when major."""

    event_type = "case_assigned"

    case_no: str
    department: str = Field(description="主办单位 code")
    department_name: str = Field(description="主办单位名称")
    owning_leader: str = Field("", description="包案领导 id; empty unless the case is major")
    owning_leader_name: str = Field("", description="包案领导姓名")
    assigned_on: date = Field(description="交办日期")
    category: str = ""
    locality: str = ""
    co_handlers: list[str] = Field(default_factory=list, description="协办单位 codes (Art 24)")
    co_handler_names: list[str] = Field(default_factory=list, description="协办单位名称")
    first_unit: str = Field("", description="首办单位: the unit that first handled this matter (首办责任制)")
    first_unit_name: str = ""
    objection_due_on: date | None = Field(None, description="异议期限: 5 working days from assignment (Art 23)")
    risks: list[str] = Field(default_factory=list, description="风险标识")
    request: str = Field("", description="信访请求, for the department's work and its reply; empty for a report")
    facts: str = Field("", description="事实和理由; empty for a report")


class CaseAcknowledged(CaseEvent):
    """案件已签收: the lead department acknowledged the case and named its handler."""

    event_type = "case_acknowledged"

    case_no: str
    department: str = Field(description="签收单位 code")
    handler: str = Field("", description="直接承办人")
    acknowledged_on: date = Field(description="签收日期")
    major: bool = Field(False, description="重大案件 (hearings are for major or complex cases)")
    accepted_on: date | None = Field(None, description="受理日期, from which the handling limit runs")
    co_handlers: list[str] = Field(default_factory=list, description="协办单位 codes that report to the lead")
    request: str = Field("", description="信访请求, for the department's work and its reply; empty for a report")
    facts: str = Field("", description="事实和理由; empty for a report")


class ObjectionFiled(CaseEvent):
    """交办异议已提出: a department objects to the assignment, with reasons (Art 23)."""

    event_type = "objection_filed"

    case_no: str
    department: str = Field(description="提出异议的单位")
    reasons: str = Field(description="异议理由")
    proposed_department: str = Field("", description="the unit the objector says is responsible")
    filed_on: date


class ObjectionRefused(CaseEvent):
    """交办异议不予采纳: the bureau refused the objection; the case stays."""

    event_type = "objection_refused"

    case_no: str
    department: str
    reason: str = Field(description="不予采纳理由")
    decided_on: date


class CaseReassigned(CaseEvent):
    """案件已改派: the case moved to another lead department, by the bureau, a common superior or the conference."""

    event_type = "case_reassigned"

    case_no: str
    from_department: str
    department: str
    department_name: str
    co_handlers: list[str] = Field(default_factory=list)
    co_handler_names: list[str] = Field(default_factory=list)
    reason: str = Field(description="改派理由")
    decided_by: str = Field(description="决定者: 信访部门, the common superior's code, or 联席会议")
    decided_on: date
    objection_due_on: date | None = None
    owning_leader: str = ""
    owning_leader_name: str = ""


class DisputeReferred(CaseEvent):
    """交办争议已提请: two departments dispute a case; their common superior, else the joint conference, decides."""

    event_type = "dispute_referred"

    case_no: str
    departments: list[str] = Field(description="争议单位")
    body: DisputeBody
    body_unit: str = Field("", description="共同上级 code; empty for the joint conference")
    body_name: str
    referred_on: date


class DisputeSettled(CaseEvent):
    """交办争议已裁定: the deciding body named the responsible department."""

    event_type = "dispute_settled"

    case_no: str
    body: DisputeBody
    body_unit: str = ""
    department: str = Field(description="裁定的主办单位")
    reason: str
    decided_on: date


class OwningLeaderNamed(CaseEvent):
    """包案领导已明确: a case became major after assignment (marked, long-pending) and got its owning leader."""

    event_type = "owning_leader_named"

    case_no: str
    owning_leader: str
    owning_leader_name: str
    risks: list[str] = Field(default_factory=list)
    named_on: date


class TaskForceMember(BaseModel):
    """专班成员."""

    role: TaskForceRole
    name: str
    unit: str = ""


class TaskForceFormed(CaseEvent):
    """工作专班已组建 (七包一): one task force per major case."""

    event_type = "task_force_formed"

    case_no: str
    members: list[TaskForceMember]
    formed_on: date


class ReviewAssigned(CaseEvent):
    """复查/复核已交办: the review goes to the next level up."""

    event_type = "review_assigned"

    case_no: str
    stage: Stage
    body: str = Field(description="复查/复核机关 code")
    body_name: str
    assigned_on: date
