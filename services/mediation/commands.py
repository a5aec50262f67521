"""Mediation's staff commands (xf.cmd.mediation.*)."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

from events.vocabulary import AssistanceType, Disposition, MediationType, Opinion
from services.runtime.effective import EffectiveOn

if TYPE_CHECKING:
    from services.mediation.application import MediationApplication
    from services.runtime.commands import CommandRoutes


class MediationCommand(BaseModel):
    """What every staff action on a case carries."""

    case_id: UUID
    on: EffectiveOn = None
    actor: str = Field("", max_length=100, description="经办人")


class RecordInvestigation(MediationCommand):
    """记录调查核实."""

    findings: str = Field(min_length=1, max_length=20000, description="调查核实情况")
    investigators: list[str] = Field(default_factory=list, description="调查人员")


class RecordMediation(MediationCommand):
    """记录调解 (Art 33): type, parties, and the agreement when one was reached."""

    mediation_type: MediationType = Field(description="行政调解 / 司法调解 / 人民调解")
    participants: list[str] = Field(default_factory=list, description="参加调解的各方 (at least two)")
    agreed: bool = Field(False, description="达成调解协议")
    agreement: str = Field("", max_length=20000, description="调解协议内容")


class RecordHearing(MediationCommand):
    """记录听证: for major or complex cases."""

    participants: list[str] = Field(default_factory=list, description="听证参加人")
    conclusion: str = Field(min_length=1, max_length=20000, description="听证结论")
    complex: bool = Field(False, description="复杂疑难案件")


class GrantAssistance(MediationCommand):
    """落实救助: hardship, judicial or petition assistance."""

    assistance_type: AssistanceType = Field(description="帮扶救助 / 司法救助 / 信访救助")
    amount_fen: int = Field(description="金额, in fen (分)")
    approved_by: str = Field("", max_length=100, description="批准人")


class ApproveExtension(MediationCommand):
    """批准延期 (Art 34): at most 30 days, by a named head, the reason told to the petitioner."""

    days: int = Field(description="延长天数 (1–30)")
    approved_by: str = Field("", max_length=100, description="批准的负责人")
    reason: str = Field("", max_length=2000, description="延期理由")
    notified_on: EffectiveOn = Field(None, description="延期理由告知信访人日期")


class SubmitCoHandlerOpinion(MediationCommand):
    """协办单位报送协办意见 (Art 24)."""

    department: str = Field(min_length=1, description="协办单位 code")
    opinion: str = Field(min_length=1, max_length=20000, description="协办意见")


class IssueReply(MediationCommand):
    """出具信访处理意见书 (Art 32)."""

    opinion: Opinion = Field(description="支持 / 解释说明 / 不予支持")
    text: str = Field(min_length=1, max_length=20000, description="处理意见书正文")
    request: str = Field("", max_length=20000, description="信访请求; default: the petition's (Art 32)")
    facts_and_reasons: str = Field("", max_length=20000, description="事实和理由; default: the petition's (Art 32)")
    legal_basis: str | None = Field(None, max_length=20000, description="法律政策依据 (required by the rule)")
    disposition: Disposition | None = Field(None, description="三到位一处置 (required by the rule)")


class CloseCase(MediationCommand):
    """办结, with an optional closing report."""

    report: str = Field("", max_length=20000, description="办结报告")


def register_commands(app: MediationApplication, routes: CommandRoutes) -> None:
    routes.add("record_investigation", RecordInvestigation, app.record_investigation, "记录调查核实")
    routes.add("record_mediation", RecordMediation, app.record_mediation, "记录调解 (Art 33)")
    routes.add("record_hearing", RecordHearing, app.record_hearing, "记录听证")
    routes.add("grant_assistance", GrantAssistance, app.grant_assistance, "落实救助")
    routes.add("approve_extension", ApproveExtension, app.approve_extension, "批准延期 (Art 34)")
    routes.add(
        "submit_co_handler_opinion", SubmitCoHandlerOpinion, app.submit_co_handler_opinion, "报送协办意见 (Art 24)"
    )
    routes.add("reply", IssueReply, app.reply, "出具信访处理意见书 (Art 32)")
    routes.add("close", CloseCase, app.close_case, "办结")
