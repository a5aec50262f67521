"""Mediation's commands (xf.cmd.mediation.*): their payloads, nothing else."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.vocabulary import Adoption, AssistanceType, Disposition, MediationType, Opinion, Settlement
from services.runtime.commands import CaseCommand
from services.runtime.notices import ServeNotice  # noqa: F401  (every service serves notices of its decisions)


class RecordInvestigation(CaseCommand):
    """记录调查核实."""

    name = "record_investigation"
    for_departments = True

    findings: str = Field(min_length=1, max_length=20000, description="调查核实情况")
    investigators: list[str] = Field(default_factory=list, description="调查人员")


class RecordMediation(CaseCommand):
    """记录调解 (Art 33, with the parties' consent; 人民/行政/司法调解, Art 37¶1): type, parties, agreement."""

    name = "record_mediation"
    for_departments = True

    form: Settlement = Field(Settlement.mediation, description="调解 (mediation) | 和解 (reconciliation) (Art 33)")
    mediation_type: MediationType | None = Field(None, description="行政调解 / 司法调解 / 人民调解; none for 和解")
    participants: list[str] = Field(default_factory=list, description="参加调解的各方 (at least two)")
    consented: bool = Field(False, description="争议双方当事人同意调解 / 自愿和解 (Art 33, required)")
    agreed: bool = Field(False, description="达成一致意见")
    agreement: str = Field("", max_length=20000, description="调解协议书 / 和解协议书的内容")


class RecordHearing(CaseCommand):
    """记录听证: for major or complex cases."""

    name = "record_hearing"
    for_departments = True

    participants: list[str] = Field(default_factory=list, description="听证参加人")
    conclusion: str = Field(min_length=1, max_length=20000, description="听证结论")
    complex: bool = Field(False, description="复杂疑难案件")


class GrantAssistance(CaseCommand):
    """落实救助: hardship, judicial or petition assistance."""

    name = "grant_assistance"
    for_departments = True

    assistance_type: AssistanceType = Field(description="帮扶救助 / 司法救助 / 信访救助")
    amount_fen: int = Field(description="金额, in fen (分)")
    approved_by: str = Field("", max_length=100, description="批准人")


class ApproveExtension(CaseCommand):
    """批准延期 (Art 34): at most 30 days, by a named head, the reason told to the petitioner."""

    name = "approve_extension"
    for_departments = True

    days: int = Field(description="延长天数 (1–30)")
    approved_by: str = Field("", max_length=100, description="批准的负责人")
    reason: str = Field("", max_length=2000, description="延期理由")
    notified_on: date | None = Field(None, description="延期理由告知信访人日期; never in the future")


class SubmitCoHandlerOpinion(CaseCommand):
    """报送协办意见: a co-handler reports to the lead department (主办/协办, the joint-handling practice)."""

    name = "submit_co_handler_opinion"
    for_departments = True

    department: str = Field(min_length=1, description="协办单位 code")
    opinion: str = Field(min_length=1, max_length=20000, description="协办意见")


class IssueReply(CaseCommand):
    """出具信访处理意见书 (Art 32)."""

    name = "reply"
    for_departments = True

    opinion: Opinion = Field(description="支持 / 解释说明 / 不予支持")
    text: str = Field(min_length=1, max_length=20000, description="处理意见书正文")
    request: str = Field("", max_length=20000, description="信访请求; default: the petition's (Art 32)")
    facts_and_reasons: str = Field("", max_length=20000, description="事实和理由; default: the petition's (Art 32)")
    legal_basis: str | None = Field(None, max_length=20000, description="法律政策依据 (required by the rule)")
    disposition: Disposition | None = Field(None, description="三到位一处置 (required by the rule)")


class RecordExecution(CaseCommand):
    """记录支持意见已执行 (Art 32¶2): the department carried out the round's supported opinion."""

    name = "record_execution"
    for_departments = True

    result: str = Field(min_length=1, max_length=20000, description="执行情况")


class AnswerSuggestion(CaseCommand):
    """回复建议意见 (Art 29): adopted, partly adopted or not, with the answer and any reward."""

    name = "answer_suggestion"
    for_departments = True

    adoption: Adoption = Field(description="采纳 / 部分采纳 / 未采纳")
    text: str = Field(min_length=1, max_length=20000, description="回复内容")
    reward: str = Field("", max_length=2000, description="按照有关规定给予的奖励 (Art 29¶2)")


class AnswerDuty(CaseCommand):
    """依法履行或者答复 (Art 31(5)): the duty performed, or the reply given."""

    name = "answer_duty"
    for_departments = True

    performed: bool = Field(description="已依法履行职责 (true) or 答复 (false)")
    text: str = Field(min_length=1, max_length=20000, description="履行情况或答复内容")


class FeedBackReport(CaseCommand):
    """检举控告已反馈 (Art 30): the discipline body's record number; nothing of the report's content."""

    name = "feed_back_report"
    for_departments = True

    record_no: str = Field(min_length=1, max_length=100, description="纪检监察机关本机关案卷号")


class CloseCase(CaseCommand):
    """办结, with an optional closing report."""

    name = "close"
    for_departments = True

    report: str = Field("", max_length=20000, description="办结报告")


class RecuseHandler(CaseCommand):
    """回避 (Art 28¶3): a handler with a direct interest in the matter or the petitioner withdraws; another takes
    the case."""

    name = "recuse"
    for_departments = True

    handler: str = Field(min_length=1, max_length=100, description="回避的承办人")
    reason: str = Field(min_length=1, max_length=2000, description="利害关系")
    new_handler: str = Field(min_length=1, max_length=100, description="新承办人")
