"""Events of assignment (交办): a case assigned to its lead department and acknowledged."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent


class CaseAssigned(CaseEvent):
    """案件已交办: the case went to its lead department, with an owning leader when major."""

    event_type = "case_assigned"

    case_no: str
    department: str = Field(description="主办单位 code")
    department_name: str = Field(description="主办单位名称")
    owning_leader: str = Field("", description="包案领导 id; empty unless the case is major")
    owning_leader_name: str = Field("", description="包案领导姓名")
    assigned_on: date = Field(description="交办日期")
    category: str = ""
    locality: str = ""


class CaseAcknowledged(CaseEvent):
    """案件已签收: the lead department acknowledged the case and named its handler."""

    event_type = "case_acknowledged"

    case_no: str
    department: str = Field(description="签收单位 code")
    handler: str = Field("", description="直接承办人")
    acknowledged_on: date = Field(description="签收日期")
