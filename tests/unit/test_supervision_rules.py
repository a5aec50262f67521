"""Supervision's rules (督办), one test per rule, named after it, on the real aggregate and application."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from events.mediation import ReportFedBack
from events.supervision import AftercareRecorded, DeadlineRecorded, ReReviewOpinionPublicised, SupervisionOrderIssued
from events.vocabulary import (
    Adoption,
    AftercareKind,
    Clock,
    DeadlineRule,
    OrderForm,
    OrderGround,
    ProposalKind,
    Rating,
    ReviewOutcome,
    Stage,
)
from services.runtime.calendar import calendar
from services.runtime.effective import BeforePreviousEvent
from services.runtime.errors import InvalidInput
from services.runtime.limits import Limits, Terms
from services.runtime.notices import NothingToNotify
from services.runtime.stored import to_public
from services.supervision.commands import PublishBulletin, RateSatisfaction, RequestReview, Sweep
from services.supervision.domain import Supervision
from services.supervision.domain.errors import (
    AccountabilityToSameUnit,
    AccountabilityWithoutGrounds,
    AlreadyPublicised,
    AlreadyRated,
    AnswerDueBeforeIssue,
    BulletinAlreadyPublished,
    CaseAlreadyFinalised,
    CaseNotFinalised,
    CaseNotOpen,
    FeedbackAlreadyGiven,
    HearingOnlyForReReview,
    HearingPeriodInvalid,
    NoExecutionPending,
    NoReplyYet,
    NoReviewOpinion,
    NotAnOpinionMatter,
    NotClosedYet,
    NothingToPublicise,
    NotOrderAddressee,
    NotProposalAddressee,
    NotReviewBody,
    OpinionAlreadyIssued,
    OpinionNotHeard,
    OrderAlreadyAnswered,
    OrderGroundsMissing,
    PeriodInvalid,
    PublicityPeriodInvalid,
    ReviewAlreadyRequested,
    ReviewNotAssigned,
    ReviewNotOpen,
    ReviewWindowClosed,
    UnknownOrder,
    UnknownProposal,
)
from services.supervision.domain.facts import Fact
from tests.support.clock import TODAY
from tests.support.harness import Reactor, public
from tests.unit import supervision_kit as kit

D = date(2025, 3, 3)
DELAY = [OrderGround.delay]
TERMS = Terms(Limits(), calendar())


def day(n: int) -> date:
    return D + timedelta(days=n)


def new_case() -> Supervision:
    case = Supervision(id=uuid4(), case_no="XF1", received_on=D)
    case.observe(Fact("petition_registered", D), TERMS)
    return case


def in_handling(on: date = D) -> Supervision:
    case = new_case()
    case.observe(Fact("petition_accepted", on), TERMS)
    case.note_responsible(kit.DEPARTMENT, kit.LEADER)
    return case


def replied(case: Supervision, on: date, round_: int = 1) -> Supervision:
    case.note_reply(round_, on)
    case.observe(Fact("reply_issued", on, round=round_), TERMS)
    return case


def served(case: Supervision, on: date, round_: int = 1) -> Supervision:
    """处理意见书送达: the written reply reached the petitioner."""
    case.observe(Fact("reply_served", on, round=round_), TERMS)
    return case


def closed(on: date = day(20), served_on: date | None = None) -> Supervision:
    """Replied and closed on ``on``; the reply served that day unless ``served_on`` says otherwise."""
    case = replied(in_handling(), on)
    case.note_closed(1, on)
    return served(case, served_on or on)


def reviewed(on: date = day(40)) -> Supervision:
    case = closed()
    case.request_review(Stage.review, "不服", day(30), "", TERMS)
    case.note_review_assigned(Stage.review, kit.BODY)
    case.review_opinion(Stage.review, ReviewOutcome.upheld, "维持", kit.BODY, on, "", TERMS)
    return case


def types(case: Supervision) -> list[str]:
    return [type(e).__name__ for e in case.collect_events()]


# 回访评价


def test_rating_waits_for_the_round_to_be_closed() -> None:
    with pytest.raises(NotClosedYet):
        replied(in_handling(), day(10)).rate(Rating.satisfied, "", day(11), "", TERMS)


def test_each_round_is_rated_once() -> None:
    case = closed()
    case.rate(Rating.satisfied, "", day(21), "", TERMS)
    with pytest.raises(AlreadyRated):
        case.rate(Rating.unsatisfied, "", day(22), "", TERMS)


def test_unsatisfied_in_round_one_sends_the_case_back_for_rehandling() -> None:
    case = closed()
    case.rate(Rating.unsatisfied, "仍漏水", day(21), "", TERMS)
    assert "CaseSentBack" in types(case)
    assert case.round == 2
    assert case.clocks[(Clock.handling, 2)].starts_on == day(21)
    assert case.clocks[(Clock.handling, 2)].due_on == day(81)


def test_unsatisfied_in_a_later_round_does_not_send_back_again() -> None:
    case = closed()
    case.rate(Rating.unsatisfied, "", day(21), "", TERMS)
    replied(case, day(30), 2).note_closed(2, day(31))
    case.collect_events()
    case.rate(Rating.unsatisfied, "", day(32), "", TERMS)
    assert types(case) == ["Rated"] and case.round == 2


def test_an_action_is_never_dated_before_the_previous_event() -> None:
    with pytest.raises(BeforePreviousEvent):
        closed(day(20)).rate(Rating.satisfied, "", day(19), "", TERMS)


# 复查 / 复核 (Art 35, 36)


def test_a_review_needs_a_reply_art_35() -> None:
    with pytest.raises(NoReplyYet):
        in_handling().request_review(Stage.review, "不服", day(5), "", TERMS)


def test_a_review_is_requested_within_30_days_of_receiving_the_written_reply_art_35() -> None:
    case = closed(day(20), served_on=day(23))  # issued on day 20, received on day 23
    with pytest.raises(ReviewWindowClosed):
        case.request_review(Stage.review, "不服", day(54), "", TERMS)  # 31 days after delivery
    case.request_review(Stage.review, "不服", day(53), "", TERMS)  # 30 after delivery, though 33 after issue
    assert case.clocks[(Clock.review, 1)].due_on == day(83)


def test_before_the_reply_is_served_no_window_has_started_art_35() -> None:
    case = replied(in_handling(), day(20))
    case.note_closed(1, day(20))
    assert (Clock.review_request, 1) not in case.clocks
    case.request_review(Stage.review, "不服", day(90), "", TERMS)


def test_an_unsatisfied_rating_sends_the_case_back_but_never_takes_away_the_review_art_35() -> None:
    case = closed(day(20), served_on=day(23))
    case.rate(Rating.unsatisfied, "", day(25), "", TERMS)
    assert case.round == 2  # re-handling under way (the practice)
    with pytest.raises(ReviewWindowClosed):  # the 30 days from the delivery of the written reply still bind
        case.request_review(Stage.review, "不服", day(54), "", TERMS)
    case.request_review(Stage.review, "不服", day(53), "", TERMS)
    sent_back, requested = [e for e in case.collect_events() if type(e).__name__ in ("CaseSentBack", "ReviewRequested")]
    assert (sent_back.round, requested.stage) == (2, "review")


def test_an_office_without_the_send_back_practice_keeps_the_case_in_its_round_art_35() -> None:
    case = closed(day(20))
    case.rate(Rating.unsatisfied, "", day(25), "", Terms(Limits(unsatisfied_sends_back=False), calendar()))
    assert case.round == 1 and (Clock.handling, 2) not in case.clocks
    case.request_review(Stage.review, "不服", day(26), "", TERMS)


def test_each_stage_is_requested_once_art_35() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    with pytest.raises(ReviewAlreadyRequested):
        case.request_review(Stage.review, "再次", day(26), "", TERMS)


def test_a_re_review_needs_a_review_opinion_art_36() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    with pytest.raises(NoReviewOpinion):
        case.request_review(Stage.re_review, "不服", day(26), "", TERMS)


def test_a_re_review_is_requested_within_30_days_of_receiving_the_review_opinion_art_36() -> None:
    case = reviewed(day(40))
    case.serve_notice("review_opinion", "written", "复查意见书", False, "", day(42), "", TERMS)
    with pytest.raises(ReviewWindowClosed):
        case.request_review(Stage.re_review, "不服", day(73), "", TERMS)  # 31 days after delivery
    case.request_review(Stage.re_review, "不服", day(72), "", TERMS)


def test_an_opinion_needs_the_review_assigned_to_a_body() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    with pytest.raises(ReviewNotAssigned):
        case.review_opinion(Stage.review, ReviewOutcome.upheld, "维持", kit.BODY, day(30), "", TERMS)


def test_only_the_assigned_body_issues_the_opinion_art_35() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    case.note_review_assigned(Stage.review, kit.BODY)
    with pytest.raises(NotReviewBody) as raised:
        case.review_opinion(Stage.review, ReviewOutcome.upheld, "维持", "990100ZJJ", day(30), "", TERMS)
    assert raised.value.field == "body"


def test_an_opinion_is_issued_once() -> None:
    with pytest.raises(OpinionAlreadyIssued):
        reviewed().review_opinion(Stage.review, ReviewOutcome.changed, "变更", kit.BODY, day(41), "", TERMS)


def test_the_re_review_opinion_finalises_the_case_and_nothing_follows_art_36() -> None:
    case = reviewed(day(40))
    case.request_review(Stage.re_review, "不服", day(45), "", TERMS)
    case.note_review_assigned(Stage.re_review, "990000XFJ")
    case.review_opinion(Stage.re_review, ReviewOutcome.upheld, "维持", "990000XFJ", day(60), "", TERMS)
    assert "CaseFinalised" in types(case) and case.finalised_on == day(60)
    with pytest.raises(CaseAlreadyFinalised):
        case.rate(Rating.satisfied, "", day(61), "", TERMS)
    with pytest.raises(CaseAlreadyFinalised):
        case.exclude_hearing(Stage.re_review, day(50), day(51), day(61), "", TERMS)


def re_reviewing(on: date = day(45)) -> Supervision:
    case = reviewed(day(40))
    case.request_review(Stage.re_review, "不服", on, "", TERMS)
    case.note_review_assigned(Stage.re_review, "990000XFJ")
    return case


def test_hearing_days_are_not_counted_in_the_re_review_limit_art_36() -> None:
    case = re_reviewing(day(45))
    case.exclude_hearing(Stage.re_review, day(50), day(52), day(53), "", TERMS)
    assert case.clocks[(Clock.re_review, 1)].excluded_days == 3
    assert case.clocks[(Clock.re_review, 1)].due_on == day(45 + 30 + 3)


def test_a_review_takes_no_hearing_exclusion_only_a_re_review_does_art_36() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    with pytest.raises(HearingOnlyForReReview) as refused:
        case.exclude_hearing(Stage.review, day(30), day(32), day(33), "", TERMS)
    assert refused.value.field == "stage"
    assert case.clocks[(Clock.review, 1)].due_on == day(25 + 30)


def test_hearing_days_are_excluded_only_while_the_re_review_is_open_art_36() -> None:
    with pytest.raises(ReviewNotOpen):
        reviewed(day(40)).exclude_hearing(Stage.re_review, day(41), day(42), day(43), "", TERMS)


def test_a_hearing_period_is_ordered_and_within_the_re_review_art_36() -> None:
    case = re_reviewing(day(45))
    for from_on, to_on in ((day(50), day(49)), (day(44), day(46)), (day(50), day(60))):
        with pytest.raises(HearingPeriodInvalid):
            case.exclude_hearing(Stage.re_review, from_on, to_on, day(55), "", TERMS)


# 督办单


def test_an_order_goes_to_the_lead_department_and_owning_leader_with_its_answer_due() -> None:
    case = in_handling()
    assert case.issue_order("加快办理", None, day(10), "督查科", TERMS, DELAY) == "DBXF1-1"
    assert case.orders.issued["DBXF1-1"].department == kit.DEPARTMENT
    assert case.clocks[(Clock.order_answer, 1)].due_on == day(40)
    assert case.issue_order("推诿", day(15), day(11), "", TERMS, [OrderGround.shirking]) == "DBXF1-2"
    assert case.clocks[(Clock.order_answer, 2)].due_on == day(15)


def test_an_order_goes_only_to_an_open_case() -> None:
    with pytest.raises(CaseNotOpen):
        new_case().issue_order("督办", None, day(1), "", TERMS, DELAY)  # not assigned yet
    with pytest.raises(CaseNotOpen):
        closed().issue_order("督办", None, day(21), "", TERMS, DELAY)


def test_an_order_answer_is_not_due_before_its_issue() -> None:
    with pytest.raises(AnswerDueBeforeIssue):
        in_handling().issue_order("督办", day(9), day(10), "", TERMS, DELAY)


def test_an_unknown_order_cannot_be_answered() -> None:
    with pytest.raises(UnknownOrder):
        in_handling().answer_order("DBXF1-9", kit.DEPARTMENT, "已办", day(5), "", TERMS)


def test_only_the_addressed_department_answers_an_order() -> None:
    case = in_handling()
    case.issue_order("督办", None, day(5), "", TERMS, DELAY)
    with pytest.raises(NotOrderAddressee):
        case.answer_order("DBXF1-1", "990101", "已办", day(6), "", TERMS)


def test_an_order_is_answered_once() -> None:
    case = in_handling()
    case.issue_order("督办", None, day(5), "", TERMS, DELAY)
    case.answer_order("DBXF1-1", kit.DEPARTMENT, "已办", day(6), "", TERMS)
    assert case.clocks[(Clock.order_answer, 1)].on_time is True
    with pytest.raises(OrderAlreadyAnswered):
        case.answer_order("DBXF1-1", kit.DEPARTMENT, "再答", day(7), "", TERMS)


# 预警与逾期


def test_each_alarm_stage_is_emitted_once_per_clock_and_round() -> None:
    case = in_handling()  # handling due day(60); acceptance stopped
    case.collect_events()
    assert case.sweep(day(55), TERMS.limits.warning_days) == 1
    assert case.sweep(day(55), TERMS.limits.warning_days) == 0
    assert case.sweep(day(57), TERMS.limits.warning_days) == 1
    assert case.sweep(day(61), TERMS.limits.warning_days) == 1
    assert case.sweep(day(90), TERMS.limits.warning_days) == 0
    assert types(case) == ["WarningIssued", "WarningIssued", "DeadlineMissed"]


def test_a_skipped_milder_warning_is_not_emitted_late() -> None:
    case = in_handling()
    case.collect_events()
    assert case.sweep(day(59), TERMS.limits.warning_days) == 1  # 1 day left: the 5- and 3-day warnings are skipped
    assert case.sweep(day(56), TERMS.limits.warning_days) == 0  # an earlier as-of date does not bring them back
    (warning,) = case.collect_events()
    assert warning.stage == 1 and warning.department == kit.DEPARTMENT and warning.owning_leader == kit.LEADER


def test_the_receiving_department_is_warned_then_marked_overdue_for_its_receipt_notice_art_23() -> None:
    """接收情况告知: 15 days from the lead's receipt (Art 23¶3), a duty warned and marked like the others."""
    case = in_handling()
    case.observe(Fact("assignment_received", day(2), opens_window=False), TERMS)  # 签收 as the receipt
    assert case.clocks[(Clock.receipt_notice, 1)].due_on == day(17)
    case.observe(Fact("case_acknowledged", day(2)), TERMS)
    case.collect_events()
    assert case.sweep(day(12), TERMS.limits.warning_days) == 1
    assert case.sweep(day(18), TERMS.limits.warning_days) == 1
    warned, missed = case.collect_events()
    assert (warned.clock, warned.stage, warned.department) == ("receipt_notice", 5, kit.DEPARTMENT)
    assert (missed.clock, missed.due_on) == ("receipt_notice", day(17))
    case.observe(Fact("receipt_served", day(20)), TERMS)
    assert case.clocks[(Clock.receipt_notice, 1)].on_time is False


