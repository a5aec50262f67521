"""Events of mediation (办理): the department's work, extension, the reply, closure, re-handling."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import AssistanceType, Disposition, MediationType, Opinion


class InvestigationRecorded(CaseEvent):
    """调查核实已记录."""

    event_type = "investigation_recorded"

    case_no: str
    department: str
    findings: str = Field(description="调查核实情况")
    investigators: list[str] = Field(default_factory=list)
    investigated_on: date
    round: int = 1


class MediationHeld(CaseEvent):
    """调解已进行 (Art 33): who took part and what was agreed."""

    event_type = "mediation_held"

    case_no: str
    department: str
    mediation_type: MediationType
    participants: list[str]
    agreed: bool = Field(description="达成调解协议")
    agreement: str = Field("", description="调解协议内容")
    held_on: date
    round: int = 1


class HearingHeld(CaseEvent):
    """听证已举行: for major or complex cases."""

    event_type = "hearing_held"

    case_no: str
    department: str
    participants: list[str]
    conclusion: str
    held_on: date
    round: int = 1


class AssistanceGranted(CaseEvent):
    """救助已落实: hardship, judicial or petition assistance, with the amount."""

    event_type = "assistance_granted"

    case_no: str
    department: str
    assistance_type: AssistanceType
    amount_fen: int = Field(description="金额, in fen (分)")
    approved_by: str
    granted_on: date
    round: int = 1


class ExtensionApproved(CaseEvent):
    """办理期限已延长 (Art 34): at most 30 days, approved by a named head, the reason told to the petitioner."""

    event_type = "extension_approved"

    case_no: str
    department: str
    days: int = Field(description="延长天数 (≤ 30)")
    approved_by: str = Field(description="批准的负责人")
    reason: str = Field(description="延期理由")
    notified_on: date = Field(description="告知信访人日期")
    approved_on: date
    round: int = 1


class CoHandlerOpinionSubmitted(CaseEvent):
    """协办意见已报送: a co-handler reported its opinion to the lead department (Art 24)."""

    event_type = "co_handler_opinion_submitted"

    case_no: str
    department: str = Field(description="协办单位")
    opinion: str
    submitted_on: date
    round: int = 1


class ReplyIssued(CaseEvent):
    """信访处理意见书已出具: the department answered the petitioner (Art 32)."""

    event_type = "reply_issued"

    case_no: str
    department: str
    opinion: Opinion = Field(description="处理意见: 支持 / 解释说明 / 不予支持")
    text: str = Field(description="处理意见书正文")
    replied_on: date = Field(description="答复日期")
    request: str = Field("", description="信访请求 as the reply states it")
    facts_and_reasons: str = Field("", description="事实和理由")
    legal_basis: str = Field("", description="法律政策依据")
    disposition: Disposition | None = Field(None, description="三到位一处置")
    round: int = Field(1, description="办理轮次; 2+ after an unsatisfied rating")


class CaseClosed(CaseEvent):
    """案件已办结: the department reported the case closed."""

    event_type = "case_closed"

    case_no: str
    department: str
    report: str = Field("", description="办结报告")
    closed_on: date = Field(description="办结日期")
    round: int = 1


class RehandlingStarted(CaseEvent):
    """重新办理已开始: a new round after an unsatisfied rating; the earlier round is kept."""

    event_type = "rehandling_started"

    case_no: str
    department: str
    round: int
    reason: str
    started_on: date
