"""Mediation (办理): opens handling when a case is acknowledged, records the work, the reply and the closure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.assignment import CaseAcknowledged
from events.supervision import CaseSentBack
from services.mediation.commands import (
    AnswerDuty,
    AnswerSuggestion,
    ApproveExtension,
    CloseCase,
    FeedBackReport,
    GrantAssistance,
    IssueReply,
    RecordExecution,
    RecordHearing,
    RecordInvestigation,
    RecordMediation,
    RecuseHandler,
    ServeNotice,
    SubmitCoHandlerOpinion,
)
from services.mediation.domain import Handling
from services.mediation.domain.errors import UnknownCase
from services.runtime.clock import Clock
from services.runtime.limits import Terms
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class MediationApplication(ServiceApplication):
    name = "mediation"

    def __init__(self, env: dict[str, str], clock: Clock, terms: Terms):
        super().__init__(env, clock)
        self.limits = terms.limits

    # Commands

    def record_investigation(self, cmd: RecordInvestigation) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.record_investigation(cmd.findings, cmd.investigators, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def record_mediation(self, cmd: RecordMediation) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        on = self.effective(cmd.on)
        handling.record_mediation(
            cmd.mediation_type, cmd.participants, cmd.agreed, cmd.agreement, on, cmd.actor,
            consented=cmd.consented, form=cmd.form,
        )  # fmt: skip
        return self.saved(handling)

    def record_hearing(self, cmd: RecordHearing) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.record_hearing(cmd.participants, cmd.conclusion, cmd.complex, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def grant_assistance(self, cmd: GrantAssistance) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        on = self.effective(cmd.on)
        handling.grant_assistance(cmd.assistance_type, cmd.amount_fen, cmd.approved_by, on, cmd.actor)
        return self.saved(handling)

    def approve_extension(self, cmd: ApproveExtension) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        on, told = self.effective(cmd.on), self.past(cmd.notified_on, "notified_on")
        limit = self.limits.extension_max
        handling.approve_extension(cmd.days, cmd.approved_by, cmd.reason, told, on, cmd.actor, limit)
        return self.saved(handling)

    def submit_co_handler_opinion(self, cmd: SubmitCoHandlerOpinion) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.submit_co_handler_opinion(cmd.department, cmd.opinion, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def recuse(self, cmd: RecuseHandler) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.recuse(cmd.handler, cmd.reason, cmd.new_handler, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def reply(self, cmd: IssueReply) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        letter = cmd.model_dump(include={"request", "facts_and_reasons", "legal_basis", "disposition"})
        handling.reply(cmd.opinion, cmd.text, self.effective(cmd.on), cmd.actor, **letter)
        return self.saved(handling)

    def parties(self, case_id: UUID) -> frozenset[str]:
        """The lead handles the case; a co-handler reports its opinion to it (主办/协办)."""
        handling = self.load(case_id, Handling)
        return frozenset({handling.department, *handling.co_handlers})

    def record_execution(self, cmd: RecordExecution) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.record_execution(cmd.result, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def answer_suggestion(self, cmd: AnswerSuggestion) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.answer_suggestion(cmd.adoption, cmd.text, cmd.reward, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def answer_duty(self, cmd: AnswerDuty) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.answer_duty(cmd.performed, cmd.text, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def feed_back_report(self, cmd: FeedBackReport) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.feed_back_report(cmd.record_no, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def close_case(self, cmd: CloseCase) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.close(cmd.report, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def serve_notice(self, cmd: ServeNotice) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.serve_notice(
            cmd.notice,
            cmd.method,
            cmd.content,
            cmd.unreachable,
            cmd.competent_body,
            self.effective(cmd.on),
            cmd.actor,
            handling.round.number,
        )
        return self.saved(handling)

    # Reactions

    def on_case_acknowledged(self, acknowledged: CaseAcknowledged, uow: UnitOfWork) -> None:
        """签收 opens the handling, once; the first round's limit runs from acceptance (Art 34), and only an Art 31(6)
        claim has the statute's (a suggestion or report has the office's own, if any)."""
        case_id = UUID(acknowledged.case_id)
        if uow.get(case_id, Handling) is not None:
            return
        fields = acknowledged.model_dump(include={"case_no", "department", "handler", "major", "accepted_on"})
        fields |= acknowledged.model_dump(include={"co_handlers", "request", "facts", "kind", "claim_route"})
        limit = self.limits.handling_for(acknowledged.kind, acknowledged.claim_route)
        opened = Handling(id=case_id, opened_on=acknowledged.acknowledged_on, limit_days=limit, **fields)
        uow.add(opened)

    def on_case_sent_back(self, sent_back: CaseSentBack, uow: UnitOfWork) -> None:
        """不满意退回重办: a new round; the earlier one stays in the history."""
        handling = uow.get(UUID(sent_back.case_id), Handling)
        if handling is None:
            raise UnknownCase(f"案件 {sent_back.case_id} 没有办理记录，不能退回重办")
        limit = self.limits.handling
        handling.start_rehandling(sent_back.round, sent_back.reason, sent_back.sent_back_on, limit, sent_back.actor)
        uow.add(handling)

    def saved(self, handling: Handling) -> dict[str, Any]:
        self.commit(handling)
        current = handling.round
        return {
            "case_id": str(handling.id),
            "case_no": handling.case_no,
            "department": handling.department,
            "round": current.number,
            "due_on": current.due_on.isoformat() if current.due_on else None,
        }
