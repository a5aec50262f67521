"""The Handling aggregate (办理): the department's work on a case, round by round, its reply and its closure."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from events.mediation import (
    AssistanceGranted,
    CaseClosed,
    CoHandlerOpinionSubmitted,
    DutyAnswered,
    ExecutionCarriedOut,
    ExtensionApproved,
    HandlerRecused,
    HearingHeld,
    InvestigationRecorded,
    MediationHeld,
    RehandlingStarted,
    ReplyIssued,
    ReportFedBack,
    SuggestionAnswered,
)
from events.notices import NoticeServed
from events.vocabulary import ClaimRoute, Kind, NoticeKind, Opinion, Settlement, matter_label
from services.mediation.domain import rules
from services.mediation.domain.errors import (
    AnsweredOtherwise,
    ExecutionAlreadyRecorded,
    HandlerAlreadyRecused,
    HandlerWithdrawn,
    HearingNotWarranted,
    NoStatutoryLimit,
    NotCoHandler,
    NothingToExecute,
    NotTheHandler,
    ReportContentWithheld,
)
from services.mediation.domain.round import Round
from services.runtime.effective import CaseAggregate
from services.runtime.errors import Done
from services.runtime.limits import STATUTE
from services.runtime.notices import Notices, nothing_to_notify
from services.runtime.stored import stored_events

# How each matter is answered (Art 29-32), and the command that records it.
ANSWERS: dict[str, str] = {
    ClaimRoute.opinion: "出具信访处理意见书 (reply, Art 31(6), 32)",
    ClaimRoute.duty: "依法履行或者答复 (answer_duty, Art 31(5))",
    Kind.suggestion: "回复采纳情况 (answer_suggestion, Art 29)",
    Kind.report: "由纪检监察机关依规依纪依法办理和反馈 (feed_back_report, Art 30)",
}


class Handling(CaseAggregate):
    """The lead department's handling of one case; its id is the case id. Each send-back starts a new round."""

    NOTICES = frozenset({NoticeKind.reply})

    @event("Opened")
    def __init__(
        self,
        id: UUID,
        case_no: str,
        department: str,
        handler: str,
        opened_on: date,
        major: bool = False,
        accepted_on: date | None = None,
        co_handlers: list[str] | None = None,
        limit_days: int | None = STATUTE.handling,
        request: str = "",
        facts: str = "",
        kind: str = Kind.claim,
        claim_route: str | None = ClaimRoute.opinion,
    ):
        self.case_no = case_no
        self.department = department
        self.handler = handler
        self.opened_on = opened_on
        self.major = major
        self.co_handlers = list(co_handlers or [])
        self.request, self.facts = request, facts  # the petition's, restated by the reply unless staff restate it
        # Art 34: the first round's limit runs from acceptance, not from acknowledgement.
        self.kind, self.claim_route = kind, claim_route
        self.rounds = [Round(1, accepted_on or opened_on, limit_days or 0)]
        self.notices = Notices()
        self.withdrawn: list[str] = []  # handlers who withdrew (回避), never the handler again
        self.recusals: dict[str, Done] = {}  # each withdrawn handler: who entered the 回避, when
        self.executed: dict[int, Done] = {}  # 支持意见已执行, by round: who recorded it, when (Art 32¶2)
        self.seen(opened_on)

    @property
    def round(self) -> Round:
        """The current round (本轮办理); earlier ones stay in ``rounds``."""
        return self.rounds[-1]

    @property
    def answered_by(self) -> str:
        """opinion (Art 31(6)), duty (Art 31(5)), suggestion (Art 29) or report (Art 30)."""
        if self.kind == Kind.claim:
            return ClaimRoute.duty if self.claim_route == ClaimRoute.duty else ClaimRoute.opinion
        return self.kind

    def check_answered_by(self, answer: str) -> None:
        if self.answered_by != answer:
            what = matter_label(self.kind, self.claim_route)
            raise AnsweredOtherwise(f"案件 {self.case_no} ({what}) 应{ANSWERS[self.answered_by]}", "case_id")

    def check_statutory_limit(self) -> None:
        """Art 34: the extension is of the 60 days of an Art 31(6) matter."""
        if self.answered_by != ClaimRoute.opinion:
            raise NoStatutoryLimit(f"案件 {self.case_no} 不适用 Art 34 的60日办理期限，无从延期", "days")

    def check_not_report(self, what: str, text: str = "-") -> None:
        """Art 30¶3, 46(5): the discipline body keeps a report's handling in its own records, not here."""
        if self.kind == Kind.report and text.strip():
            raise ReportContentWithheld(
                f"案件 {self.case_no} 是检举控告，{what}记入纪检监察机关本机关案卷，不在此登记 (Art 30¶3, 46(5))",
                "case_id",
            )

    @property
    def replied_on(self) -> date | None:
        return self.round.replied_on

    @property
    def closed_on(self) -> date | None:
        return self.round.closed_on

    # The work of a round (调查核实、调解、听证、救助): none once the round is replied.

    def record_investigation(self, findings: str, investigators: list[str], on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_report("调查核实情况")
        self.round.check_not_replied(self.case_no, "记录调查核实")
        self._investigated(findings=findings, investigators=investigators, investigated_on=on, **self._context(actor))

    def record_mediation(
        self,
        mediation_type: str | None,
        participants: list[str],
        agreed: bool,
        agreement: str,
        on: date,
        actor: str,
        *,
        consented: bool,
        form: str = Settlement.mediation,
    ) -> None:
        """Art 33: 调解 with both parties' consent, or 和解 they enter freely; an agreement is put in writing."""
        self.check_on(on)
        self.check_not_report("调解情况")
        self.round.check_not_replied(self.case_no, "调解")
        rules.check_parties(self.case_no, participants)
        rules.check_consent(self.case_no, form, consented)
        rules.check_mediation_type(self.case_no, form, mediation_type)
        rules.check_agreement(self.case_no, agreed, agreement, form)
        self._mediated(
            mediation_type=mediation_type,
            participants=participants,
            agreed=agreed,
            agreement=agreement,
            held_on=on,
            form=str(form),
            consented=consented,
            **self._context(actor),
        )

    def record_hearing(
        self, participants: list[str], conclusion: str, complex_case: bool, on: date, actor: str
    ) -> None:
        self.check_on(on)
        self.check_not_report("听证情况")
        self.round.check_not_replied(self.case_no, "举行听证")
        if not (self.major or complex_case):
            raise HearingNotWarranted(f"案件 {self.case_no} 既非重大也非复杂案件，不举行听证", "complex")
        self._heard(participants=participants, conclusion=conclusion, held_on=on, **self._context(actor))

    def grant_assistance(self, assistance_type: str, amount_fen: int, approved_by: str, on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_report("救助情况")
        self.round.check_not_replied(self.case_no, "落实救助")
        rules.check_amount(self.case_no, amount_fen)
        rules.check_approver(self.case_no, approved_by, "救助")
        self._assisted(
            assistance_type=assistance_type,
            amount_fen=amount_fen,
            approved_by=approved_by,
            granted_on=on,
            **self._context(actor),
        )

    def approve_extension(
        self, days: int, approved_by: str, reason: str, notified_on: date | None, on: date, actor: str, max_days: int
    ) -> None:
        """Art 34: at most 30 days, once a round, before the limit, by a named head, the reason told."""
        self.check_on(on)
        self.round.check_not_replied(self.case_no, "延期")
        self.check_statutory_limit()
        rules.check_extension_days(self.case_no, days, max_days)
        self.round.check_no_extension_yet(self.case_no)
        self.round.check_before_deadline(self.case_no, on)
        rules.check_approver(self.case_no, approved_by, "延期")
        rules.check_reason(self.case_no, reason)
        told = rules.check_notified(self.case_no, notified_on, on)
        self._extended(
            days=days, approved_by=approved_by, reason=reason, notified_on=told, approved_on=on, **self._context(actor)
        )

    def submit_co_handler_opinion(self, department: str, opinion: str, on: date, actor: str) -> None:
        """主办/协办: each co-handler reports its opinion to the lead, once a round (a practice, not Art 24)."""
        self.check_on(on)
        self.check_not_report("协办意见")
        self.round.check_not_replied(self.case_no, "报送协办意见")
        if department not in self.co_handlers:
            raise NotCoHandler(
                f"{department} 不是案件 {self.case_no} 的协办单位 (协办单位: {'、'.join(self.co_handlers) or '无'})",
                "department",
            )
        self.round.check_opinion_new(self.case_no, department)
        context = {**self._context(actor), "department": department}
        self._co_handler_reported(opinion=opinion, submitted_on=on, **context)

    # The reply and the closure

    def recuse(self, handler: str, reason: str, new_handler: str, on: date, actor: str) -> None:
        """回避 (Art 28¶3): the current handler withdraws for a direct interest; another handles the case from now."""
        self.check_on(on)
        self.round.check_not_closed(self.case_no)
        if handler in self.recusals:
            raise HandlerAlreadyRecused(
                f"{handler} 已{self.recusals[handler]} 登记回避，案件 {self.case_no} 现由 {self.handler} 承办",
                "handler",
            )
        if handler != self.handler:
            raise NotTheHandler(f"案件 {self.case_no} 的承办人是 {self.handler or '未指定'}，不是 {handler}", "handler")
        if new_handler == handler or new_handler in self.withdrawn:
            raise HandlerWithdrawn(f"{new_handler} 已就案件 {self.case_no} 回避，不能承办", "new_handler")
        self._recused(handler=handler, reason=reason, new_handler=new_handler, recused_on=on, **self._context(actor))

    def reply(
        self,
        opinion: str,
        text: str,
        on: date,
        actor: str,
        request: str = "",
        facts_and_reasons: str = "",
        legal_basis: str | None = None,
        disposition: str | None = None,
    ) -> None:
        """Art 32: the 信访处理意见书, after every co-handler has reported (主办/协办); it restates the petition's
        request and facts unless staff word them anew."""
        request, facts_and_reasons = request or self.request, facts_and_reasons or self.facts
        self.check_on(on)
        self.check_answered_by(ClaimRoute.opinion)
        self.round.check_not_replied(self.case_no, "答复")
        self.round.check_opinions_complete(self.case_no, self.co_handlers)
        rules.check_request_stated(self.case_no, request, facts_and_reasons)
        rules.check_legal_basis(self.case_no, legal_basis)
        rules.check_disposition(self.case_no, disposition)
        self._replied(
            opinion=opinion,
            text=text,
            replied_on=on,
            request=request,
            facts_and_reasons=facts_and_reasons,
            legal_basis=legal_basis or "",
            disposition=disposition,
            **self._context(actor),
        )

    def answer_suggestion(self, adoption: str, text: str, reward: str, on: date, actor: str) -> None:
        """Art 29: a suggestion is studied, adopted, partly adopted or not, and answered; a contribution may be
        rewarded."""
        self.check_on(on)
        self.check_answered_by(Kind.suggestion)
        self.round.check_not_replied(self.case_no, "回复")
        self._suggestion_answered(adoption=adoption, text=text, reward=reward, answered_on=on, **self._context(actor))

    def answer_duty(self, performed: bool, text: str, on: date, actor: str) -> None:
        """Art 31(5): a request to stop unlawful acts or protect rights is met by performing the duty, or answered."""
        self.check_on(on)
        self.check_answered_by(ClaimRoute.duty)
        self.round.check_not_replied(self.case_no, "答复")
        self._duty_answered(performed=performed, text=text, answered_on=on, **self._context(actor))

    def feed_back_report(self, record_no: str, on: date, actor: str) -> None:
        """Art 30: the discipline body fed back on the report under its own rules; only its record number and the day
        are kept here, nothing of what the report says or who made it (Art 30¶3, 46(5))."""
        self.check_on(on)
        self.check_answered_by(Kind.report)
        self.round.check_not_replied(self.case_no, "反馈")
        self._report_fed_back(record_no=record_no, fed_back_on=on, **self._context(actor))

    def close(self, report: str, on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_report("办结报告", report)
        self.round.check_not_closed(self.case_no)
        self.round.check_replied(self.case_no)
        self._closed(report=report, closed_on=on, **self._context(actor))

    def record_execution(self, result: str, on: date, actor: str) -> None:
        """督促执行 (Art 32¶2): the round's supported opinion carried out, once; supervision follows it until then."""
        self.check_on(on)
        self.check_executable()
        self._executed(result=result, carried_out_on=on, **self._context(actor))

    def check_executable(self) -> None:
        if self.round.replied_on is None or self.round.opinion != Opinion.supported:
            raise NothingToExecute(
                f"案件 {self.case_no} 第{self.round.number}轮没有支持信访请求的处理意见，无须记录执行 (Art 32¶2)"
            )
        if self.round.number in self.executed:
            raise ExecutionAlreadyRecorded(
                f"案件 {self.case_no} 第{self.round.number}轮支持意见的执行已{self.executed[self.round.number]} 记录"
            )

    def serve_notice(
        self, notice: str, method: str | None, content: str, unreachable: bool, competent_body: str, on: date,
        actor: str, round_: int = 1,
    ) -> None:  # fmt: skip
        """处理意见书送达 (Art 35): the day the written reply reached the petitioner, which starts their 30 days."""
        self.check_on(on)
        self.notices.check(self.case_no, self.NOTICES, notice, method, unreachable, round_)
        self.check_noticeable(notice, round_)
        self._notice_served(
            notice=notice, method=method, served_on=on, content=content, unreachable=unreachable,
            competent_body=competent_body, round=round_, actor=actor, case_no=self.case_no,
        )  # fmt: skip

    def check_noticeable(self, notice: str, round_: int) -> None:
        """处理意见书送达 follows a 处理意见书 (Art 35); the other matters' answers open no review window."""
        self.check_answered_by(ClaimRoute.opinion)
        if self.round.replied_on is None:
            raise nothing_to_notify(self.case_no, notice)

    def start_rehandling(self, number: int, reason: str, on: date, limit_days: int, actor: str) -> None:
        """A send-back starts a new round; a round already started (a redelivery) changes nothing."""
        if number <= self.round.number:
            return
        context = {**self._context(actor), "round": number}
        self._rehandling_started(reason=reason, started_on=on, limit_days=limit_days, **context)

    def _context(self, actor: str) -> dict[str, Any]:
        """What every stored event of the round carries, so the public event needs nothing else."""
        return {"actor": actor, "case_no": self.case_no, "department": self.department, "round": self.round.number}

    # Events

    @event("InvestigationRecorded")
    def _investigated(
        self,
        findings: str,
        investigators: list[str],
        investigated_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("investigation", investigated_on)

    @event("MediationHeld")
    def _mediated(
        self,
        mediation_type: str | None,
        participants: list[str],
        agreed: bool,
        agreement: str,
        held_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
        form: str = Settlement.mediation,
        consented: bool = False,
    ) -> None:
        self._recorded("mediation", held_on)

    @event("HearingHeld")
    def _heard(
        self, participants: list[str], conclusion: str, held_on: date, actor: str, case_no: str, department: str,
        round: int,
    ) -> None:  # fmt: skip
        self._recorded("hearing", held_on)

    @event("AssistanceGranted")
    def _assisted(
        self,
        assistance_type: str,
        amount_fen: int,
        approved_by: str,
        granted_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("assistance", granted_on)

    def _recorded(self, kind: str, on: date) -> None:
        self.round.records.append(kind)
        self.seen(on)

    @event("ExtensionApproved")
    def _extended(
        self,
        days: int,
        approved_by: str,
        reason: str,
        notified_on: date,
        approved_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self.round.extension_days = days
        self.round.extended, self.round.extension_approved_by = Done(actor, approved_on), approved_by
        self.seen(approved_on)

    @event("CoHandlerOpinionSubmitted")
    def _co_handler_reported(
        self, opinion: str, submitted_on: date, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.round.opinions[department] = opinion
        self.round.opinions_submitted[department] = Done(actor, submitted_on)
        self.seen(submitted_on)

    @event("HandlerRecused")
    def _recused(
        self, handler: str, reason: str, new_handler: str, recused_on: date, actor: str, case_no: str,
        department: str, round: int,
    ) -> None:  # fmt: skip
        self.withdrawn.append(handler)
        self.recusals[handler] = Done(actor, recused_on)
        self.handler = new_handler
        self.seen(recused_on)

    @event("Replied")
    def _replied(
        self,
        opinion: str,
        text: str,
        replied_on: date,
        actor: str,
        case_no: str,
        department: str,
        request: str = "",
        facts_and_reasons: str = "",
        legal_basis: str = "",
        disposition: str | None = None,
        round: int = 1,
    ) -> None:
        self.round.opinion = opinion
        self.round.replied = Done(actor, replied_on)
        self.seen(replied_on)

    @event("ExecutionCarriedOut")
    def _executed(
        self, result: str, carried_out_on: date, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.executed[round] = Done(actor, carried_out_on)
        self.seen(carried_out_on)

    @event("SuggestionAnswered")
    def _suggestion_answered(
        self, adoption: str, text: str, reward: str, answered_on: date, actor: str, case_no: str, department: str,
        round: int,
    ) -> None:  # fmt: skip
        self.round.replied = Done(actor, answered_on)
        self.seen(answered_on)

    @event("DutyAnswered")
    def _duty_answered(
        self, performed: bool, text: str, answered_on: date, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.round.replied = Done(actor, answered_on)
        self.seen(answered_on)

    @event("ReportFedBack")
    def _report_fed_back(
        self, record_no: str, fed_back_on: date, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.round.replied = Done(actor, fed_back_on)
        self.seen(fed_back_on)

    @event("Closed")
    def _closed(self, report: str, closed_on: date, actor: str, case_no: str, department: str, round: int = 1) -> None:
        self.round.closed = Done(actor, closed_on)
        self.seen(closed_on)

    @event("RehandlingStarted")
    def _rehandling_started(
        self, reason: str, started_on: date, limit_days: int, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.rounds.append(Round(round, started_on, limit_days, reason))
        self.seen(started_on)

    @event("NoticeServed")
    def _notice_served(
        self, notice: str, method: str | None, served_on: date, content: str, unreachable: bool, competent_body: str,
        round: int, actor: str, case_no: str,
    ) -> None:  # fmt: skip
        self.notices.record(notice, round, served_on, actor)
        self.seen(served_on)


stored_events(
    Handling,
    "mediation",
    "Handling",
    {
        "Opened": None,  # its public twin is assignment's case_acknowledged, which opened it
        "InvestigationRecorded": InvestigationRecorded,
        "MediationHeld": MediationHeld,
        "HearingHeld": HearingHeld,
        "AssistanceGranted": AssistanceGranted,
        "ExtensionApproved": ExtensionApproved,
        "CoHandlerOpinionSubmitted": CoHandlerOpinionSubmitted,
        "HandlerRecused": HandlerRecused,
        "Replied": ReplyIssued,
        "SuggestionAnswered": SuggestionAnswered,
        "DutyAnswered": DutyAnswered,
        "ReportFedBack": ReportFedBack,
        "Closed": CaseClosed,
        "ExecutionCarriedOut": ExecutionCarriedOut,
        "RehandlingStarted": RehandlingStarted,
        "NoticeServed": NoticeServed,
    },
)
