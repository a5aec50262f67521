"""Events of intake (受理): registration, the materials notice, and the acceptance decision."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from events.base import CaseEvent
from events.fields import CaseNo, Facts, Request, Risks
from events.vocabulary import (
    CaseStatus,
    Channel,
    ClaimRoute,
    Kind,
    LegalRoute,
    NotAcceptedReason,
    UrgentRecipientRole,
)


class PetitionRegistered(CaseEvent):
    """信访事项已登记: a petition was registered from a channel; carries no petitioner identity."""

    event_type = "petition_registered"
    effective = "received_on"
    status = CaseStatus.registered

    case_no: CaseNo
    channel: Channel = Field(title="渠道", description="信访渠道 (Art 17)")
    received_on: date = Field(title="来信来访日期", description="may be earlier than the entry date (补录)")
    received_by: str = Field(title="接访人", description="接访人 / 登记人 (谁接访)")
    kind: Kind = Field(title="类别", description="信访事项类别 (Art 29-31)")
    category: str = Field(title="问题分类", description="category code from the organisation's catalogue")
    locality: str = Field(title="问题属地", description="unit code of where the matter arose")
    petitioner_count: int = Field(1, title="信访人数")
    collective: bool = Field(False, title="集体访")
    repeat: bool = Field(False, title="重复访")
    request: Request
    facts: Facts = ""
    entered_on: date | None = Field(None, title="登记日期", description="later than received_on when 补录")
    office: str = Field("", title="受理机关", description="unit code of the petition office that received it")
    representatives: int = Field(0, title="代表人数", description="走访代表人数 of a group visit (at most 5, Art 20)")
    skip_level: bool = Field(False, title="越级访", description="brought to a higher level than the matter belongs to")
    related_case: str = Field("", title="关联案件", description="case id of an earlier case about the same matter")
    withheld: bool = Field(False, title="内容另行保管", description="检举控告: request, facts, reporter stay in intake")
    reported_unit: str = Field("", title="被反映单位", description="the unit a report is about; it never sees it")
    guidance: str = Field("", title="引导情况", description="越级走访: where the petitioner was told to go (Art 20¶1)")
    recorded_as_told: bool = Field(
        False, title="口头信访如实记录", description="made orally and recorded as told (Art 19¶1)"
    )
    petitioner_key: str = Field(
        "",
        title="信访人标识",
        description="who petitions, as a keyed hash (HMAC): repeat petitioners seen without a name; none for a report",
    )
    about_cadre: bool = Field(
        False, title="反映干部问题", description="a report naming a cadre; who it is stays in intake (Art 30¶2)"
    )
    tracking_key: str = Field(
        "", title="查询码索引", description="SHA-256 of the 查询码: how the tracking view finds the case"
    )
    secret_hash: str = Field(
        "", title="查询密码摘要", description="salted scrypt hash of the 查询密码; empty before secrets were issued"
    )


class MaterialsRequested(CaseEvent):
    """已一次性告知补正材料: one notice listing everything missing (the 15 days pause only under a local rule)."""

    event_type = "materials_requested"
    effective = "requested_on"
    status = CaseStatus.materials_requested

    case_no: CaseNo
    items: list[str] = Field(title="材料", description="需补正的全部材料")
    requested_on: date = Field(title="告知日期")


class MaterialsSupplemented(CaseEvent):
    """材料已补正: the petitioner supplied what the notice listed; the acceptance clock resumes."""

    event_type = "materials_supplemented"
    effective = "supplemented_on"
    status = CaseStatus.materials_supplemented

    case_no: CaseNo
    items: list[str] = Field(default_factory=list, title="材料", description="补正的材料")
    supplemented_on: date = Field(title="补正日期")


class PetitionAccepted(CaseEvent):
    """信访事项已受理: the bureau accepted the petition; carries what routing needs."""

    event_type = "petition_accepted"
    effective = "accepted_on"
    status = CaseStatus.accepted

    case_no: CaseNo
    accepted_on: date = Field(title="受理日期")
    received_on: date = Field(title="来信来访日期")
    kind: Kind = Field(title="类别")
    category: str = Field(title="问题分类")
    locality: str = Field(title="问题属地")
    major: bool = Field(False, title="重大案件", description="gets an owning leader and a task force")
    collective: bool = Field(False, title="集体访")
    repeat: bool = Field(False, title="重复访")
    skip_level: bool = Field(False, title="越级访")
    risks: Risks = Field(default_factory=list)
    related_case: str = Field(
        "", title="关联案件", description="the matter's earlier case: 首办责任 stays with its unit"
    )
    office: str = Field("", title="受理机关")
    reported_unit: str = Field("", title="被反映单位", description="of a report: never assigned to it")
    request: Request = ""
    facts: Facts = ""
    claim_route: ClaimRoute | None = Field(
        None, title="办理方式", description="of a claim: Art 31(5) 依法履行或者答复, else (6) 处理意见书"
    )


class CadreReportNotified(CaseEvent):
    """反映干部问题已通报组织部门: a report about a cadre, told without its reporter or content (Art 30¶2, ¶3)."""

    event_type = "cadre_report_notified"
    effective = "notified_on"

    case_no: CaseNo
    department: str = Field(title="组织（人事）部门", description="unit code from the organisation file")
    department_name: str = Field(title="组织（人事）部门名称")
    notified_on: date = Field(title="通报日期")
    escalated: bool = Field(
        False, title="重大情况报送", description="重大情况 also to the party secretary and the organisation's leader"
    )


class PetitionNotAccepted(CaseEvent):
    """信访事项不予受理: the bureau declined the petition, with the reason and, where due, the legal route."""

    event_type = "petition_not_accepted"
    effective = "decided_on"
    status = CaseStatus.not_accepted

    case_no: CaseNo
    decided_on: date = Field(title="告知日期")
    reason: NotAcceptedReason = Field(title="不予受理理由")
    explanation: str = Field("", title="告知内容")
    routed_to: LegalRoute | None = Field(
        None, title="导入途径", description="法定途径 when the reason is legal_procedure"
    )
    related_case: str = Field("", title="关联案件", description="the case that makes it finalised or accepted below")


class PetitionMerged(CaseEvent):
    """重复信访已合并: the petition repeats an open case's matter and is linked to it, not opened again."""

    event_type = "petition_merged"
    effective = "merged_on"
    status = CaseStatus.merged

    case_no: CaseNo
    merged_into: str = Field(title="并入案件ID", description="case id of the open case")
    merged_into_no: str = Field(title="并入案件", description="信访件编号 of the open case")
    merged_on: date = Field(title="合并日期", description="告知日期")


class UrgentRecipient(BaseModel):
    """One body a 重大、紧急 matter was reported or notified to (Art 25)."""

    role: UrgentRecipientRole = Field(title="报告对象类别")
    code: str = Field(title="单位编码")
    name: str = Field(title="单位名称")


class UrgentMatterReported(CaseEvent):
    """重大紧急信访已报告 (Art 25): a matter that may have social impact was reported at a time to named bodies."""

    event_type = "urgent_matter_reported"
    effective = "reported_on"

    case_no: CaseNo
    reported_at: datetime = Field(title="报告时间", description="the moment it was reported, office time (UTC+8)")
    reported_on: date = Field(title="报告日期")
    summary: str = Field(title="情况摘要", description="what is happening, as reported")
    measures: str = Field("", title="已采取措施", description="在职责范围内依法及时采取的措施")
    recipients: list[UrgentRecipient] = Field(default_factory=list, title="报告对象")
    sequence: int = Field(1, title="报告次序", description="1 首报; 2 and later 续报")