def test_a_petitioners_window_is_not_a_duty_and_never_alarms() -> None:
    case = closed(day(20))  # review_request window runs to day(50)
    case.collect_events()
    assert case.sweep(day(80), TERMS.limits.warning_days) == 0


def test_a_sweep_is_never_as_of_a_future_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        kit.memory_app().sweep(Sweep(as_of=TODAY + timedelta(days=1)))
    assert refused.value.field == "as_of"


# 通报


def test_a_bulletin_period_is_ordered() -> None:
    app = kit.memory_app()
    with pytest.raises(PeriodInvalid):
        app.publish_bulletin(PublishBulletin(period_from=day(10), period_to=day(9)))


def test_a_period_is_bulletined_once_naming_overdue_and_unsatisfied_cases() -> None:
    app = kit.memory_app()
    late, unhappy, fine = (str(uuid4()) for _ in range(3))
    driver = Reactor(app)
    for case_id in (late, unhappy, fine):
        driver.react(kit.registered(case_id, D), kit.accepted(case_id, D), kit.assigned(case_id, D))
        driver.react(kit.acknowledged(case_id, day(1)))
    for case_id in (unhappy, fine):
        driver.react(kit.reply(case_id, day(10)), kit.closed(case_id, day(11)))
    app.rate(kit_rate(unhappy, Rating.unsatisfied, day(12)))
    app.rate(kit_rate(fine, Rating.satisfied, day(12)))
    assert app.sweep_as_of(day(61)) >= 1
    result = app.publish_bulletin(PublishBulletin(period_from=day(0), period_to=day(70)))
    named = {(e.case_id, e.reason) for e in driver.published() if e.event_type == "named_in_bulletin"}
    assert named == {(late, "overdue"), (unhappy, "unsatisfied")}
    assert result["bulletin_no"] == "TB20250303-20250512"
    with pytest.raises(BulletinAlreadyPublished):
        app.publish_bulletin(PublishBulletin(period_from=day(0), period_to=day(70)))


