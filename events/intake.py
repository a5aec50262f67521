"""Events of intake (受理): registration, the materials notice, and the acceptance decision."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import Channel, Kind, LegalRoute, NotAcceptedReason


class PetitionRegistered(CaseEvent):
    """信访事项已登记: a petition was registered from a channel; carries no petitioner identity."""

    event_type = "petition_registered"

    case_no: str = Field(description="信访件编号, the number staff and petitioners quote")
    channel: Channel = Field(description="信访渠道")
    received_on: date = Field(description="来信/来访日期; may be earlier than the entry date (补录)")
    received_by: str = Field(description="接访人 / 登记人 (谁接访)")
    kind: Kind = Field(description="信访事项类别")
    category: str = Field(description="问题分类 code from the organisation's catalogue")
    locality: str = Field(description="问题属地 unit code")
    petitioner_count: int = Field(1, description="信访人数")
    collective: bool = Field(False, description="集体访")
    repeat: bool = Field(False, description="重复信访")
    request: str = Field(description="信访请求; empty for a report (检举控告), whose content is held apart")
    facts: str = Field("", description="事实和理由; empty for a report")
    entered_on: date | None = Field(None, description="登记日期 (the entry date; later than received_on when 补录)")
    office: str = Field("", description="受理机关: unit code of the petition office that received it")
    representatives: int = Field(0, description="走访代表人数 of a group visit (at most 5, Art 20)")
    skip_level: bool = Field(False, description="越级访: brought to a higher level than the matter belongs to")
    related_case: str = Field("", description="关联案件: case id of an earlier case about the same matter")
    withheld: bool = Field(False, description="检举控告: request, facts and reporter are held in intake only")
    reported_unit: str = Field("", description="被反映单位 of a report; the report never reaches it")


class MaterialsRequested(CaseEvent):
    """已一次性告知补正材料: one notice listing everything missing; the acceptance clock pauses."""

    event_type = "materials_requested"

    case_no: str
    items: list[str] = Field(description="需补正的全部材料")
    requested_on: date = Field(description="告知日期")


class MaterialsSupplemented(CaseEvent):
    """材料已补正: the petitioner supplied what the notice listed; the acceptance clock resumes."""

    event_type = "materials_supplemented"

    case_no: str
    items: list[str] = Field(default_factory=list, description="补正的材料")
    supplemented_on: date = Field(description="补正日期")


class PetitionAccepted(CaseEvent):
    """信访事项已受理: the bureau accepted the petition; carries what routing needs."""

    event_type = "petition_accepted"

    case_no: str
    accepted_on: date = Field(description="受理日期")
    received_on: date
    kind: Kind
    category: str
    locality: str
    major: bool = Field(False, description="重大案件: gets an owning leader and a task force")
    collective: bool = False
    repeat: bool = False
    skip_level: bool = False
    risks: list[str] = Field(default_factory=list, description="风险标识 (Risk values) that make it major")
    related_case: str = Field("", description="关联的前案 case id: 首办责任 stays with its first unit")
    office: str = ""
    reported_unit: str = Field("", description="被反映单位 of a report: never assigned to it")
    request: str = Field("", description="信访请求, for the department's work and its reply; empty for a report")
    facts: str = Field("", description="事实和理由; empty for a report")


class PetitionNotAccepted(CaseEvent):
    """信访事项不予受理: the bureau declined the petition, with the reason and, where due, the legal route."""

    event_type = "petition_not_accepted"

    case_no: str
    decided_on: date = Field(description="告知日期")
    reason: NotAcceptedReason = Field(description="不予受理理由")
    explanation: str = Field("", description="告知内容")
    routed_to: LegalRoute | None = Field(None, description="导入的法定途径 when the reason is legal_procedure")
    related_case: str = Field("", description="the earlier case that makes it finalised or accepted below")


class PetitionMerged(CaseEvent):
    """重复信访已合并: the petition repeats an open case's matter and is linked to it, not opened again."""

    event_type = "petition_merged"

    case_no: str
    merged_into: str = Field(description="case id of the open case")
    merged_into_no: str = Field(description="信访件编号 of the open case")
    merged_on: date = Field(description="告知日期")
