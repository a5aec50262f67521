"""The Handling aggregate (办理): the department's work on a case, round by round, its reply and its closure."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from services.mediation.rounds import Round
from services.mediation.work import HandlingWork


class Handling(HandlingWork):
    """The lead department's handling of one case; its id is the case id. Each send-back starts a new round."""

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
        limit_days: int = 60,
        request: str = "",
        facts: str = "",
    ):
        self.case_no = case_no
        self.department = department
        self.handler = handler
        self.opened_on = opened_on
        self.major = major
        self.co_handlers = list(co_handlers or [])
        self.request, self.facts = request, facts  # the petition's, restated by the reply unless staff restate it
        # Art 34: the first round's limit runs from acceptance, not from acknowledgement.
        self.rounds = [Round(1, accepted_on or opened_on, limit_days)]
        self.seen(opened_on)

    @property
    def replied_on(self) -> date | None:
        return self.round.replied_on

    @property
    def closed_on(self) -> date | None:
        return self.round.closed_on

    def approve_extension(
        self, days: int, approved_by: str, reason: str, notified_on: date | None, on: date, actor: str, max_days: int
    ) -> None:
        """Art 34: at most 30 days, once a round, before the limit, by a named head, the reason told."""
        self.check_on(on)
        self.check_not_replied("延期")
        self.check_extension_days(days, max_days)
        self.check_no_extension_yet()
        self.check_before_deadline(on)
        self.check_approver(approved_by, "延期")
        self.check_reason(reason)
        self.check_notified(notified_on, on)
        assert notified_on is not None  # check_notified refused a missing date
        self._extended(
            days=days,
            approved_by=approved_by,
            reason=reason,
            notified_on=notified_on,
            approved_on=on,
            **self._context(actor),
        )

    def submit_co_handler_opinion(self, department: str, opinion: str, on: date, actor: str) -> None:
        """Art 24: each co-handler reports its opinion to the lead, once a round."""
        self.check_on(on)
        self.check_not_replied("报送协办意见")
        self.check_co_handler(department)
        self.check_opinion_new(department)
        context = {**self._context(actor), "department": department}
        self._co_handler_reported(opinion=opinion, submitted_on=on, **context)

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
        """Art 32: the 信访处理意见书, after every co-handler has reported (Art 24); it restates the petition's
        request and facts unless staff word them anew."""
        request, facts_and_reasons = request or self.request, facts_and_reasons or self.facts
        self.check_on(on)
        self.check_not_replied("答复")
        self.check_opinions_complete()
        self.check_request_stated(request, facts_and_reasons)
        self.check_legal_basis(legal_basis)
        self.check_disposition(disposition)
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

    def close(self, report: str, on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_closed()
        self.check_replied()
        self._closed(report=report, closed_on=on, **self._context(actor))

    def start_rehandling(self, number: int, reason: str, on: date, limit_days: int, actor: str) -> None:
        """A send-back starts a new round; a round already started (a redelivery) changes nothing."""
        if number <= self.round.number:
            return
        context = {**self._context(actor), "round": number}
        self._rehandling_started(reason=reason, started_on=on, limit_days=limit_days, **context)

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
        self.round.extended_on = approved_on
        self.seen(approved_on)

    @event("CoHandlerOpinionSubmitted")
    def _co_handler_reported(
        self, opinion: str, submitted_on: date, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.round.opinions[department] = opinion
        self.seen(submitted_on)

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
        self.round.replied_on = replied_on
        self.seen(replied_on)

    @event("Closed")
    def _closed(self, report: str, closed_on: date, actor: str, case_no: str, department: str, round: int = 1) -> None:
        self.round.closed_on = closed_on
        self.seen(closed_on)

    @event("RehandlingStarted")
    def _rehandling_started(
        self, reason: str, started_on: date, limit_days: int, actor: str, case_no: str, department: str, round: int
    ) -> None:
        self.rounds.append(Round(round, started_on, limit_days, reason))
        self.seen(started_on)