def kit_rate(case_id: str, rating: Rating, on: date) -> RateSatisfaction:
    return RateSatisfaction(case_id=UUID(case_id), rating=rating, on=on)


# 重复信访


def test_a_merged_petition_is_rated_on_its_own_once_its_master_closes() -> None:
    app = kit.memory_app()
    driver = Reactor(app)
    master, repeat = str(uuid4()), str(uuid4())
    driver.react(kit.registered(master, D), kit.accepted(master, D), kit.assigned(master, D))
    driver.react(kit.registered(repeat, day(2), "XF2"), kit.merged(repeat, day(3), master))
    with pytest.raises(NotClosedYet):
        app.rate(kit_rate(repeat, Rating.satisfied, day(4)))
    driver.react(kit.reply(master, day(10)), kit.closed(master, day(11)))
    driver.react(kit.closed(master, day(11)))  # a republished event changes nothing
    app.rate(kit_rate(master, Rating.satisfied, day(12)))
    app.rate(kit_rate(repeat, Rating.unsatisfied, day(12)))
    ratings = {(e.case_id, e.rating) for e in driver.published() if e.event_type == "satisfaction_rated"}
    assert ratings == {(master, "satisfied"), (repeat, "unsatisfied")}


def test_a_review_opinion_is_served_in_writing_once_it_is_given_art_35() -> None:
    case = closed()
    case.request_review(Stage.review, "不服", day(25), "", TERMS)
    case.note_review_assigned(Stage.review, kit.BODY)
    with pytest.raises(NothingToNotify):
        case.serve_notice("review_opinion", "written", "", False, "", day(30), "", TERMS)
    case.review_opinion(Stage.review, ReviewOutcome.upheld, "维持", kit.BODY, day(40), "", TERMS)
    case.collect_events()
    case.serve_notice("review_opinion", "written", "复查意见书", False, "", day(43), "", TERMS)
    assert types(case) == ["NoticeServed", "ClockRecorded"] and case.notices.served_on("review_opinion") == day(43)
    assert case.clocks[(Clock.re_review_request, 1)].due_on == day(73)  # 30 days from delivery (Art 36)


