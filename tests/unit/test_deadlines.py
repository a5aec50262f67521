"""Every deadline is recomputable from the case's events alone: targeted per clock, then generated cases."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from events import CaseEvent
from events.notices import NoticeServed
from events.supervision import HearingDaysExcluded, ReviewOpinionIssued, ReviewRequested
from events.vocabulary import Clock, DayCount, Rating, ReviewOutcome, Stage
from services.runtime.calendar import calendar
from services.runtime.errors import DomainError
from services.runtime.limits import Limits
from services.supervision.commands import (
    AnswerOrder,
    ExcludeHearingDays,
    GiveFeedback,
    IssueOrder,
    IssueReviewOpinion,
    MakeProposal,
    RateSatisfaction,
    RequestReview,
    ServeNotice,
)
from services.supervision.domain import Supervision
from services.supervision.domain.deadlines import ClockState, recompute
from tests.support.harness import Reactor
from tests.unit import supervision_kit as kit

CAL = calendar()
LIMITS = Limits()
D = date(2025, 3, 3)  # a Monday


def day(n: int) -> date:
    return D + timedelta(days=n)


def clocks(*events: CaseEvent) -> dict[tuple[Clock, int], ClockState]:
    return recompute(list(events), LIMITS, CAL)


C = str(uuid4())


def test_acceptance_runs_15_days_from_receipt_and_the_materials_notice_pauses_nothing_art_22_23() -> None:
    got = clocks(kit.registered(C, D), kit.materials_requested(C, day(2)), kit.materials_supplemented(C, day(7)))
    state = got[(Clock.acceptance, 1)]
    assert (state.starts_on, state.paused_days, state.paused_on, state.due_on) == (D, 0, None, day(15))


def test_an_offices_local_rule_pauses_acceptance_while_materials_are_supplemented() -> None:
    local = replace(LIMITS, materials_pause=True)
    events = (kit.registered(C, D), kit.materials_requested(C, day(2)), kit.materials_supplemented(C, day(7)))
    got = recompute(events, local, CAL)
    state = got[(Clock.acceptance, 1)]
    assert (state.starts_on, state.paused_days, state.due_on) == (D, 5, day(20))
    paused = recompute((kit.registered(C, D), kit.materials_requested(C, day(2))), local, CAL)[(Clock.acceptance, 1)]
    assert paused.paused_on == day(2)


def test_acceptance_stops_on_the_decision_on_time_or_late() -> None:
    assert clocks(kit.registered(C, D), kit.accepted(C, day(15)))[(Clock.acceptance, 1)].on_time is True
    assert clocks(kit.registered(C, D), kit.not_accepted(C, day(16)))[(Clock.acceptance, 1)].on_time is False
    assert clocks(kit.registered(C, D), kit.merged(C, day(3), str(uuid4())))[(Clock.acceptance, 1)].stopped_on == day(3)


def test_objection_counts_5_working_days_from_receipt_and_restarts_on_reassignment_art_23() -> None:
    assigned = kit.registered(C, D), kit.accepted(C, D), kit.assigned(C, day(1))
    assert (Clock.objection, 1) not in clocks(*assigned)  # nothing runs until the department has received it
    got = clocks(*assigned, kit.received(C, day(4)))  # received on a Friday
    state = got[(Clock.objection, 1)]
    assert state.count == DayCount.working and (state.starts_on, state.due_on) == (day(4), day(11))
    got = clocks(
        *assigned, kit.received(C, day(4)), kit.objection(C, day(5)), kit.reassigned(C, day(7), "990101"),
        kit.received(C, day(8), "990101"),
    )  # fmt: skip
    assert got[(Clock.objection, 1)].stopped_on == day(5)
    assert got[(Clock.objection, 2)].starts_on == day(8) and got[(Clock.objection, 2)].running
    assert got[(Clock.receipt_notice, 1)].stopped_on == day(7)  # the earlier lead no longer tells the petitioner
    assert got[(Clock.receipt_notice, 2)].starts_on == day(8)


def test_a_co_handlers_receipt_moves_no_clock_of_the_case_art_23() -> None:
    got = clocks(kit.assigned(C, day(1)), kit.received(C, day(2), "990100CGJ", lead=False))
    assert not got


def test_the_receipt_notice_is_due_15_days_after_receipt_and_stops_when_served_art_23() -> None:
    served = kit.public(
        NoticeServed, C, case_no="XF1", notice="receipt", method="written", served_on=day(16), content="已接收"
    )
    got = clocks(kit.assigned(C, day(1)), kit.received(C, day(2)), served)
    state = got[(Clock.receipt_notice, 1)]
    assert (state.starts_on, state.due_on, state.stopped_on, state.on_time) == (day(2), day(17), day(16), True)


def test_a_reassignment_settled_on_a_dispute_opens_no_new_objection_period_art_24() -> None:
    got = clocks(
        kit.assigned(C, day(4)), kit.received(C, day(4)), kit.objection(C, day(5)),
        kit.reassigned(C, day(9), "990101", final=True), kit.received(C, day(9), "990101", final=True),
    )  # fmt: skip
    assert (Clock.objection, 2) not in got and (Clock.receipt_notice, 2) in got


def test_national_holidays_are_not_working_days() -> None:
    received = date(2025, 9, 30)  # before the National Day holiday (Oct 1-8, 2025)
    state = clocks(kit.assigned(C, received), kit.received(C, received))[(Clock.objection, 1)]
    assert state.due_on == CAL.add_working_days(received, 5) and state.due_on > date(2025, 10, 8)


def test_handling_runs_60_days_plus_the_extension_art_34() -> None:
    got = clocks(kit.registered(C, D), kit.accepted(C, D), kit.extension(C, day(50), 30), kit.reply(C, day(85)))
    state = got[(Clock.handling, 1)]
    assert (state.extension_days, state.due_on, state.on_time) == (30, day(90), True)


def test_a_rehandling_round_has_its_own_60_days() -> None:
    sent_back = kit.public(kit_sent_back(), C, round=2, reason="不满意", sent_back_on=day(30))
    state = clocks(kit.accepted(C, D), kit.reply(C, day(20)), sent_back)[(Clock.handling, 2)]
    assert (state.starts_on, state.due_on) == (day(30), day(90))


def kit_sent_back() -> Any:
    from events.supervision import CaseSentBack

    return CaseSentBack


def test_review_windows_and_review_limits_with_hearing_days_excluded_from_the_re_review_art_35_36() -> None:
    got = clocks(
        kit.accepted(C, D),
        kit.reply(C, day(20)),
        kit.public(NoticeServed, C, case_no="XF1", notice="reply", method="written", served_on=day(22)),
        kit.public(ReviewRequested, C, stage="review", reasons="不服", requested_on=day(40)),
        kit.public(ReviewOpinionIssued, C, stage="review", outcome="upheld", text="维持", body="X", issued_on=day(65)),
        kit.public(NoticeServed, C, case_no="XF1", notice="review_opinion", method="sms", served_on=day(67)),
        kit.public(ReviewRequested, C, stage="re_review", reasons="不服", requested_on=day(80)),
        kit.public(HearingDaysExcluded, C, stage="re_review", from_on=day(85), to_on=day(87)),
        kit.public(
            ReviewOpinionIssued, C, stage="re_review", outcome="upheld", text="维持", body="Y", issued_on=day(112)
        ),
    )
    # Each window runs from the written answer's delivery (Art 35, 36), not its issue.
    assert got[(Clock.review_request, 1)].due_on == day(52) and got[(Clock.review_request, 1)].stopped_on == day(40)
    review = got[(Clock.review, 1)]
    assert (review.excluded_days, review.due_on, review.on_time) == (0, day(70), True)
    assert got[(Clock.re_review_request, 1)].due_on == day(97)
    re_review = got[(Clock.re_review, 1)]
    assert (re_review.excluded_days, re_review.due_on, re_review.on_time) == (3, day(113), True)


def test_a_request_closes_the_window_it_used_even_when_a_later_delivery_is_read_first_art_35() -> None:
    """Sent back after an unsatisfied rating, the case is answered again while the petitioner asks for 复查 on the
    first answer: the stream may carry the second delivery before the request, which names its window."""
    served = {"case_no": "XF1", "notice": "reply", "method": "written"}
    sent_back = kit.public(kit_sent_back(), C, round=2, reason="不满意", sent_back_on=day(30))
    asked = {"stage": "review", "reasons": "不服", "requested_on": day(35)}
    timeline = [
        kit.accepted(C, D), kit.reply(C, day(20)), kit.public(NoticeServed, C, served_on=day(22), **served), sent_back,
        kit.reply(C, day(33), 2), kit.public(NoticeServed, C, served_on=day(34), round=2, **served),
    ]  # fmt: skip
    got = clocks(*timeline, kit.public(ReviewRequested, C, window_round=1, **asked))
    assert got[(Clock.review_request, 1)].stopped_on == day(35) and got[(Clock.review_request, 2)].running
    legacy = clocks(*timeline, kit.public(ReviewRequested, C, **asked))  # recorded before it named its window
    assert legacy[(Clock.review_request, 2)].stopped_on == day(35)


def test_recompute_ignores_duplicates_and_supervisions_own_clock_outputs() -> None:
    ext = kit.extension(C, day(10), 10)
    assert clocks(kit.accepted(C, D), ext, ext)[(Clock.handling, 1)].extension_days == 10


# Generated cases: the aggregate's recorded deadlines equal recompute() over the same events.


class Path:
    """One generated case, driven through the application as the other services and staff would."""

    def __init__(self, rng: random.Random, app: Any, driver: Reactor):
        self.rng, self.app, self.driver = rng, app, driver
        self.case_id = str(uuid4())
        self.on = date(2025, 1, 1) + timedelta(days=rng.randrange(300))
        self.timeline: list[CaseEvent] = []

    def later(self, low: int, high: int) -> date:
        self.on += timedelta(days=self.rng.randint(low, high))
        return self.on

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def react(self, event: CaseEvent) -> None:
        self.driver.react(event)
        self.timeline.append(event)
        self.collect()

    def collect(self) -> None:
        self.timeline.extend(self.driver.published())

    def command(self, handler: Any, model: type, **fields: Any) -> bool:
        try:
            handler(model(case_id=UUID(self.case_id), on=self.on, **fields))
        except DomainError:
            return False
        finally:
            self.collect()
        return True

    def sweep(self) -> None:
        if self.chance(0.5):
            self.app.sweep_as_of(self.on + timedelta(days=self.rng.randint(0, 70)))
            self.collect()

    def run(self) -> None:
        c = self.case_id
        self.react(kit.registered(c, self.on))
        if self.chance(0.3):
            self.react(kit.materials_requested(c, self.later(0, 10)))
            if self.chance(0.8):
                self.react(kit.materials_supplemented(c, self.later(0, 20)))
        self.sweep()
        if self.chance(0.1):
            return self.react(kit.not_accepted(c, self.later(0, 20)))
        self.react(kit.accepted(c, self.later(0, 20)))
        self.assignment()
        self.rounds()

    def assignment(self) -> None:
        c = self.case_id
        self.react(kit.assigned(c, self.later(0, 3)))
        received = self.chance(0.8)  # the 交办 received before 签收; else 签收 is the receipt
        if received:
            self.react(kit.received(c, self.later(0, 3)))
        while self.chance(0.3):
            self.react(kit.objection(c, self.later(0, 8)))
            self.react(kit.reassigned(c, self.later(0, 5), "990101"))
            received = self.chance(0.8)
            if received:
                self.react(kit.received(c, self.later(0, 4), "990101"))
        self.sweep()
        on = self.later(0, 9)
        if not received:  # as assignment records it: 签收 with no receipt before is the receipt, with no window
            self.react(kit.received(c, on, final=True))
        self.react(kit.acknowledged(c, on))
        if self.chance(0.7):  # 接收情况告知, late or on time
            told = {"case_no": "XF1", "notice": "receipt", "method": "written", "content": "已接收"}
            self.react(kit.public(NoticeServed, c, served_on=self.later(0, 20), **told))
        if self.chance(0.3):
            order = {"reason": "督办", "grounds": ["delay"], "answer_due": self.on + timedelta(days=20)}
            self.command(self.app.issue_order, IssueOrder, **order)
            if self.chance(0.6):
                self.later(0, 40)
                answer = {"order_no": "DBXF1-1", "department": kit.DEPARTMENT, "answer": "已办"}
                self.command(self.app.answer_order, AnswerOrder, **answer)
        if self.chance(0.3):  # 建议 and its written feedback, by the local default or a date set (Art 40¶4)
            due = self.on + timedelta(days=25) if self.chance(0.5) else None
            self.command(self.app.propose, MakeProposal, kind="improve_work", text="完善台账", feedback_due=due)
            if self.chance(0.6):
                self.later(0, 40)
                fed_back = {"proposal_no": "JYXF1-1", "department": kit.DEPARTMENT, "adoption": "adopted"}
                self.command(self.app.feedback, GiveFeedback, **fed_back, feedback="已采纳")

    def rounds(self) -> None:
        c = self.case_id
        for round_ in (1, 2):
            if self.chance(0.3):
                self.react(kit.extension(c, self.later(5, 50), self.rng.randint(1, 30), round_))
            self.sweep()
            self.react(kit.reply(c, self.later(1, 70), round_))
            if self.chance(0.8):  # the written reply delivered (处理意见书送达), which opens the review window
                delivered = {"case_no": "XF1", "notice": "reply", "method": "written", "round": round_}
                self.react(kit.public(NoticeServed, c, served_on=self.later(0, 6), **delivered))
            self.react(kit.closed(c, self.later(0, 5), round_))
            rating = Rating.unsatisfied if self.chance(0.4) else Rating.satisfied
            self.command(self.app.rate, RateSatisfaction, rating=rating, comment="回访")
            if rating == Rating.satisfied or round_ == 2:
                break
        for stage in (Stage.review, Stage.re_review):
            if not self.chance(0.5):
                return
            self.later(0, 35)
            if not self.command(self.app.request_review, RequestReview, stage=stage, reasons="不服"):
                return
            self.react(kit.review_assigned(c, self.on, stage))
            if stage == Stage.re_review and self.chance(0.4):  # hearing time leaves only 复核 limits (Art 36¶2)
                start = self.later(1, 10)
                hearing = {"stage": stage, "from_on": start, "to_on": self.later(0, 5)}
                self.command(self.app.exclude_hearing, ExcludeHearingDays, **hearing)
            self.sweep()
            self.later(1, 40)
            opinion = {"stage": stage, "outcome": ReviewOutcome.upheld, "text": "维持", "body": kit.BODY}
            self.command(self.app.review_opinion, IssueReviewOpinion, **opinion)
            if stage == Stage.review and self.chance(0.8):  # 复查意见送达, which opens the re-review window
                self.later(0, 6)
                self.command(self.app.serve_notice, ServeNotice, notice="review_opinion", method="written")


def recorded(timeline: list[CaseEvent]) -> dict[tuple[Clock, int], dict[str, Any]]:
    """What the published clock events say about each clock, the latest event winning."""
    seen: dict[tuple[Clock, int], dict[str, Any]] = {}
    for event in timeline:
        if event.event_type in ("deadline_recorded", "clock_stopped"):
            values = event.model_dump(include={"starts_on", "due_on", "limit_days", "stopped_on", "on_time"})
            seen.setdefault((Clock(event.clock), event.round), {}).update(values)  # type: ignore[attr-defined]
    return seen


@pytest.mark.parametrize("seed", range(3))
def test_the_aggregates_deadlines_equal_recompute_for_generated_cases(seed: int) -> None:
    rng = random.Random(seed)
    app = kit.memory_app(cache=True)
    driver = Reactor(app)
    for _ in range(100):
        path = Path(rng, app, driver)
        path.run()
        expected = recompute(path.timeline, LIMITS, CAL)
        case = app.load(UUID(path.case_id), Supervision)
        assert case.clocks == expected, path.timeline
        for key, values in recorded(path.timeline).items():
            state = expected[key]
            assert values["due_on"] == state.due_on and values["starts_on"] == state.starts_on, key
            assert (values.get("stopped_on"), values.get("on_time")) == (state.stopped_on, state.on_time), key


def test_the_60_days_bind_an_art_31_6_claim_and_a_suggestion_or_report_only_by_a_local_limit_art_34() -> None:
    def handling(limits: Limits, kind: str, claim_route: str | None = None) -> ClockState | None:
        events = (kit.registered(C, D), kit.accepted(C, day(3), kind, claim_route))
        return recompute(events, limits, CAL).get((Clock.handling, 1))

    claim = handling(LIMITS, "claim", "opinion")
    assert claim is not None and (claim.due_on, claim.rule) == (day(63), "statutory")
    assert [handling(LIMITS, kind) for kind in ("suggestion", "report")] == [None, None]
    assert handling(LIMITS, "claim", "duty") is None  # Art 31(5): answered by the duty, no Art 34 clock
    local = replace(LIMITS, suggestion_handling=20)
    suggestion = handling(local, "suggestion")
    assert suggestion is not None and (suggestion.due_on, suggestion.rule) == (day(23), "local_limit")
    assert handling(local, "report") is None and handling(replace(LIMITS, report_handling=45), "report") is not None
