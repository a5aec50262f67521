"""Intake's commands (xf.cmd.intake.*): their payloads, nothing else."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated
from uuid import UUID

from pydantic import Field

from events.vocabulary import Channel, ClaimRoute, Kind, LegalRoute, NotAcceptedReason
from services.intake.domain import DISTRICT_BUREAU
from services.runtime.commands import CaseCommand, Command, Payload
from services.runtime.notices import ServeNotice  # noqa: F401  (every service serves notices of its decisions)

Item = Annotated[str, Field(min_length=1, max_length=500)]


class Petitioner(Payload):
    """信访人; personal data stays in intake's encrypted store and never goes on the bus."""

    name: str = Field(min_length=1, max_length=100, description="姓名或单位名称")
    phone: str = Field("", max_length=40, description="联系电话")
    id_number: str = Field("", max_length=40, description="身份证号码")
    address: str = Field("", max_length=300, description="住址")


class RegisterPetition(Command):
    """登记信访事项: returns case id, number and query code."""

    name = "register"

    channel: Channel = Field(description="信访渠道")
    received_on: date | None = Field(None, description="来信/来访日期; default today; earlier allowed (补录)")
    received_by: str = Field(min_length=1, max_length=100, description="接访人/登记人")
    kind: Kind = Field(Kind.claim, description="信访事项类别")
    category: str = Field(min_length=1, description="问题分类 code")
    locality: str = Field(min_length=1, description="问题属地 unit code")
    petitioners: list[Petitioner] = Field(min_length=1, description="信访人")
    request: str = Field(min_length=1, max_length=5000, description="信访请求")
    facts: str = Field("", max_length=20000, description="事实和理由")
    collective: bool = Field(False, description="集体访 (also set when 5 or more petitioners)")
    repeat: bool = Field(False, description="重复信访 (also set when the matter already has a case)")
    office: str = Field(DISTRICT_BUREAU, min_length=1, description="受理机关 unit code; default 区信访局")
    representatives: int = Field(0, ge=0, description="多人走访推选的代表人数 (at most 5, Art 20)")
    skip_level: bool = Field(False, description="越级访: brought above the level the matter belongs to")
    guidance: str = Field(
        "", max_length=2000, description="越级走访的引导情况: 告知到有权处理的本级或上一级机关提出 (Art 20¶1, 47)"
    )
    related_case: UUID | None = Field(None, description="关联案件: an earlier case about the same matter")
    reported_unit: str = Field("", description="被反映单位 of a report (检举控告); never sees the report")
    cadre: str = Field(
        "", max_length=200, description="被反映干部 (姓名、职务) of a report about a cadre: 通报组织部门 (Art 30¶2)"
    )


class AcceptPetition(CaseCommand):
    """受理信访事项."""

    name = "accept"

    major: bool = Field(False, description="标记为重大案件 (领导包案)")
    new_facts: bool = Field(False, description="有新的事实和理由: accept a finalised matter again (Art 36)")
    claim_route: ClaimRoute = Field(
        ClaimRoute.opinion, description="申诉求决的办理方式: opinion 处理意见书 (Art 31(6)) | duty 依法履行或答复 (5)"
    )


class DeclinePetition(CaseCommand):
    """不予受理, with the reason told to the petitioner and any legal route."""

    name = "decline"

    reason: NotAcceptedReason = Field(description="不予受理理由")
    routed_to: LegalRoute | None = Field(None, description="导入的法定途径, with reason legal_procedure (Art 31, 22)")
    explanation: str = Field("", max_length=5000, description="告知内容")


class RequestMaterials(CaseCommand):
    """一次性告知补正材料: one notice listing everything missing."""

    name = "request_materials"

    items: list[Item] = Field(min_length=1, description="需补正的全部材料")


class SupplementMaterials(CaseCommand):
    """材料已补正."""

    name = "supplement_materials"

    items: list[Item] = Field(default_factory=list, description="补正的材料")


class MergePetition(CaseCommand):
    """重复信访: merge into the matter's open case."""

    name = "merge"

    into: UUID = Field(description="在办案件的案件ID")


class ReportUrgent(CaseCommand):
    """重大、紧急信访 (Art 25): report a matter that may have social impact to the 本级党委和政府, the next-level
    bureau and 国家信访局, and notify the competent departments and the joint conference office."""

    name = "report_urgent"

    summary: str = Field(min_length=1, max_length=5000, description="情况摘要")
    measures: str = Field("", max_length=5000, description="已采取的措施")
    departments: list[str] = Field(default_factory=list, description="通报的相关主管部门 codes")
    at: time | None = Field(None, description="报告时刻 HH:MM (北京时间); default now, required for an earlier day")
