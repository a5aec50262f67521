"""Assignment's commands (xf.cmd.assignment.*): their payloads, nothing else."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field, StringConstraints

from events.assignment import TaskForceMember
from services.runtime.commands import CaseCommand
from services.runtime.notices import ServeNotice  # noqa: F401  (every service serves notices of its decisions)

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]


class Member(TaskForceMember):
    """专班成员 as a command names one: the event's fields, and a field it does not know is refused."""

    model_config = ConfigDict(extra="forbid")


class ReceiveAssignment(CaseCommand):
    """收到交办: the lead or a co-handler records the day the 交办 reached it (its system, the 签收回执); its
    objection window and the lead's 接收情况告知 count from that day (Art 23¶3)."""

    name = "receive"
    for_departments = True

    department: str = Field(min_length=1, description="收到交办的单位 code (主办或协办)")


class AcknowledgeCase(CaseCommand):
    """签收: the lead department acknowledges the case and names its handler."""

    name = "acknowledge"
    for_departments = True

    department: str = Field(min_length=1, description="签收单位 code; must be the lead department")
    handler: str = Field("", max_length=100, description="直接承办人")


class FileObjection(CaseCommand):
    """交办异议 (Art 23¶3): the lead or a co-handler objects within 5 working days of its receipt, with reasons."""

    name = "object"
    for_departments = True

    department: str = Field(min_length=1, description="提出异议的单位 code (主办或协办)")
    reasons: Reason = Field(description="异议理由 (required)")
    proposed_department: str = Field("", description="异议单位认为应当负责的单位 code")


class DecideObjection(CaseCommand):
    """异议处理 (Art 23): the petition bureau agrees (reassign) or refuses (the case stays)."""

    name = "decide_objection"

    agree: bool = Field(description="true: 改派; false: 不予采纳")
    department: str = Field("", description="改派的主办单位 code; required when agreeing")
    co_handlers: list[str] | None = Field(None, description="改派后的协办单位 codes; omitted: keep the current ones")
    reason: Reason = Field(description="决定理由")


class ReferDispute(CaseCommand):
    """交办争议提请 (Art 24): to the common superior of the objector and the unit it names, else the conference."""

    name = "refer_dispute"


class SettleDispute(CaseCommand):
    """争议裁定 (Art 24): the deciding body names the responsible department."""

    name = "settle_dispute"

    department: str = Field(min_length=1, description="裁定的主办单位 code")
    reason: Reason = Field(description="裁定理由")
    by: str = Field(min_length=1, description="裁定机关: the common superior's code, or joint_conference")


class MarkMajor(CaseCommand):
    """列为重大案件: staff mark a case major; the lead's district leader owns it (领导包案)."""

    name = "mark_major"

    risk: Literal["marked", "stability"] = Field("marked", description="人工标记 | 稳定风险")
    reason: Reason = Field(description="理由")


class FormTaskForce(CaseCommand):
    """组建工作专班 (七包一) for a major case."""

    name = "form_task_force"

    members: list[Member] = Field(min_length=1, description="专班成员: role, name, unit")