# 督办情形、督办方式、建议及其书面反馈 (Art 40)


def test_an_order_names_its_grounds_and_form_and_its_answer_limit_is_a_local_default_art_40() -> None:
    with pytest.raises(OrderGroundsMissing):
        in_handling().issue_order("督办", None, day(5), "", TERMS)
    local = Terms(Limits(order_answer=20), calendar())  # the 2022 text sets no limit: the office's own
    case = in_handling()
    case.collect_events()
    case.issue_order("久拖不办", None, day(5), "", local, [OrderGround.delay, OrderGround.shirking], OrderForm.listed)
    issued, clock = (to_public(e) for e in case.collect_events())
    assert isinstance(issued, SupervisionOrderIssued) and issued.form == OrderForm.listed
    assert issued.grounds == [OrderGround.delay, OrderGround.shirking] and issued.answer_due_on == day(25)
    assert isinstance(clock, DeadlineRecorded) and clock.rule == DeadlineRule.local_default


def test_a_proposal_is_fed_back_in_writing_once_by_the_unit_it_went_to_art_40() -> None:
    case = in_handling()
    case.issue_order("推诿", None, day(5), "", TERMS, [OrderGround.shirking])
    assert case.propose(ProposalKind.improve_work, "", "建立首办责任台账", "DBXF1-1", None, day(5), "", TERMS) == (
        "JYXF1-1"
    )
    assert case.clocks[(Clock.proposal_feedback, 1)].due_on == day(35)  # 本地规定 30 days
    case.collect_events()
    assert case.sweep(day(33), TERMS.limits.warning_days) == 2  # the order's answer and the proposal's feedback
    assert {e.department for e in case.collect_events()} == {kit.DEPARTMENT}
    with pytest.raises(UnknownProposal):
        case.feed_back("JYXF1-9", kit.DEPARTMENT, Adoption.adopted, "已采纳", day(6), "", TERMS)
    with pytest.raises(NotProposalAddressee):
        case.feed_back("JYXF1-1", "990101", Adoption.adopted, "已采纳", day(6), "", TERMS)
    case.feed_back("JYXF1-1", kit.DEPARTMENT, Adoption.partly_adopted, "已建立台账", day(34), "", TERMS)
    assert case.clocks[(Clock.proposal_feedback, 1)].on_time is True
    with pytest.raises(FeedbackAlreadyGiven):
        case.feed_back("JYXF1-1", kit.DEPARTMENT, Adoption.adopted, "再次反馈", day(35), "", TERMS)


