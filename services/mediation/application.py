"""Mediation (办理): opens handling when a case is acknowledged, records the work, the reply and the closure."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from events.assignment import CaseAcknowledged
from events.supervision import CaseSentBack
from services.mediation.commands import (
    ApproveExtension,
    CloseCase,
    GrantAssistance,
    IssueReply,
    RecordHearing,
    RecordInvestigation,
    RecordMediation,
    SubmitCoHandlerOpinion,
)
from services.mediation.domain import Handling
from services.mediation.errors import UnknownCase
from services.runtime.clock import Clock
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class MediationApplication(ServiceApplication):
    name = "mediation"

    def __init__(self, env: dict[str, str], clock: Clock, handling_limit_days: int = 60, extension_max_days: int = 30):
        super().__init__(env, clock)
        self.handling_limit_days = handling_limit_days
        self.extension_max_days = extension_max_days

    def on_case_acknowledged(self, acknowledged: CaseAcknowledged, uow: UnitOfWork) -> None:
        case_id = UUID(acknowledged.case_id)
        if uow.get(case_id, Handling) is not None:
            return
        uow.add(
            Handling(
                id=case_id,
                case_no=acknowledged.case_no,
                department=acknowledged.department,
                handler=acknowledged.handler,
                opened_on=acknowledged.acknowledged_on,
                major=acknowledged.major,
                accepted_on=acknowledged.accepted_on,
                co_handlers=list(acknowledged.co_handlers),
                limit_days=self.handling_limit_days,
                request=acknowledged.request,
                facts=acknowledged.facts,
            )
        )

    def on_case_sent_back(self, sent_back: CaseSentBack, uow: UnitOfWork) -> None:
        """不满意退回重办: a new round; the earlier one stays in the history."""
        handling = uow.get(UUID(sent_back.case_id), Handling)
        if handling is None:
            raise UnknownCase(f"案件 {sent_back.case_id} 没有办理记录，不能退回重办")
        limit = self.handling_limit_days
        handling.start_rehandling(sent_back.round, sent_back.reason, sent_back.sent_back_on, limit, sent_back.actor)
        uow.add(handling)

    def record_investigation(self, cmd: RecordInvestigation) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.record_investigation(cmd.findings, cmd.investigators, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def record_mediation(self, cmd: RecordMediation) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        on = self.effective(cmd.on)
        handling.record_mediation(cmd.mediation_type, cmd.participants, cmd.agreed, cmd.agreement, on, cmd.actor)
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
        on, limit = self.effective(cmd.on), self.extension_max_days
        notified_on = self.effective(cmd.notified_on, "notified_on") if cmd.notified_on else None
        handling.approve_extension(cmd.days, cmd.approved_by, cmd.reason, notified_on, on, cmd.actor, limit)
        return self.saved(handling)

    def submit_co_handler_opinion(self, cmd: SubmitCoHandlerOpinion) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.submit_co_handler_opinion(cmd.department, cmd.opinion, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def reply(self, cmd: IssueReply) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.reply(
            cmd.opinion,
            cmd.text,
            self.effective(cmd.on),
            cmd.actor,
            request=cmd.request,
            facts_and_reasons=cmd.facts_and_reasons,
            legal_basis=cmd.legal_basis,
            disposition=cmd.disposition,
        )
        return self.saved(handling)

    def close_case(self, cmd: CloseCase) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.close(cmd.report, self.effective(cmd.on), cmd.actor)
        return self.saved(handling)

    def saved(self, handling: Handling) -> dict[str, Any]:
        self.commit(handling)
        current = handling.round
        return {
            "case_id": str(handling.id),
            "case_no": handling.case_no,
            "department": handling.department,
            "round": current.number,
            "due_on": current.due_on.isoformat(),
        }
