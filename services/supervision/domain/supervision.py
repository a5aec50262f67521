"""The Supervision aggregate (督办) of one case: its clocks, return visit, review chain, orders and bulletins.

One class: all its state is set in ``__init__``; the clock arithmetic is the pure core in ``deadlines``, and the
return visit, review chain and orders are value objects with their own rules (``visit``, ``review``, ``orders``).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from events.notices import NoticeServed
from events.supervision import (
    AftercareRecorded,
    CaseFinalised,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    DeadlineMissed,
    DeadlineRecorded,
    ExecutionFollowUpOpened,
    HearingDaysExcluded,
    NamedInBulletin,
    ProposalAdoptionReported,
    ProposalIssued,
    ReReviewOpinionPublicised,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)
from events.vocabulary import (
    Clock,
    DeadlineRule,
    Kind,
    NoticeKind,
    OrderForm,
    OrderGround,
    ReviewOutcome,
    Stage,
    label,
    matter_label,
    opinion_matter,
)
from services.runtime.effective import CaseAggregate
from services.runtime.errors import Done
from services.runtime.limits import Terms, due_date
from services.runtime.notices import Notices, nothing_to_notify
from services.runtime.stored import Twin, stored_events
from services.supervision.domain.alarms import MISSED, pending_alarm
from services.supervision.domain.deadlines import Book, ClockState, Key
from services.supervision.domain.errors import (
    AnswerDueBeforeIssue,
    CaseAlreadyFinalised,
    CaseNotFinalised,
    CaseNotOpen,
    NotAnOpinionMatter,
    ProposalAddresseeMissing,
)
from services.supervision.domain.facts import Fact, inclusive_days
from services.supervision.domain.followup import FollowUp
from services.supervision.domain.orders import Order, Orders, Proposal
from services.supervision.domain.review import Review, ReviewChain
from services.supervision.domain.visit import FIRST_ROUND, ReturnVisit

OPINION_NOTICES: dict[str, Stage] = {
    NoticeKind.review_opinion: Stage.review,
    NoticeKind.re_review_opinion: Stage.re_review,
}


class Supervision(CaseAggregate):
    """督办 of one case, from its registration to finalisation; its id is the case id."""

    NOTICES = frozenset({NoticeKind.review_opinion, NoticeKind.re_review_opinion, NoticeKind.finalised})

    @event("Opened")
    def __init__(self, id: UUID, case_no: str, received_on: date):
        self.case_no = case_no
        self.received_on = received_on
        self.department = ""  # 谁交办、谁督办: the lead department and the owning leader, as assignment tells
        self.owning_leader = ""
        self.clocks: dict[Key, ClockState] = {}
        self.sources: set[str] = set()  # the public events that already moved a clock
        self.alarms: dict[Key, list[tuple[int, date]]] = {}
        self.visit = ReturnVisit()
        self.reviews = ReviewChain()
        self.orders = Orders()
        self.finalised_on: date | None = None
        self.finalised_by = ""
        self.notices = Notices()
        self.follow_up = FollowUp()
        self.matter = (str(Kind.claim), "")  # the kind of matter and a claim's route, as intake accepted it
        self.seen(received_on)

    @property
    def round(self) -> int:
        return self.visit.round

    # What the other services tell

    def note_responsible(self, department: str | None = None, owning_leader: str | None = None) -> None:
        department = department or self.department
        owning_leader = owning_leader or self.owning_leader
        if (department, owning_leader) != (self.department, self.owning_leader):
            self._responsible_noted(department=department, owning_leader=owning_leader)

    def observe(self, fact: Fact | None, terms: Terms) -> None:
        """Move the clocks as a fact says; a republished event (same source) changes nothing."""
        if fact is None or (fact.source and fact.source in self.sources):
            return
        recorders = {"paused": self._clock_paused, "stopped": self._clock_stopped}
        for change in Book(self.clocks, terms.limits, terms.calendar).step(fact):
            clock, round_ = change.key
            record = recorders.get(change.reason, self._clock_recorded)
            record(clock=clock, round=round_, change=change.reason, on=change.on, source=fact.source,
                   state=asdict(change.state))  # fmt: skip

    def note_matter(self, kind: str, claim_route: str | None) -> None:
        """What intake accepted the case as: only an Art 31(6) claim is rated and reviewed."""
        if (kind, claim_route or "") != self.matter:
            self._matter_noted(kind=kind, claim_route=claim_route or "")

    def check_opinion_matter(self, what: str) -> None:
        kind, claim_route = self.matter
        if not opinion_matter(kind, claim_route):
            raise NotAnOpinionMatter(
                f"案件 {self.case_no} ({matter_label(kind, claim_route)}) 没有信访处理意见，不{what} (Art 29-31, 35)",
                "case_id",
            )

    def note_reply(self, round_: int, replied_on: date) -> None:
        if replied_on != self.visit.replies.get(round_):
            self._reply_noted(round=round_, replied_on=replied_on)

    def note_closed(self, round_: int, closed_on: date) -> None:
        if round_ not in self.visit.closures:
            self._closure_noted(round=round_, closed_on=closed_on)

    def follow_execution(self, round_: int, department: str, on: date) -> None:
        """督促执行 (Art 32¶2): a supported opinion is followed until carried out; once a round."""
        if round_ not in self.follow_up.executions:
            self._execution_followed(round=round_, department=department, opened_on=on)

    def note_executed(self, round_: int, on: date) -> None:
        if self.follow_up.executions.get(round_) is None:
            self._execution_noted(round=round_, carried_out_on=on)

    def note_merged_into(self, master_id: str) -> None:
        """重复信访: this petition is linked to an open case and is rated when that case closes."""
        if not self.visit.merged_into:
            self._merged_into(master_id=master_id)

    def link_merged(self, case_id: str) -> None:
        if case_id not in self.visit.merged_cases:
            self._merged_case_linked(case_id=case_id)

    def note_review_assigned(self, stage: Stage, body: str) -> None:
        review = self.reviews.get(stage)
        if review is not None and review.body != body:
            self._review_body_noted(stage=stage, body=body)

    # 回访评价

    def rate(self, rating: str, comment: str, on: date, actor: str, terms: Terms) -> None:
        """不满意 in round 1 sends the case back for re-handling (a new round), where the office keeps that practice;
        later rounds do not. Either way the petitioner may still ask for 复查 (Art 35)."""
        self.check_on(on)
        self.check_not_finalised()
        self.check_opinion_matter("回访评价")
        self.visit.check_rateable(self.case_no)
        sends_back = terms.limits.unsatisfied_sends_back and self.visit.sends_back(rating)
        self._rated(rating=rating, comment=comment, rated_on=on, round=self.round, actor=actor)
        if sends_back:
            reason = comment or "信访人不满意，退回重办"
            self._sent_back(round=FIRST_ROUND + 1, reason=reason, sent_back_on=on, actor=actor)
            self.observe(Fact("case_sent_back", on, round=FIRST_ROUND + 1), terms)

    # 复查 / 复核 (Art 35, 36)

    def request_review(self, stage: Stage, reasons: str, on: date, actor: str, terms: Terms) -> None:
        self.check_on(on)
        self.check_not_finalised()
        self.check_opinion_matter("复查复核")
        self.reviews.check_requestable(self.case_no, stage, on, self.visit, self.window_due(stage))
        window = self.window_round(stage)
        self._review_requested(stage=stage, reasons=reasons, requested_on=on, actor=actor, window_round=window)
        self.observe(Fact("review_requested", on, stage=stage, round=window), terms)

    def exclude_hearing(self, stage: Stage, from_on: date, to_on: date, on: date, actor: str, terms: Terms) -> None:
        """听证时间不计入复查/复核期限 (Art 36)."""
        self.check_on(on)
        self.check_not_finalised()
        self.reviews.check_hearing_period(self.case_no, stage, from_on, to_on, on)
        self._hearing_excluded(stage=stage, from_on=from_on, to_on=to_on, entered_on=on, actor=actor)
        self.observe(Fact("hearing_days_excluded", to_on, stage=stage, days=inclusive_days(from_on, to_on)), terms)

    def review_opinion(
        self, stage: Stage, outcome: ReviewOutcome, text: str, body: str, on: date, actor: str, terms: Terms
    ) -> None:
        """复查/复核意见; the re-review opinion finalises the case (终结, Art 36)."""
        self.check_on(on)
        self.check_not_finalised()
        self.reviews.check_opinion(self.case_no, stage, body)
        self._opinion_issued(stage=stage, outcome=outcome, text=text, body=body, issued_on=on, actor=actor)
        self.observe(Fact("review_opinion_issued", on, stage=stage), terms)
        if stage == Stage.re_review:
            self._finalised(finalised_on=on, basis=f"复核意见: {label(outcome, ReviewOutcome)}", actor=actor)

    def publicise(self, venue: str, content: str, until_on: date | None, on: date, actor: str) -> None:
        """公示 (Art 36¶2): the re-review body makes public an opinion given after a hearing; after finalisation too."""
        self.check_on(on)
        review = self.reviews.get(Stage.re_review) or Review(date.min)
        self.follow_up.check_publicisable(self.case_no, review.opinion_on, on, until_on)
        self._publicised(body=review.body, venue=venue, content=content, publicised_on=on, until_on=until_on,
                         actor=actor)  # fmt: skip

    def record_aftercare(self, work: str, department: str, content: str, on: date, actor: str) -> None:
        """疏导教育、矛盾化解、帮扶救助 with the petitioner once the matter is finalised (Art 37¶3), by the responsible
        unit (the lead department unless another is named); as often as the work goes on."""
        self.check_on(on)
        if self.finalised_on is None:
            raise CaseNotFinalised(
                f"案件 {self.case_no} 尚未终结: 疏导教育、帮扶救助等后续工作记录于已终结的案件 (Art 37¶3)"
            )
        unit = department or self.department
        self._aftercare(work=str(work), department=unit, content=content, done_on=on, actor=actor)

    def window_round(self, stage: Stage) -> int:
        """The round of the petitioner's window a request uses (the latest written answer delivered), 0 if none."""
        clock = Clock.review_request if stage == Stage.review else Clock.re_review_request
        return max((r for c, r in self.clocks if c == clock), default=0)

    def window_due(self, stage: Stage) -> date | None:
        """The last day to ask for a stage: 30 days from the latest written answer's delivery (Art 35, 36)."""
        clock = Clock.review_request if stage == Stage.review else Clock.re_review_request
        state = self.clocks.get((clock, self.window_round(stage)))
        return state.due_on if state else None

    def serve_notice(
        self, notice: str, method: str | None, content: str, unreachable: bool, competent_body: str, on: date,
        actor: str, terms: Terms, round_: int = 1,
    ) -> None:  # fmt: skip
        """复查/复核意见送达 and 终结告知 (Art 35, 36): the day the written answer reached the petitioner, from which
        the next 30 days run."""
        self.check_on(on)
        self.notices.check(self.case_no, self.NOTICES, notice, method, unreachable, round_)
        self.check_noticeable(notice, round_)
        self._notice_served(
            notice=notice, method=method, served_on=on, content=content, unreachable=unreachable,
            competent_body=competent_body, round=round_, actor=actor, case_no=self.case_no,
        )  # fmt: skip
        if notice == NoticeKind.review_opinion:  # the re-review window runs from its delivery (Art 36)
            self.observe(Fact("review_opinion_served", on), terms)

    def check_noticeable(self, notice: str, round_: int) -> None:
        stage = OPINION_NOTICES.get(notice)
        decided = self.finalised_on if stage is None else (self.reviews.get(stage) or Review(date.min)).opinion_on
        if decided is None:
            raise nothing_to_notify(self.case_no, notice)

    # 督办单, 通报

    def issue_order(
        self, reason: str, answer_due: date | None, on: date, actor: str, terms: Terms,
        grounds: list[str] | None = None, form: str = OrderForm.letter,
    ) -> str:  # fmt: skip
        """督办 on the grounds found (Art 40¶1), in its form; the answer is due by the office's local default."""
        self.check_on(on)
        self.check_open()
        self.orders.check_grounds(self.case_no, grounds or [])
        if OrderGround.refusing_execution in (grounds or []):
            self.follow_up.check_execution_pending(self.case_no, self.round)
        due = answer_due or due_date(on, terms.limits.order_answer)
        if due < on:
            raise AnswerDueBeforeIssue(f"回复期限 {due} 早于下发日期 {on}", "answer_due")
        self.orders.check_not_repeated(self.case_no, self.department, grounds or [], str(form), on)
        order_no = self.orders.next_no(self.case_no)
        self._order_issued(
            order_no=order_no, department=self.department, owning_leader=self.owning_leader, reason=reason,
            issued_on=on, answer_due_on=due, actor=actor, grounds=list(grounds or []), form=str(form),
        )  # fmt: skip
        self.observe(Fact("supervision_order_issued", on, round=len(self.orders.issued), days=(due - on).days), terms)
        return order_no

    def answer_order(self, order_no: str, department: str, answer: str, on: date, actor: str, terms: Terms) -> None:
        self.check_on(on)
        order = self.orders.answerable(self.case_no, order_no, department)
        self._order_answered(order_no=order_no, department=department, answer=answer, answered_on=on, actor=actor)
        self.observe(Fact("supervision_order_answered", on, round=order.round), terms)

    def propose(
        self, kind: str, department: str, text: str, order_no: str, feedback_due: date | None, on: date, actor: str,
        terms: Terms,
    ) -> str:  # fmt: skip
        """改进工作、完善政策、追究责任的建议 (Art 40): to the department unless another unit is named; its written
        feedback on adoption is due by the office's local default (Art 40¶4 sets no limit)."""
        self.check_on(on)
        addressee = department or self.department
        if not addressee:
            raise ProposalAddresseeMissing(f"案件 {self.case_no} 尚未交办，建议须写明反馈采纳情况的单位", "department")
        self.orders.check_proposal(self.case_no, kind, order_no, addressee)
        due = feedback_due or due_date(on, terms.limits.proposal_feedback)
        if due < on:
            raise AnswerDueBeforeIssue(f"反馈期限 {due} 早于提出日期 {on}", "feedback_due")
        proposal_no = self.orders.next_proposal_no(self.case_no)
        self._proposed(
            proposal_no=proposal_no, kind=str(kind), department=addressee, text=text, order_no=order_no,
            proposed_on=on, feedback_due_on=due, actor=actor,
        )  # fmt: skip
        self.observe(Fact("proposal_issued", on, round=len(self.orders.proposals), days=(due - on).days), terms)
        return proposal_no

    def feed_back(
        self, proposal_no: str, department: str, adoption: str, feedback: str, on: date, actor: str, terms: Terms
    ) -> None:
        """书面反馈采纳情况 (Art 40¶4): by the unit the proposal went to, once."""
        self.check_on(on)
        proposal = self.orders.answerable_proposal(self.case_no, proposal_no, department)
        self._fed_back(
            proposal_no=proposal_no, department=department, adoption=str(adoption), feedback=feedback,
            fed_back_on=on, actor=actor,
        )  # fmt: skip
        self.observe(Fact("proposal_adoption_reported", on, round=proposal.round), terms)

    def name_in_bulletin(
        self, bulletin_no: str, period: tuple[date, date], department: str, reason: str, on: date, actor: str
    ) -> None:
        """通报: named once per bulletin and reason; the bulletin is the bureau's, so no effective-date check."""
        if (bulletin_no, reason) not in self.orders.bulletins:
            self._named(
                bulletin_no=bulletin_no, period_from=period[0], period_to=period[1], department=department,
                reason=reason, published_on=on, actor=actor,
            )  # fmt: skip

    # 时限巡查

    def sweep(self, as_of: date, offsets: tuple[int, ...]) -> int:
        """Emit the warning or overdue mark each running duty clock has reached as of a date, each once."""
        emitted = 0
        for (clock, round_), state in sorted(self.clocks.items()):
            stage = pending_alarm((clock, round_), state, as_of, offsets, self.alarms.get((clock, round_), []))
            if stage is None:
                continue
            who = {"department": self.responsible(clock, round_), "owning_leader": self.owning_leader}
            if stage == MISSED:
                self._missed(clock=clock, round=round_, due_on=state.due_on, marked_on=as_of, **who)
            else:
                days_left = (state.due_on - as_of).days
                self._warned(
                    clock=clock, round=round_, due_on=state.due_on, days_left=days_left, warned_on=as_of,
                    stage=stage, **who,
                )  # fmt: skip
            emitted += 1
        return emitted

    def responsible(self, clock: Clock, round_: int = 1) -> str:
        """Who a warning goes to: the reviewing body for a review clock, the unit a proposal went to for its
        feedback, else the lead department."""
        if clock == Clock.proposal_feedback:
            return next(p.department for p in self.orders.proposals.values() if p.round == round_)
        if clock in (Clock.review, Clock.re_review):
            review = self.reviews.get(clock)
            return review.body if review is not None else ""
        return self.department

    # Guards

    def check_not_finalised(self) -> None:
        if self.finalised_on is not None:
            done = Done(self.finalised_by, self.finalised_on)
            raise CaseAlreadyFinalised(f"案件 {self.case_no} 已{done} 终结 (Art 36)")

    def check_open(self) -> None:
        """督办单只对在办案件下发: accepted and assigned, not closed in its latest round, not finalised; or while a
        supported opinion waits to be carried out (督促执行, Art 32¶2)."""
        if self.follow_up.execution_pending(self.round):
            return
        if self.finalised_on is not None or not self.department or self.visit.closed:
            state = "已终结" if self.finalised_on else "尚未交办" if not self.department else "已办结"
            raise CaseNotOpen(f"案件 {self.case_no} {state}，不能下发督办单")

    # Events

    @event("ResponsibleNoted")
    def _responsible_noted(self, department: str, owning_leader: str) -> None:
        self.department = department
        self.owning_leader = owning_leader

    @event("MatterNoted")
    def _matter_noted(self, kind: str, claim_route: str) -> None:
        self.matter = (kind, claim_route)

    @event("ClockRecorded")
    def _clock_recorded(
        self, clock: str, round: int, change: str, on: date, source: str, state: dict[str, Any]
    ) -> None:
        self._set_clock(clock, round, on, source, state)

    @event("ClockPaused")
    def _clock_paused(self, clock: str, round: int, change: str, on: date, source: str, state: dict[str, Any]) -> None:
        self._set_clock(clock, round, on, source, state)

    @event("ClockStopped")
    def _clock_stopped(self, clock: str, round: int, change: str, on: date, source: str, state: dict[str, Any]) -> None:
        self._set_clock(clock, round, on, source, state)

    def _set_clock(self, clock: str, round_: int, on: date, source: str, state: dict[str, Any]) -> None:
        self.clocks[(Clock(clock), round_)] = ClockState(**state)
        if source:
            self.sources.add(source)
        self.seen(on)

    # Alarms are the system's, not a staff action: they do not move the case's effective date (no seen()).
    @event("WarningIssued")
    def _warned(
        self, clock: str, round: int, due_on: date, days_left: int, warned_on: date, stage: int, department: str,
        owning_leader: str,
    ) -> None:  # fmt: skip
        self.alarms.setdefault((Clock(clock), round), []).append((stage, due_on))

    @event("DeadlineMissed")
    def _missed(
        self, clock: str, round: int, due_on: date, marked_on: date, department: str, owning_leader: str
    ) -> None:
        self.alarms.setdefault((Clock(clock), round), []).append((MISSED, due_on))

    @event("ReplyNoted")
    def _reply_noted(self, round: int, replied_on: date) -> None:
        self.visit.replies[round] = replied_on
        self.seen(replied_on)

    @event("ClosureNoted")
    def _closure_noted(self, round: int, closed_on: date) -> None:
        self.visit.closures[round] = closed_on
        self.seen(closed_on)

    @event("ExecutionFollowed")
    def _execution_followed(self, round: int, department: str, opened_on: date) -> None:
        self.follow_up.executions[round] = None
        self.seen(opened_on)

    @event("ExecutionNoted")
    def _execution_noted(self, round: int, carried_out_on: date) -> None:
        self.follow_up.executions[round] = carried_out_on
        self.seen(carried_out_on)

    @event("MergedInto")
    def _merged_into(self, master_id: str) -> None:
        self.visit.merged_into = master_id

    @event("MergedCaseLinked")
    def _merged_case_linked(self, case_id: str) -> None:
        self.visit.merged_cases.append(case_id)

    @event("Rated")
    def _rated(self, rating: str, comment: str, rated_on: date, round: int, actor: str) -> None:
        self.visit.ratings[round], self.visit.rated[round] = rating, Done(actor, rated_on)
        self.seen(rated_on)

    @event("CaseSentBack")
    def _sent_back(self, round: int, reason: str, sent_back_on: date, actor: str) -> None:
        self.visit.round = round
        self.seen(sent_back_on)

    @event("ReviewRequested")
    def _review_requested(
        self, stage: str, reasons: str, requested_on: date, actor: str, window_round: int | None = None
    ) -> None:
        self.reviews[stage] = Review(requested_on, requested_by=actor)
        self.seen(requested_on)

    @event("ReviewBodyNoted")
    def _review_body_noted(self, stage: str, body: str) -> None:
        self.reviews[stage].body = body

    @event("HearingDaysExcluded")
    def _hearing_excluded(self, stage: str, from_on: date, to_on: date, entered_on: date, actor: str) -> None:
        self.follow_up.re_review_heard = self.follow_up.re_review_heard or stage == Stage.re_review
        self.seen(entered_on)

    @event("ReviewOpinionIssued")
    def _opinion_issued(self, stage: str, outcome: str, text: str, body: str, issued_on: date, actor: str) -> None:
        self.reviews[stage].opinion_on, self.reviews[stage].opinion_by = issued_on, actor
        self.seen(issued_on)

    @event("OpinionPublicised")
    def _publicised(
        self, body: str, venue: str, content: str, publicised_on: date, until_on: date | None, actor: str
    ) -> None:
        self.follow_up.publicised_on, self.follow_up.publicised_by = publicised_on, actor
        self.seen(publicised_on)

    @event("AftercareRecorded")
    def _aftercare(self, work: str, department: str, content: str, done_on: date, actor: str) -> None:
        self.seen(done_on)

    @event("CaseFinalised")
    def _finalised(self, finalised_on: date, basis: str, actor: str) -> None:
        self.finalised_on, self.finalised_by = finalised_on, actor
        self.seen(finalised_on)

    @event("SupervisionOrderIssued")
    def _order_issued(
        self, order_no: str, department: str, owning_leader: str, reason: str, issued_on: date,
        answer_due_on: date, actor: str, grounds: list[str] | None = None, form: str = OrderForm.letter,
    ) -> None:  # fmt: skip
        self.orders.issued[order_no] = Order(
            department, len(self.orders.issued) + 1, Done(actor, issued_on), answer_due_on, tuple(grounds or ()), form
        )
        self.seen(issued_on)

    @event("SupervisionOrderAnswered")
    def _order_answered(self, order_no: str, department: str, answer: str, answered_on: date, actor: str) -> None:
        order = self.orders.issued[order_no]
        order.answered_on, order.answered_by = answered_on, actor
        self.seen(answered_on)

    @event("ProposalIssued")
    def _proposed(
        self, proposal_no: str, kind: str, department: str, text: str, order_no: str, proposed_on: date,
        feedback_due_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.orders.proposals[proposal_no] = Proposal(kind, department, len(self.orders.proposals) + 1)
        self.seen(proposed_on)

    @event("ProposalAdoptionReported")
    def _fed_back(
        self, proposal_no: str, department: str, adoption: str, feedback: str, fed_back_on: date, actor: str
    ) -> None:
        proposal = self.orders.proposals[proposal_no]
        proposal.fed_back_on, proposal.fed_back_by = fed_back_on, actor
        self.seen(fed_back_on)

    @event("NamedInBulletin")
    def _named(
        self, bulletin_no: str, period_from: date, period_to: date, department: str, reason: str,
        published_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.orders.bulletins.add((bulletin_no, reason))

    @event("NoticeServed")
    def _notice_served(
        self, notice: str, method: str | None, served_on: date, content: str, unreachable: bool, competent_body: str,
        round: int, actor: str, case_no: str,
    ) -> None:  # fmt: skip
        self.notices.record(notice, round, served_on, actor)
        self.seen(served_on)


# Clocks whose limit is the office's own (本地规定): the 2022 text sets none for an order's answer or a
# proposal's feedback (Art 40).
LOCAL_CLOCKS = frozenset({Clock.order_answer, Clock.proposal_feedback})
CLOCK_STATE = ("starts_on", "due_on", "limit_days", "count", "paused_days", "extension_days", "excluded_days")


def deadline_recorded(stored: Any) -> dict[str, Any]:
    state = {name: stored.state[name] for name in CLOCK_STATE}
    rule = DeadlineRule.local_materials_pause if state["paused_days"] else stored.state.get("rule", "statutory")
    rule = DeadlineRule.local_default if stored.clock in LOCAL_CLOCKS else rule
    return {
        "clock": stored.clock, "round": stored.round, **state, "reason": stored.change, "changed_on": stored.on,
        "rule": rule, "calendar_uncovered": stored.state.get("uncovered", False),
    }  # fmt: skip


def clock_paused(stored: Any) -> dict[str, Any]:
    return {"clock": stored.clock, "round": stored.round, "paused_on": stored.on, "reason": "补正材料"}


def clock_stopped(stored: Any) -> dict[str, Any]:
    state = {name: stored.state[name] for name in ("stopped_on", "due_on", "on_time")}
    return {"clock": stored.clock, "round": stored.round, **state}


stored_events(
    Supervision,
    "supervision",
    "Supervision",
    {
        "Opened": None,
        "ResponsibleNoted": None,
        "MatterNoted": None,
        "ClockRecorded": Twin(DeadlineRecorded, deadline_recorded),
        "ClockPaused": Twin(ClockPaused, clock_paused),
        "ClockStopped": Twin(ClockStopped, clock_stopped),
        "WarningIssued": WarningIssued,
        "DeadlineMissed": DeadlineMissed,
        "ReplyNoted": None,
        "ClosureNoted": None,
        "ExecutionFollowed": ExecutionFollowUpOpened,
        "ExecutionNoted": None,  # its public twin is mediation's execution_carried_out
        "MergedInto": None,
        "MergedCaseLinked": None,
        "Rated": SatisfactionRated,
        "CaseSentBack": CaseSentBack,
        "ReviewRequested": ReviewRequested,
        "ReviewBodyNoted": None,
        "HearingDaysExcluded": HearingDaysExcluded,
        "ReviewOpinionIssued": ReviewOpinionIssued,
        "CaseFinalised": CaseFinalised,
        "OpinionPublicised": ReReviewOpinionPublicised,
        "AftercareRecorded": AftercareRecorded,
        "SupervisionOrderIssued": SupervisionOrderIssued,
        "SupervisionOrderAnswered": SupervisionOrderAnswered,
        "NamedInBulletin": NamedInBulletin,
        "ProposalIssued": ProposalIssued,
        "ProposalAdoptionReported": ProposalAdoptionReported,
        "NoticeServed": NoticeServed,
    },
)