def test_an_accountability_proposal_follows_shirking_or_delay_to_the_body_with_authority_art_40() -> None:
    case = in_handling()
    accountable = lambda order_no, to: case.propose(  # noqa: E731
        ProposalKind.accountability, to, "建议追究相关人员责任", order_no, None, day(8), "", TERMS
    )
    with pytest.raises(AccountabilityWithoutGrounds):
        accountable("", "990100JWJ")
    case.issue_order("违规受理", None, day(5), "", TERMS, [OrderGround.irregular_handling])
    with pytest.raises(AccountabilityWithoutGrounds):
        accountable("DBXF1-1", "990100JWJ")
    with pytest.raises(UnknownOrder):
        accountable("DBXF1-7", "990100JWJ")
    case.issue_order("弄虚作假造成严重后果", None, day(6), "", TERMS, [OrderGround.falsification])
    with pytest.raises(AccountabilityToSameUnit):
        accountable("DBXF1-2", kit.DEPARTMENT)
    assert accountable("DBXF1-2", "990100JWJ") == "JYXF1-1"
    assert case.orders.proposals["JYXF1-1"].department == "990100JWJ"


# 督促执行 (Art 32¶2)


def test_a_supported_opinion_waiting_to_be_carried_out_takes_an_order_after_closure_art_32() -> None:
    refusing = [OrderGround.refusing_execution]
    with pytest.raises(NoExecutionPending):
        in_handling().issue_order("拒不执行", None, day(5), "", TERMS, refusing)
    case = closed(day(20))
    case.follow_execution(1, kit.DEPARTMENT, day(20))
    case.follow_execution(1, kit.DEPARTMENT, day(20))  # a redelivered reply opens nothing more
    assert case.issue_order("支持意见未执行", None, day(30), "", TERMS, refusing) == "DBXF1-1"
    case.note_executed(1, day(40))
    with pytest.raises(CaseNotOpen):
        case.issue_order("拒不执行", None, day(41), "", TERMS, refusing)
    assert types(case).count("ExecutionFollowed") == 1


