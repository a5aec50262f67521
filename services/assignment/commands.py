"""Assignment's staff commands (xf.cmd.assignment.*)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, Field, StringConstraints

from events.assignment import TaskForceMember
from services.runtime.effective import EffectiveOn

if TYPE_CHECKING:
    from services.assignment.application import AssignmentApplication
    from services.runtime.commands import CommandRoutes

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Actor = Annotated[str, Field(max_length=100, description="经办人")]


class AcknowledgeCase(BaseModel):
    """签收: the lead department takes the case and names its handler."""

    case_id: UUID
    department: str = Field(min_length=1, description="签收单位 code; must be the lead department")
    handler: str = Field("", max_length=100, description="直接承办人")
    on: EffectiveOn = None
    actor: Actor = ""


class FileObjection(BaseModel):
    """交办异议 (Art 23): the lead or a co-handler objects within 5 working days, with reasons."""

    case_id: UUID
    department: str = Field(min_length=1, description="提出异议的单位 code (主办或协办)")
    reasons: Reason = Field(description="异议理由 (required)")
    proposed_department: str = Field("", description="异议单位认为应当负责的单位 code")
    on: EffectiveOn = None
    actor: Actor = ""


class DecideObjection(BaseModel):
    """异议处理: the petition bureau agrees (reassign) or refuses (the case stays)."""

    case_id: UUID
    agree: bool = Field(description="true: 改派; false: 不予采纳")
    department: str = Field("", description="改派的主办单位 code; required when agreeing")
    co_handlers: list[str] | None = Field(None, description="改派后的协办单位 codes; omitted: keep the current ones")
    reason: Reason = Field(description="决定理由")
    on: EffectiveOn = None
    actor: Actor = ""


class ReferDispute(BaseModel):
    """交办争议提请 (Art 24): to the common superior of the objector and the unit it names, else the conference."""

    case_id: UUID
    on: EffectiveOn = None
    actor: Actor = ""


class SettleDispute(BaseModel):
    """争议裁定 (Art 24): the deciding body names the responsible department."""

    case_id: UUID
    department: str = Field(min_length=1, description="裁定的主办单位 code")
    reason: Reason = Field(description="裁定理由")
    by: str = Field(min_length=1, description="裁定机关: the common superior's code, or joint_conference")
    on: EffectiveOn = None
    actor: Actor = ""


class MarkMajor(BaseModel):
    """列为重大案件: staff mark a case major; the lead's district leader owns it (领导包案)."""

    case_id: UUID
    risk: Literal["marked", "stability"] = Field("marked", description="人工标记 | 稳定风险")
    reason: Reason = Field(description="理由")
    on: EffectiveOn = None
    actor: Actor = ""


class FormTaskForce(BaseModel):
    """组建工作专班 (七包一) for a major case."""

    case_id: UUID
    members: list[TaskForceMember] = Field(min_length=1, description="专班成员: role, name, unit")
    on: EffectiveOn = None
    actor: Actor = ""


def register_commands(app: AssignmentApplication, routes: CommandRoutes) -> None:
    routes.add("acknowledge", AcknowledgeCase, app.acknowledge, "签收: the lead department acknowledges the case")
    routes.add("object", FileObjection, app.object, "交办异议: a department objects within 5 working days (Art 23)")
    routes.add("decide_objection", DecideObjection, app.decide_objection, "异议处理: reassign or refuse (Art 23)")
    routes.add("refer_dispute", ReferDispute, app.refer_dispute, "争议提请: common superior or conference (Art 24)")
    routes.add("settle_dispute", SettleDispute, app.settle_dispute, "争议裁定: the deciding body decides (Art 24)")
    routes.add("mark_major", MarkMajor, app.mark_major, "列为重大: name the owning leader (领导包案)")
    routes.add("form_task_force", FormTaskForce, app.form_task_force, "组建专班: the task force of a major case")
