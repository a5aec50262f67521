"""Supervision's rules (督办), one test per rule, named after it, on the real aggregate and application."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from events.mediation import ReportFedBack
from events.vocabulary import Clock, Rating, ReviewOutcome, Stage
from services.runtime.calendar import calendar
from services.runtime.effective import BeforePreviousEvent
from services.runtime.errors import InvalidInput
from services.runtime.limits import Limits, Terms
from services.runtime.notices import NothingToNotify
from services.supervision.commands import PublishBulletin, RateSatisfaction, RequestReview, Sweep
from services.supervision.domain import Supervision
from services.supervision.domain.errors import (
    AlreadyRated,
    AnswerDueBeforeIssue,
    BulletinAlreadyPublished,
    CaseAlreadyFinalised,
    CaseNotOpen,
    HearingOnlyForReReview,
    HearingPeriodInvalid,
    NoReplyYet,
    NoReviewOpinion,
    NotAnOpinionMatter,
    NotClosedYet,
    NotOrderAddressee,
    NotReviewBody,
    OpinionAlreadyIssued,
    OrderAlreadyAnswered,
    PeriodInvalid,
    RehandlingInProgress,
    ReviewAlreadyRequested,
    ReviewNotAssigned,
    ReviewNotOpen,
    ReviewWindowClosed,
    UnknownOrder,
)
from services.supervision.domain.facts import Fact
from tests.support.clock import TODAY
from tests.support.harness import Reactor, public
from tests.unit import supervision_kit as kit

D = date(2025, 3, 3)
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


def test_no_review_while_the_case_is_being_re_handled_art_35() -> None:
    case = closed()
    case.rate(Rating.unsatisfied, "", day(21), "", TERMS)
    with pytest.raises(RehandlingInProgress):
        case.request_review(Stage.review, "不服", day(22), "", TERMS)


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
    assert case.issue_order("加快办理", None, day(10), "督查科", TERMS) == "DBXF1-1"
    assert case.orders.issued["DBXF1-1"].department == kit.DEPARTMENT
    assert case.clocks[(Clock.order_answer, 1)].due_on == day(40)
    assert case.issue_order("再督", day(15), day(11), "", TERMS) == "DBXF1-2"
    assert case.clocks[(Clock.order_answer, 2)].due_on == day(15)


def test_an_order_goes_only_to_an_open_case() -> None:
    with pytest.raises(CaseNotOpen):
        new_case().issue_order("督办", None, day(1), "", TERMS)  # not assigned yet
    with pytest.raises(CaseNotOpen):
        closed().issue_order("督办", None, day(21), "", TERMS)


def test_an_order_answer_is_not_due_before_its_issue() -> None:
    with pytest.raises(AnswerDueBeforeIssue):
        in_handling().issue_order("督办", day(9), day(10), "", TERMS)


def test_an_unknown_order_cannot_be_answered() -> None:
    with pytest.raises(UnknownOrder):
        in_handling().answer_order("DBXF1-9", kit.DEPARTMENT, "已办", day(5), "", TERMS)


def test_only_the_addressed_department_answers_an_order() -> None:
    case = in_handling()
    case.issue_order("督办", None, day(5), "", TERMS)
    with pytest.raises(NotOrderAddressee):
        case.answer_order("DBXF1-1", "990101", "已办", day(6), "", TERMS)


def test_an_order_is_answered_once() -> None:
    case = in_handling()
    case.issue_order("督办", None, day(5), "", TERMS)
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
