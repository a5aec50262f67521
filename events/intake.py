"""Events of intake (受理): a petition registered, accepted or not accepted."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import Channel, Kind, NotAcceptedReason


class PetitionRegistered(CaseEvent):
    """信访事项已登记: a petition was registered from a channel; carries no petitioner identity."""

    event_type = "petition_registered"

    case_no: str = Field(description="信访件编号, the number staff and petitioners quote")
    channel: Channel = Field(description="信访渠道")
    received_on: date = Field(description="来信/来访日期; may be earlier than the entry date (补录)")
    received_by: str = Field(description="接访人 / 登记人")
    kind: Kind = Field(description="信访事项类别")
    category: str = Field(description="问题分类 code from the organisation's catalogue")
    locality: str = Field(description="问题属地 unit code")
    petitioner_count: int = Field(1, description="信访人数")
    collective: bool = Field(False, description="集体访")
    repeat: bool = Field(False, description="重复信访")
    request: str = Field(description="信访请求")
    facts: str = Field("", description="事实和理由")


class PetitionAccepted(CaseEvent):
    """信访事项已受理: the bureau accepted the petition; carries what routing needs."""

    event_type = "petition_accepted"

    case_no: str
    accepted_on: date = Field(description="受理日期")
    received_on: date
    kind: Kind
    category: str
    locality: str
    major: bool = Field(False, description="重大案件: collective, repeat or marked by staff; gets an owning leader")
    collective: bool = False
    repeat: bool = False


class PetitionNotAccepted(CaseEvent):
    """信访事项不予受理: the bureau declined the petition, with the reason."""

    event_type = "petition_not_accepted"

    case_no: str
    decided_on: date = Field(description="告知日期")
    reason: NotAcceptedReason = Field(description="不予受理理由")
    explanation: str = Field("", description="告知内容")
