"""督办's conflicts: a second rating, review request or opinion, order answer, feedback, publicity or bulletin names
who did the first and when; a second 督办单 on the same grounds names the order still awaiting its answer (Art 40)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from events.vocabulary import Adoption, OrderForm, OrderGround, ProposalKind, Rating, ReviewOutcome, Stage
from services.runtime.calendar import calendar
from services.runtime.errors import Conflict
from services.runtime.limits import Limits, Terms
from services.supervision.domain import Bulletin, Supervision
from services.supervision.domain.errors import (
    AlreadyPublicised,
    AlreadyRated,
    BulletinAlreadyPublished,
    CaseAlreadyFinalised,
    FeedbackAlreadyGiven,
    OpinionAlreadyIssued,
    OrderAlreadyAnswered,
    OrderAlreadyIssued,
    ReviewAlreadyRequested,
)
from services.supervision.domain.facts import Fact

D = date(2025, 3, 3)
TERMS = Terms(Limits(), calendar())
UNIT, BODY, ABOVE = "990100ZJJ", "990100XFJ", "990000XFJ"
DELAY = [OrderGround.delay]


def day(n: int) -> date:
    return D + timedelta(days=n)


def refused(conflict: type[Conflict], act: Any) -> str:
    with pytest.raises(conflict) as raised:
        act()
    assert raised.value.code == "conflict" and raised.value.reason == conflict.reason
    return raised.value.message


def in_handling() -> Supervision:
    case = Supervision(id=uuid4(), case_no="XF1", received_on=D)
    for fact in ("petition_registered", "petition_accepted"):
        case.observe(Fact(fact, D), TERMS)
    case.note_responsible(UNIT, "L05")
    return case


def closed() -> Supervision:
    case = in_handling()
    case.note_reply(1, day(20))
    case.observe(Fact("reply_issued", day(20), round=1), TERMS)
    case.note_closed(1, day(20))
    case.observe(Fact("reply_served", day(20), round=1), TERMS)
    return case


def reviewed() -> Supervision:
    case = closed()
    case.request_review(Stage.review, "不服", day(30), "信访人 张三", TERMS)
    case.note_review_assigned(Stage.review, BODY)
    case.review_opinion(Stage.review, ReviewOutcome.upheld, "维持", BODY, day(40), "复查科 李四", TERMS)
    return case


def re_reviewed() -> Supervision:
    case = reviewed()
    case.request_review(Stage.re_review, "不服复查意见", day(45), "", TERMS)
    case.note_review_assigned(Stage.re_review, ABOVE)
    case.exclude_hearing(Stage.re_review, day(50), day(52), day(52), "", TERMS)
    case.review_opinion(Stage.re_review, ReviewOutcome.upheld, "维持", ABOVE, day(60), "复核科 周九", TERMS)
    return case


def test_a_second_rating_names_who_entered_the_first_and_what_it_was() -> None:
    case = closed()
    case.rate(Rating.satisfied, "", day(21), "回访员 李四", TERMS)
    message = refused(AlreadyRated, lambda: case.rate(Rating.unsatisfied, "", day(21), "王五", TERMS))
    assert message == "案件 XF1 第 1 轮已由 回访员 李四 于 2025-03-24 回访评价为满意"


def test_a_second_review_request_or_opinion_names_the_first_art_35() -> None:
    case = reviewed()
    asked = refused(ReviewAlreadyRequested, lambda: case.request_review(Stage.review, "再申请", day(41), "", TERMS))
    assert asked == "案件 XF1 的复查申请已由 信访人 张三 于 2025-04-02 登记，每案一次"
    again = lambda: case.review_opinion(Stage.review, ReviewOutcome.changed, "变更", BODY, day(41), "王五", TERMS)  # noqa: E731
    assert "复查意见已由 复查科 李四 于 2025-04-12 出具 (990100XFJ)" in refused(OpinionAlreadyIssued, again)


def test_acting_on_a_finalised_case_names_who_finalised_it_art_36() -> None:
    case = re_reviewed()
    again = lambda: case.review_opinion(Stage.re_review, ReviewOutcome.changed, "变更", ABOVE, day(61), "", TERMS)  # noqa: E731
    assert refused(CaseAlreadyFinalised, again) == "案件 XF1 已由 复核科 周九 于 2025-05-02 终结 (Art 36)"


def test_a_second_publicity_names_who_made_the_opinion_public_art_36() -> None:
    case = re_reviewed()
    case.publicise("区人民政府门户网站", "复核意见", None, day(61), "复核科 周九")
    message = refused(AlreadyPublicised, lambda: case.publicise("公告栏", "", None, day(62), "王五"))
    assert "复核意见已由 复核科 周九 于 2025-05-03 公示" in message


def test_a_second_answer_to_an_order_or_feedback_to_a_proposal_names_the_first_art_40() -> None:
    case = in_handling()
    case.issue_order("加快办理", None, day(5), "督查科 赵六", TERMS, DELAY)
    case.answer_order("DBXF1-1", UNIT, "已部署", day(6), "住建局 李四", TERMS)
    answered = refused(OrderAlreadyAnswered, lambda: case.answer_order("DBXF1-1", UNIT, "再答", day(7), "", TERMS))
    assert answered == "督办单 DBXF1-1 已由 住建局 李四 于 2025-03-09 回复 (990100ZJJ)"
    case.propose(ProposalKind.improve_work, "", "建立台账", "DBXF1-1", None, day(7), "督查科 赵六", TERMS)
    case.feed_back("JYXF1-1", UNIT, Adoption.adopted, "已采纳", day(8), "住建局 李四", TERMS)
    again = lambda: case.feed_back("JYXF1-1", UNIT, Adoption.not_adopted, "", day(9), "", TERMS)  # noqa: E731
    assert "采纳情况已由 住建局 李四 于 2025-03-11 书面反馈" in refused(FeedbackAlreadyGiven, again)


def test_a_second_order_on_the_same_grounds_names_the_one_awaiting_its_answer_art_40() -> None:
    case = in_handling()
    case.issue_order("久拖未办", day(20), day(5), "督查科 赵六", TERMS, [OrderGround.delay, OrderGround.shirking])
    message = refused(OrderAlreadyIssued, lambda: case.issue_order("拖延", None, day(6), "钱七", TERMS, DELAY))
    assert message == (
        "案件 XF1 已有督办单 DBXF1-1：由 督查科 赵六 于 2025-03-08 下发给 990100ZJJ（督办函；拖延、推诿），"
        "回复期限 2025-03-23，尚未回复；同一情形不重复督办"
    )
    assert list(case.orders.issued) == ["DBXF1-1"]


def test_a_new_order_follows_new_grounds_another_form_a_passed_answer_date_or_an_answer_art_40() -> None:
    case = in_handling()
    case.issue_order("拖延", day(20), day(5), "", TERMS, DELAY)
    assert case.issue_order("推诿", None, day(6), "", TERMS, [OrderGround.shirking]) == "DBXF1-2"
    assert case.issue_order("挂牌", None, day(6), "", TERMS, DELAY, OrderForm.listed) == "DBXF1-3"
    assert case.issue_order("逾期未复，再督", None, day(21), "", TERMS, DELAY) == "DBXF1-4"
    case.answer_order("DBXF1-4", UNIT, "已部署", day(22), "", TERMS)
    assert case.issue_order("回复后仍拖延", None, day(23), "", TERMS, DELAY) == "DBXF1-5"


def test_a_second_bulletin_of_a_period_names_who_published_the_first() -> None:
    period = (day(0), day(30))
    first = Bulletin(
        id=Bulletin.id_for(*period), bulletin_no=Bulletin.number_for(*period), period_from=period[0],
        period_to=period[1], published_on=day(31), cases=[], actor="督查科 赵六",
    )  # fmt: skip
    Bulletin.check_first(None)
    message = refused(BulletinAlreadyPublished, lambda: Bulletin.check_first(first))
    assert message == "2025-03-03–2025-04-02 的通报 TB20250303-20250402 已由 督查科 赵六 于 2025-04-03 发布"
