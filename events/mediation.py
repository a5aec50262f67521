"""Events of mediation (办理): the department's work, extension, the reply, closure, re-handling."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.fields import CaseNo, Department, Reason, Round
from events.vocabulary import Adoption, AssistanceType, CaseStatus, Disposition, MediationType, Opinion, Settlement


class InvestigationRecorded(CaseEvent):
    """调查核实已记录."""

    event_type = "investigation_recorded"
    effective = "investigated_on"

    case_no: CaseNo
    department: Department
    findings: str = Field(title="调查情况", description="调查核实情况")
    investigators: list[str] = Field(default_factory=list, title="调查人")
    investigated_on: date = Field(title="调查日期")
    round: Round = 1


class MediationHeld(CaseEvent):
    """调解已进行 (Art 33): mediated with both parties' consent, or settled by them; who took part, what was agreed."""

    event_type = "mediation_held"
    effective = "held_on"

    case_no: CaseNo
    department: Department
    mediation_type: MediationType | None = Field(
        None, title="调解方式", description="人民/行政/司法调解; none for 和解"
    )
    participants: list[str] = Field(title="参加人")
    agreed: bool = Field(title="达成协议", description="达成一致意见")
    agreement: str = Field("", title="协议书", description="调解协议书 or 和解协议书: what was agreed")
    form: Settlement = Field(Settlement.mediation, title="方式", description="调解 or 和解 (Art 33)")
    consented: bool = Field(False, title="双方同意", description="both parties consented to the mediation (Art 33)")
    held_on: date = Field(title="调解日期")
    round: Round = 1


class HearingHeld(CaseEvent):
    """听证已举行: for major or complex cases."""

    event_type = "hearing_held"
    effective = "held_on"

    case_no: CaseNo
    department: Department
    participants: list[str] = Field(title="参加人")
    conclusion: str = Field(title="听证结论")
    held_on: date = Field(title="听证日期")
    round: Round = 1


class AssistanceGranted(CaseEvent):
    """救助已落实: hardship, judicial or petition assistance, with the amount."""

    event_type = "assistance_granted"
    effective = "granted_on"

    case_no: CaseNo
    department: Department
    assistance_type: AssistanceType = Field(title="救助类别")
    amount_fen: int = Field(title="救助金额(分)", description="in fen (分)")
    approved_by: str = Field(title="批准人")
    granted_on: date = Field(title="救助日期")
    round: Round = 1


class ExtensionApproved(CaseEvent):
    """办理期限已延长 (Art 34): at most 30 days, approved by a named head, the reason told to the petitioner."""

    event_type = "extension_approved"
    effective = "approved_on"

    case_no: CaseNo
    department: Department
    days: int = Field(title="延长天数", description="≤ 30")
    approved_by: str = Field(title="批准人", description="批准的负责人")
    reason: Reason = Field(description="延期理由")
    notified_on: date = Field(title="告知日期", description="告知信访人日期")
    approved_on: date = Field(title="批准日期")
    round: Round = 1


class CoHandlerOpinionSubmitted(CaseEvent):
    """协办意见已报送: a co-handler reported its opinion to the lead department (主办/协办)."""

    event_type = "co_handler_opinion_submitted"
    effective = "submitted_on"

    case_no: CaseNo
    department: Department = Field(description="协办单位")
    opinion: str = Field(title="协办意见")
    submitted_on: date = Field(title="报送日期")
    round: Round = 1


class ReplyIssued(CaseEvent):
    """信访处理意见书已出具: the department answered the petitioner (Art 32)."""

    event_type = "reply_issued"
    effective = "replied_on"
    status = CaseStatus.replied

    case_no: CaseNo
    department: Department
    opinion: Opinion = Field(title="处理意见", description="支持 / 解释说明 / 不予支持")
    text: str = Field(title="正文", description="处理意见书正文")
    replied_on: date = Field(title="答复日期")
    request: str = Field("", title="信访请求", description="the request as the reply states it")
    facts_and_reasons: str = Field("", title="事实和理由")
    legal_basis: str = Field("", title="法律政策依据")
    disposition: Disposition | None = Field(None, title="处置方式", description="三到位一处置")
    round: Round = 1


class ExecutionCarriedOut(CaseEvent):
    """支持意见已执行 (Art 32¶2): the department records the supported opinion carried out; 督促执行 ends."""

    event_type = "execution_carried_out"
    effective = "carried_out_on"

    case_no: CaseNo
    department: Department
    result: str = Field(title="执行情况", description="what was done to carry out the supported opinion")
    carried_out_on: date = Field(title="执行日期")
    round: Round = 1


class SuggestionAnswered(CaseEvent):
    """建议意见已回复 (Art 29): studied, adopted, partly or not, and answered; a contribution may be rewarded."""

    event_type = "suggestion_answered"
    effective = "answered_on"
    status = CaseStatus.replied

    case_no: CaseNo
    department: Department
    adoption: Adoption = Field(title="采纳情况")
    text: str = Field(title="回复内容")
    reward: str = Field("", title="奖励", description="按照有关规定给予的奖励 (Art 29¶2); empty if none")
    answered_on: date = Field(title="回复日期")
    round: Round = 1


class DutyAnswered(CaseEvent):
    """已依法履行或者答复 (Art 31(5)): a request to stop unlawful acts or protect rights, met by duty or reply."""

    event_type = "duty_answered"
    effective = "answered_on"
    status = CaseStatus.replied

    case_no: CaseNo
    department: Department
    performed: bool = Field(title="已依法履行", description="the duty was performed; otherwise answered (答复)")
    text: str = Field(title="履行情况或答复")
    answered_on: date = Field(title="答复日期")
    round: Round = 1


class ReportFedBack(CaseEvent):
    """检举控告已反馈 (Art 30): handled by the discipline body's own rules; its content stays in its records."""

    event_type = "report_fed_back"
    effective = "fed_back_on"
    status = CaseStatus.replied

    case_no: CaseNo
    department: Department
    record_no: str = Field(title="案卷号", description="the discipline body's own record of the report")
    fed_back_on: date = Field(title="反馈日期")
    round: Round = 1


class CaseClosed(CaseEvent):
    """案件已办结: the department reported the case closed."""

    event_type = "case_closed"
    effective = "closed_on"
    status = CaseStatus.closed

    case_no: CaseNo
    department: Department
    report: str = Field("", title="办结报告")
    closed_on: date = Field(title="办结日期")
    round: Round = 1


class RehandlingStarted(CaseEvent):
    """重新办理已开始: a new round after an unsatisfied rating; the earlier round is kept."""

    event_type = "rehandling_started"
    effective = "started_on"
    status = CaseStatus.handling

    case_no: CaseNo
    department: Department
    round: Round
    reason: Reason
    started_on: date = Field(title="开始日期")


class HandlerRecused(CaseEvent):
    """承办人已回避 (Art 28¶3): a handler with a direct interest in the matter or the petitioner withdrew."""

    event_type = "handler_recused"
    effective = "recused_on"

    case_no: CaseNo
    department: Department
    handler: str = Field(title="回避人", description="the handler who withdrew")
    reason: Reason = Field(description="利害关系")
    new_handler: str = Field(title="新承办人", description="who handles the case from now on")
    recused_on: date = Field(title="回避日期")
    round: Round = 1