# 公示 (Art 36¶2)


def re_reviewed(heard: bool) -> Supervision:
    """Reviewed, then re-reviewed by the body above, with or without a hearing; the opinion finalises the case."""
    case = reviewed(day(40))
    case.request_review(Stage.re_review, "不服复查意见", day(45), "", TERMS)
    case.note_review_assigned(Stage.re_review, "990000XFJ")
    if heard:
        case.exclude_hearing(Stage.re_review, day(50), day(52), day(52), "", TERMS)
    case.review_opinion(Stage.re_review, ReviewOutcome.upheld, "维持", "990000XFJ", day(60), "", TERMS)
    return case


def test_only_a_re_review_opinion_given_after_a_hearing_is_publicised_once_art_36() -> None:
    with pytest.raises(NothingToPublicise):
        reviewed().publicise("区人民政府门户网站", "", None, day(41), "")
    with pytest.raises(OpinionNotHeard):
        re_reviewed(heard=False).publicise("区人民政府门户网站", "", None, day(61), "")
    case = re_reviewed(heard=True)
    with pytest.raises(PublicityPeriodInvalid):
        case.publicise("区人民政府门户网站", "", day(60), day(61), "")
    case.collect_events()
    case.publicise("区人民政府门户网站", "复核意见（隐去个人信息）", day(68), day(61), "")  # after finalisation
    (publicised,) = (to_public(e) for e in case.collect_events())
    assert isinstance(publicised, ReReviewOpinionPublicised)
    assert (publicised.body, publicised.publicised_on, publicised.until_on) == ("990000XFJ", day(61), day(68))
    with pytest.raises(AlreadyPublicised):
        case.publicise("公告栏", "", None, day(62), "")


