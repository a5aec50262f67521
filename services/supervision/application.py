"""Supervision (督办): the case's clocks and alarms, rating, review chain, supervision orders and bulletins."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events import CaseEvent
from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    ObjectionFiled,
    OwningLeaderNamed,
    ReviewAssigned,
)
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import (
    CaseClosed,
    DutyAnswered,
    ExecutionCarriedOut,
    ExtensionApproved,
    ReplyIssued,
    ReportFedBack,
    SuggestionAnswered,
)
from events.notices import NoticeServed
from events.vocabulary import BulletinReason, NoticeKind, Opinion, Rating
from services.runtime.clock import Clock
from services.runtime.errors import ConcurrentChange
from services.runtime.limits import Terms
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication
from services.runtime.stored import event_class
from services.supervision.alarm_index import AlarmIndex
from services.supervision.commands import (
    AnswerOrder,
    ExcludeHearingDays,
    GiveFeedback,
    IssueOrder,
    IssueReviewOpinion,
    MakeProposal,
    PubliciseOpinion,
    PublishBulletin,
    RateSatisfaction,
    RecordAftercare,
    RequestReview,
    ServeNotice,
    Sweep,
)
from services.supervision.domain import Bulletin, Supervision
from services.supervision.domain.errors import UnknownCase
from services.supervision.domain.facts import fact_of
from services.supervision.domain.visit import FIRST_ROUND

CONFLICT_RETRIES = 10
MARKED_OVERDUE, RATED = event_class(Supervision, "DeadlineMissed"), event_class(Supervision, "Rated")
ClockMoved = (
    MaterialsRequested | MaterialsSupplemented | PetitionNotAccepted | AssignmentReceived | CaseAcknowledged
    | ObjectionFiled | ExtensionApproved | SuggestionAnswered | DutyAnswered | ReportFedBack
)  # fmt: skip


class SupervisionApplication(ServiceApplication):
    name = "supervision"

    def __init__(self, env: dict[str, str], clock: Clock, terms: Terms):
        super().__init__(env, clock)
        self.terms = terms
        self.alarm_index = AlarmIndex(terms.limits.warning_days)

    def parties(self, case_id: UUID) -> frozenset[str]:
        """The lead department, and every unit an order or a proposal of the case went to, answer through their
        own subjects."""
        case = self.load(case_id, Supervision)
        addressed = {o.department for o in case.orders.issued.values()} | {
            p.department for p in case.orders.proposals.values()
        }
        return frozenset({case.department, *addressed} - {""})

    # Commands

    def rate(self, cmd: RateSatisfaction) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.rate(cmd.rating, cmd.comment, self.effective(cmd.on), cmd.actor, self.terms)
        return self.saved(case, rating=cmd.rating)

    def request_review(self, cmd: RequestReview) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.request_review(cmd.stage, cmd.reasons, self.effective(cmd.on), cmd.actor, self.terms)
        return self.saved(case, stage=cmd.stage)

    def review_opinion(self, cmd: IssueReviewOpinion) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on = self.effective(cmd.on)
        case.review_opinion(cmd.stage, cmd.outcome, cmd.text, cmd.body, on, cmd.actor, self.terms)
        return self.saved(case, stage=cmd.stage, finalised=case.finalised_on is not None)

    def exclude_hearing(self, cmd: ExcludeHearingDays) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.exclude_hearing(cmd.stage, cmd.from_on, cmd.to_on, self.effective(cmd.on), cmd.actor, self.terms)
        return self.saved(case, due_on=case.clocks[(cmd.stage, 1)].due_on.isoformat())  # type: ignore[index]

    def publicise(self, cmd: PubliciseOpinion) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.publicise(cmd.venue, cmd.content, cmd.until_on, self.effective(cmd.on), cmd.actor)
        return self.saved(case, publicised_on=str(case.follow_up.publicised_on))

    def record_aftercare(self, cmd: RecordAftercare) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.record_aftercare(cmd.work, cmd.department, cmd.content, self.effective(cmd.on), cmd.actor)
        return self.saved(case, work=cmd.work)

    def issue_order(self, cmd: IssueOrder) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on, grounds = self.effective(cmd.on), [str(g) for g in cmd.grounds]
        order_no = case.issue_order(cmd.reason, cmd.answer_due, on, cmd.actor, self.terms, grounds, cmd.form)
        return self.saved(case, order_no=order_no, department=case.department)

    def answer_order(self, cmd: AnswerOrder) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on = self.effective(cmd.on)
        case.answer_order(cmd.order_no, cmd.department, cmd.answer, on, cmd.actor, self.terms)
        return self.saved(case, order_no=cmd.order_no)

    def propose(self, cmd: MakeProposal) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on, to = self.effective(cmd.on), (cmd.department, cmd.text, cmd.order_no, cmd.feedback_due)
        proposal_no = case.propose(cmd.kind, *to, on, cmd.actor, self.terms)
        return self.saved(case, proposal_no=proposal_no, department=case.orders.proposals[proposal_no].department)

    def feedback(self, cmd: GiveFeedback) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on = self.effective(cmd.on)
        case.feed_back(cmd.proposal_no, cmd.department, cmd.adoption, cmd.feedback, on, cmd.actor, self.terms)
        return self.saved(case, proposal_no=cmd.proposal_no)

    def serve_notice(self, cmd: ServeNotice) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on, told = self.effective(cmd.on), (cmd.method, cmd.content, cmd.unreachable, cmd.competent_body)
        case.serve_notice(cmd.notice, *told, on, cmd.actor, self.terms)
        return self.saved(case, notice=cmd.notice)

    def on_notice_served(self, served: NoticeServed, uow: UnitOfWork) -> None:
        """处理意见书送达: the petitioner's 30 days to ask for a review run from it (Art 35); 接收情况告知 ends the
        department's 15 days (Art 23¶3); supervision's own notices it has already counted."""
        if served.notice in (NoticeKind.reply, NoticeKind.receipt):
            self.case_of(served, uow).observe(fact_of(served), self.terms)

    def sweep(self, cmd: Sweep) -> dict[str, Any]:
        as_of = self.effective(cmd.as_of, "as_of")
        return {"as_of": as_of.isoformat(), "emitted": self.sweep_as_of(as_of)}

    def publish_bulletin(self, cmd: PublishBulletin) -> dict[str, Any]:
        """通报: one per period, naming each case once per reason (overdue | unsatisfied)."""
        on, period = self.effective(cmd.on), (cmd.period_from, cmd.period_to)
        self.past(cmd.period_to, "period_to")
        bulletin_id, number = Bulletin.id_for(*period), Bulletin.number_for(*period)
        Bulletin.check_first(self.find(bulletin_id, Bulletin))
        named = self.named_in_period(*period)
        cases = {case_id: self.load(case_id, Supervision) for case_id, _, _ in named}
        for case_id, reason, department in named:
            case = cases[case_id]
            case.name_in_bulletin(number, period, department or case.department, reason, on, cmd.actor)
        bulletin = Bulletin(
            id=bulletin_id, bulletin_no=number, period_from=period[0], period_to=period[1], published_on=on,
            cases=sorted(str(c) for c in cases), actor=cmd.actor,
        )  # fmt: skip
        self.commit(bulletin, *cases.values())
        return {"bulletin_no": number, "named": [{"case_no": cases[c].case_no, "reason": r} for c, r, _ in named]}

    # Reactions: the other services' events move the clocks and tell who is responsible.

    def on_registered(self, registered: PetitionRegistered, uow: UnitOfWork) -> None:
        """Art 22, 23: acceptance is decided and told within 15 days of receipt."""
        case = uow.get(UUID(registered.case_id), Supervision)
        if case is None:
            case = Supervision(
                id=UUID(registered.case_id), case_no=registered.case_no, received_on=registered.received_on
            )
            uow.add(case)
        case.observe(fact_of(registered), self.terms)

    def on_clock_event(self, event: ClockMoved, uow: UnitOfWork) -> None:
        """Events that only move clocks: materials, acceptance, receipt, acknowledgement, objection, extension."""
        self.case_of(event, uow).observe(fact_of(event), self.terms)

    def on_accepted(self, accepted: PetitionAccepted, uow: UnitOfWork) -> None:
        """Art 34: the handling clock acceptance starts depends on the kind of matter; so do rating and review."""
        case = self.case_of(accepted, uow)
        case.note_matter(accepted.kind, accepted.claim_route)
        case.observe(fact_of(accepted), self.terms)

    def on_merged(self, merged: PetitionMerged, uow: UnitOfWork) -> None:
        """重复信访: linked to the open case; rateable once that case closes, with its own rating."""
        case = self.case_of(merged, uow)
        case.note_merged_into(merged.merged_into)
        case.observe(fact_of(merged), self.terms)
        master = uow.get(UUID(merged.merged_into), Supervision)
        if master is None:  # a case registered elsewhere: nothing to link here
            return
        uow.add(master)
        master.link_merged(merged.case_id)
        if FIRST_ROUND in master.visit.closures:
            case.note_closed(FIRST_ROUND, master.visit.closures[FIRST_ROUND])

    def on_assigned(self, assigned: CaseAssigned | CaseReassigned, uow: UnitOfWork) -> None:
        case = self.case_of(assigned, uow)
        case.note_responsible(assigned.department, assigned.owning_leader)
        case.observe(fact_of(assigned), self.terms)

    def on_owning_leader_named(self, named: OwningLeaderNamed, uow: UnitOfWork) -> None:
        self.case_of(named, uow).note_responsible(owning_leader=named.owning_leader)

    def on_reply_issued(self, replied: ReplyIssued, uow: UnitOfWork) -> None:
        case = self.case_of(replied, uow)
        case.note_reply(replied.round, replied.replied_on)
        case.observe(fact_of(replied), self.terms)
        if replied.opinion == Opinion.supported:  # 督促执行 (Art 32¶2)
            case.follow_execution(replied.round, replied.department, replied.replied_on)

    def on_execution_carried_out(self, executed: ExecutionCarriedOut, uow: UnitOfWork) -> None:
        """The department carried out the supported opinion: 督促执行 ends for that round (Art 32¶2)."""
        self.case_of(executed, uow).note_executed(executed.round, executed.carried_out_on)

    def on_case_closed(self, closed: CaseClosed, uow: UnitOfWork) -> None:
        case = self.case_of(closed, uow)
        case.note_closed(closed.round, closed.closed_on)
        if closed.round == FIRST_ROUND:
            for merged_id in case.visit.merged_cases:
                self.case_of(closed, uow, merged_id).note_closed(FIRST_ROUND, closed.closed_on)

    def on_review_assigned(self, assigned: ReviewAssigned, uow: UnitOfWork) -> None:
        self.case_of(assigned, uow).note_review_assigned(assigned.stage, assigned.body)

    # The sweep (also run in the background by service.py)

    def sweep_as_of(self, as_of: date) -> int:
        """Warnings and overdue marks due as of a date, each once: the loser of a race reloads and emits nothing."""
        self.alarm_index.catch_up(self)
        return sum(self.sweep_case(case_id, as_of) for case_id in self.alarm_index.candidates(as_of))

    def sweep_case(self, case_id: UUID, as_of: date) -> int:
        for _ in range(CONFLICT_RETRIES):
            case = self.load(case_id, Supervision)
            emitted = case.sweep(as_of, self.terms.limits.warning_days)
            if not emitted:
                return 0
            try:
                self.commit(case)
                return emitted
            except ConcurrentChange:
                continue
        raise ConcurrentChange(f"案件 {case.case_no} 巡查时持续冲突")

    # Helpers

    def named_in_period(self, period_from: date, period_to: date) -> list[tuple[UUID, str, str]]:
        """The cases a bulletin names, from the service's own log: overdue marks and unsatisfied ratings dated in
        the period, as (case id, reason, department at the time; "" for the case's current one)."""
        named: dict[tuple[UUID, str], str] = {}
        within = lambda day: period_from <= day <= period_to  # noqa: E731
        for _, stored in self.stored_events():
            if isinstance(stored, MARKED_OVERDUE) and within(stored.marked_on):
                named.setdefault((stored.originator_id, BulletinReason.overdue), stored.department)
            elif isinstance(stored, RATED) and stored.rating == Rating.unsatisfied and within(stored.rated_on):
                named.setdefault((stored.originator_id, BulletinReason.unsatisfied), "")
        return [(case_id, str(reason), department) for (case_id, reason), department in named.items()]

    def case_of(self, event: CaseEvent, uow: UnitOfWork, case_id: str | None = None) -> Supervision:
        case = uow.get(UUID(case_id or event.case_id), Supervision)
        if case is None:
            raise UnknownCase(f"案件 {case_id or event.case_id} 没有登记事件")
        uow.add(case)
        return case

    def saved(self, case: Supervision, **extra: Any) -> dict[str, Any]:
        self.commit(case)
        return {"case_id": str(case.id), "case_no": case.case_no, "round": case.round, **extra}