# 终结后的疏导教育、帮扶救助 (Art 37¶3)


def test_follow_up_work_is_recorded_on_a_finalised_case_only_art_37() -> None:
    with pytest.raises(CaseNotFinalised):
        reviewed().record_aftercare(AftercareKind.education, "", "释法明理", day(45), "")
    case = re_reviewed(heard=False)
    case.collect_events()
    case.record_aftercare(AftercareKind.education, "", "上门释法明理", day(70), "")
    case.record_aftercare(AftercareKind.assistance, "990101", "协助申请临时救助", day(80), "")
    education, assistance = (to_public(e) for e in case.collect_events())
    assert isinstance(education, AftercareRecorded) and education.department == kit.DEPARTMENT
    assert isinstance(assistance, AftercareRecorded) and (assistance.department, assistance.done_on) == (
        "990101",
        day(80),
    )


@pytest.mark.parametrize(("kind", "claim_route"), [("suggestion", None), ("report", None), ("claim", "duty")])
def test_only_an_art_31_6_opinion_is_rated_and_reviewed_art_29_30_31_35(kind: str, claim_route: str | None) -> None:
    app, case_id = kit.memory_app(), str(uuid4())
    answered = public(ReportFedBack, case_id, case_no="XF1", department="JWJ", record_no="JW1", fed_back_on=day(9))
    Reactor(app).react(
        kit.registered(case_id, D), kit.accepted(case_id, day(1), kind, claim_route), kit.assigned(case_id, day(1)),
        answered, kit.closed(case_id, day(10)),
    )  # fmt: skip
    with pytest.raises(NotAnOpinionMatter):
        app.rate(RateSatisfaction(case_id=UUID(case_id), rating=Rating.unsatisfied, on=day(11)))
    with pytest.raises(NotAnOpinionMatter):
        app.request_review(RequestReview(case_id=UUID(case_id), stage=Stage.review, reasons="不服", on=day(11)))
    assert (Clock.handling, 1) not in app.load(UUID(case_id), Supervision).clocks
