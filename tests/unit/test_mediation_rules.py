"""Mediation's rules (办理), named, on the Handling aggregate without infrastructure."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import pytest

from events import event_id_for
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
from services.mediation.commands import IssueReply
from services.mediation.domain import Handling
from services.mediation.domain.errors import (
    AgreementMissing,
    AlreadyClosed,
    AlreadyReplied,
    AmountNotPositive,
    AnsweredOtherwise,
    ApproverNotNamed,
    CoHandlerOpinionsMissing,
    ConsentMissing,
    DispositionMissing,
    ExecutionAlreadyRecorded,
    ExtensionAfterDeadline,
    ExtensionAlreadyApproved,
    ExtensionReasonMissing,
    ExtensionTooLong,
    HandlerWithdrawn,
    HearingNotWarranted,
    MediationTypeMissing,
    NoReplyYet,
    NoStatutoryLimit,
    NotCoHandler,
    NothingToExecute,
    NotTheHandler,
    OpinionAlreadySubmitted,
    ReasonNotNotified,
    ReplyWithoutLegalBasis,
    ReplyWithoutRequest,
    ReportContentWithheld,
    TooFewParticipants,
)
from services.runtime.commands import parse
from services.runtime.effective import BeforePreviousEvent
from services.runtime.errors import InvalidInput
from services.runtime.notices import NothingToNotify, NoticeAlreadyServed
from services.runtime.stored import to_public
from xinfang.actions.mediation import fen

ACCEPTED = date(2026, 3, 2)
ACKNOWLEDGED = date(2026, 3, 4)
DAY = date(2026, 3, 10)
DUE = ACCEPTED + timedelta(days=60)
BASIS = "《城市道路管理条例》第三十五条"
FACTS = {"facts_and_reasons": "路面破损属实"}
CO = ["990100RSJ", "990101"]


def handling(
    major: bool = False, co_handlers: list[str] | None = None, accepted_on: date | None = ACCEPTED
) -> Handling:
    return Handling(
        id=uuid4(),
        case_no="XF1",
        department="990100ZJJ",
        handler="李工",
        opened_on=ACKNOWLEDGED,
        major=major,
        accepted_on=accepted_on,
        co_handlers=co_handlers,
        limit_days=60,
    )


def reply(h: Handling, on: date = DAY, **changes: Any) -> None:
    args: dict[str, Any] = {"legal_basis": BASIS, "disposition": "resolved", "request": "修路", **FACTS, **changes}
    h.reply("supported", "已修复", on, "李工", **args)


def extend(h: Handling, on: date = DAY, **changes: Any) -> None:
    args: dict[str, Any] = {
        "days": 30,
        "approved_by": "王局长",
        "reason": "需鉴定",
        "notified_on": on,
        "on": on,
        "actor": "李工",
        "max_days": 30,
        **changes,
    }
    h.approve_extension(**args)


def replied() -> Handling:
    h = handling()
    reply(h)
    return h


def new_events(h: Handling) -> list[Any]:
    return [to_public(e) for e in h.collect_events()]


# Opening and the round's clock (Art 34)


def test_the_first_rounds_limit_runs_from_acceptance_art_34() -> None:
    assert handling().round.due_on == DUE
    assert handling(accepted_on=None).round.due_on == ACKNOWLEDGED + timedelta(days=60)


# Work records


def test_an_investigation_is_recorded_with_who_when_and_the_round() -> None:
    h = handling()
    h.collect_events()
    h.record_investigation("路面破损属实", ["李工", "张工"], DAY, "李工")
    [event] = new_events(h)
    assert isinstance(event, InvestigationRecorded)
    assert (event.investigators, event.investigated_on, event.actor, event.round) == (["李工", "张工"], DAY, "李工", 1)


def test_a_mediation_has_at_least_two_parties_art_33() -> None:
    h = handling()
    with pytest.raises(TooFewParticipants):
        h.record_mediation("people", ["信访人"], False, "", DAY, "", consented=True)
    h.collect_events()
    h.record_mediation("people", ["信访人", "物业公司"], False, "", DAY, "", consented=True)
    [event] = new_events(h)
    assert isinstance(event, MediationHeld) and event.participants == ["信访人", "物业公司"]


def test_an_agreed_mediation_records_its_agreement_art_33() -> None:
    h = handling()
    with pytest.raises(AgreementMissing):
        h.record_mediation("administrative", ["信访人", "物业公司"], True, " ", DAY, "", consented=True)
    h.collect_events()
    h.record_mediation("judicial", ["信访人", "物业公司"], True, "物业公司十日内修复", DAY, "", consented=True)
    [event] = new_events(h)
    assert isinstance(event, MediationHeld) and event.agreed and event.agreement == "物业公司十日内修复"


def test_a_mediation_needs_both_parties_consent_art_33() -> None:
    h = handling()
    with pytest.raises(ConsentMissing) as refused:
        h.record_mediation("people", ["信访人", "物业公司"], False, "", DAY, "", consented=False)
    assert refused.value.field == "consented"
    with pytest.raises(MediationTypeMissing):
        h.record_mediation(None, ["信访人", "物业公司"], False, "", DAY, "", consented=True)
    h.collect_events()
    h.record_mediation("people", ["信访人", "物业公司"], False, "", DAY, "", consented=True)
    [event] = new_events(h)
    assert (event.form, event.consented, event.mediation_type) == ("mediation", True, "people")


def test_the_parties_may_settle_themselves_with_a_written_agreement_art_33() -> None:
    h = handling()
    with pytest.raises(AgreementMissing) as refused:
        h.record_mediation(None, ["信访人", "物业公司"], True, "", DAY, "", consented=True, form="reconciliation")
    assert "和解协议书" in refused.value.message
    h.collect_events()
    h.record_mediation(
        None, ["信访人", "物业公司"], True, "物业公司退还押金", DAY, "", consented=True, form="reconciliation"
    )
    [event] = new_events(h)
    assert (event.form, event.mediation_type, event.agreement) == ("reconciliation", None, "物业公司退还押金")


def test_a_hearing_is_only_for_major_or_complex_cases() -> None:
    with pytest.raises(HearingNotWarranted):
        handling().record_hearing(["信访人"], "维持", False, DAY, "")
    for h, complex_case in ((handling(major=True), False), (handling(), True)):
        h.collect_events()
        h.record_hearing(["信访人", "听证员"], "诉求合理", complex_case, DAY, "")
        [event] = new_events(h)
        assert isinstance(event, HearingHeld) and event.conclusion == "诉求合理"


def test_assistance_has_a_positive_amount() -> None:
    for amount in (0, -100):
        with pytest.raises(AmountNotPositive):
            handling().grant_assistance("hardship", amount, "王局长", DAY, "")
    h = handling()
    h.collect_events()
    h.grant_assistance("petition", 120050, "王局长", DAY, "")
    [event] = new_events(h)
    assert isinstance(event, AssistanceGranted) and event.amount_fen == 120050 and event.approved_by == "王局长"


def test_assistance_is_approved_by_a_named_person() -> None:
    with pytest.raises(ApproverNotNamed):
        handling().grant_assistance("judicial", 1000, " ", DAY, "")


WORK: dict[str, Callable[[Handling], None]] = {
    "investigation": lambda h: h.record_investigation("补充调查", [], DAY, ""),
    "mediation": lambda h: h.record_mediation("people", ["甲", "乙"], False, "", DAY, "", consented=True),
    "hearing": lambda h: h.record_hearing(["甲"], "结论", True, DAY, ""),
    "assistance": lambda h: h.grant_assistance("hardship", 100, "王局长", DAY, ""),
    "extension": lambda h: extend(h),
    "co_handler_opinion": lambda h: h.submit_co_handler_opinion("990100RSJ", "同意", DAY, ""),
    "reply": lambda h: reply(h),
}


@pytest.mark.parametrize("work", list(WORK))
def test_handling_work_belongs_before_the_reply(work: str) -> None:
    h = replied()
    with pytest.raises(AlreadyReplied):
        WORK[work](h)


# Extension (Art 34)


@pytest.mark.parametrize("days", [0, 31])
def test_an_extension_is_between_1_and_30_days_art_34(days: int) -> None:
    with pytest.raises(ExtensionTooLong):
        extend(handling(), days=days)


def test_an_extension_is_approved_once_a_round_art_34() -> None:
    h = handling()
    extend(h, days=10)
    with pytest.raises(ExtensionAlreadyApproved):
        extend(h, days=5)


def test_an_extension_is_approved_on_or_before_the_due_date_art_34() -> None:
    with pytest.raises(ExtensionAfterDeadline):
        extend(handling(), on=DUE + timedelta(days=1))
    h = handling()
    extend(h, on=DUE, days=20)
    assert h.round.due_on == DUE + timedelta(days=20)


def test_an_extension_is_approved_by_a_named_head_art_34() -> None:
    with pytest.raises(ApproverNotNamed):
        extend(handling(), approved_by="")


def test_an_extension_states_its_reason_art_34() -> None:
    with pytest.raises(ExtensionReasonMissing):
        extend(handling(), reason="  ")


def test_the_petitioner_is_told_the_reason_for_an_extension_art_34() -> None:
    with pytest.raises(ReasonNotNotified):
        extend(handling(), notified_on=None)
    with pytest.raises(ReasonNotNotified):
        extend(handling(), notified_on=DAY - timedelta(days=1))
    h = handling()
    h.collect_events()
    extend(h, notified_on=DAY + timedelta(days=2))
    [event] = new_events(h)
    assert isinstance(event, ExtensionApproved)
    assert (event.days, event.approved_by, event.notified_on, event.approved_on) == (
        30,
        "王局长",
        DAY + timedelta(days=2),
        DAY,
    )


# Co-handlers (主办/协办: the joint-handling practice; Art 24 names who accepts a matter of several units)


def test_only_a_co_handler_submits_an_opinion_joint_handling() -> None:
    with pytest.raises(NotCoHandler):
        handling(co_handlers=CO).submit_co_handler_opinion("990100ZJJ", "同意", DAY, "")


def test_a_co_handler_reports_once_a_round_joint_handling() -> None:
    h = handling(co_handlers=CO)
    h.collect_events()
    h.submit_co_handler_opinion("990100RSJ", "同意主办意见", DAY, "")
    [event] = new_events(h)
    assert isinstance(event, CoHandlerOpinionSubmitted) and event.department == "990100RSJ"
    with pytest.raises(OpinionAlreadySubmitted):
        h.submit_co_handler_opinion("990100RSJ", "再报", DAY, "")


def test_the_lead_replies_after_every_co_handler_has_reported_joint_handling() -> None:
    h = handling(co_handlers=CO)
    h.submit_co_handler_opinion("990100RSJ", "同意", DAY, "")
    with pytest.raises(CoHandlerOpinionsMissing, match="990101") as refused:
        reply(h)
    assert "990100RSJ" not in refused.value.message
    h.submit_co_handler_opinion("990101", "同意", DAY, "")
    reply(h)
    assert h.replied_on == DAY


# The reply (Art 32)


def test_a_reply_states_the_request_and_its_facts_and_reasons_art_32() -> None:
    for field in ("request", "facts_and_reasons"):
        for blank in ("", "  "):
            with pytest.raises(ReplyWithoutRequest) as refused:
                reply(handling(), **{field: blank})
            assert refused.value.field == field


def test_a_reply_restates_the_petitions_request_and_facts_unless_staff_word_them_anew_art_32() -> None:
    h = Handling(
        id=uuid4(), case_no="XF1", department="990100ZJJ", handler="李工", opened_on=ACKNOWLEDGED,
        accepted_on=ACCEPTED, request="请求修复道路", facts="道路破损多处",
    )  # fmt: skip
    h.collect_events()
    h.reply("supported", "已修复", DAY, "李工", legal_basis=BASIS, disposition="resolved")
    [event] = new_events(h)
    assert (event.request, event.facts_and_reasons) == ("请求修复道路", "道路破损多处")
    again = Handling(id=uuid4(), case_no="XF2", department="990100ZJJ", handler="", opened_on=ACKNOWLEDGED,
                     request="请求修复道路", facts="道路破损多处")  # fmt: skip
    again.collect_events()
    reply(again, request="请求尽快修复主干道", facts_and_reasons="经核查，主干道破损属实")
    [event] = new_events(again)
    assert (event.request, event.facts_and_reasons) == ("请求尽快修复主干道", "经核查，主干道破损属实")


def test_a_reply_states_its_legal_basis_art_32() -> None:
    for basis in (None, "", "  "):
        with pytest.raises(ReplyWithoutLegalBasis):
            reply(handling(), legal_basis=basis)


def test_the_parser_leaves_the_legal_basis_to_the_rule() -> None:
    cmd = parse(IssueReply, f'{{"case_id": "{uuid4()}", "opinion": "explained", "text": "已解释"}}'.encode())
    assert cmd.legal_basis is None and cmd.disposition is None


def test_a_reply_states_its_disposition() -> None:
    with pytest.raises(DispositionMissing):
        reply(handling(), disposition=None)


def test_a_reply_carries_its_request_facts_basis_disposition_and_round() -> None:
    h = handling()
    h.collect_events()
    reply(h, facts_and_reasons="路面破损")
    [event] = new_events(h)
    assert isinstance(event, ReplyIssued)
    assert (event.request, event.facts_and_reasons, event.legal_basis, event.disposition, event.round) == (
        "修路",
        "路面破损",
        BASIS,
        "resolved",
        1,
    )
    assert event.event_id == event_id_for("Handling", h.id, h.version)


# Closure


def test_no_case_is_closed_without_a_reply() -> None:
    with pytest.raises(NoReplyYet):
        handling().close("", DAY, "")


def test_a_case_is_closed_once_and_the_report_is_optional() -> None:
    h = replied()
    h.collect_events()
    h.close("", DAY, "")
    [event] = new_events(h)
    assert isinstance(event, CaseClosed) and event.report == "" and event.round == 1
    with pytest.raises(AlreadyClosed):
        h.close("办结", DAY, "")


def test_an_action_is_never_dated_before_the_cases_previous_event() -> None:
    with pytest.raises(BeforePreviousEvent):
        handling().record_investigation("补录", [], ACKNOWLEDGED - timedelta(days=1), "")
    h = replied()
    with pytest.raises(BeforePreviousEvent):
        h.close("", DAY - timedelta(days=1), "")


# Re-handling


def rehandled(round_no: int = 2, on: date = DAY + timedelta(days=20)) -> Handling:
    h = replied()
    h.close("办结", DAY, "")
    h.start_rehandling(round_no, "不满意", on, 60, "督办")
    return h


def test_rehandling_starts_a_new_round_and_keeps_the_earlier_one() -> None:
    h = handling(co_handlers=["990100RSJ"])
    h.submit_co_handler_opinion("990100RSJ", "同意", DAY, "")
    extend(h)
    reply(h)
    h.close("办结", DAY, "")
    h.collect_events()
    h.start_rehandling(2, "不满意", DAY + timedelta(days=20), 60, "督办")
    [event] = new_events(h)
    assert isinstance(event, RehandlingStarted) and (event.round, event.reason) == (2, "不满意")
    first, second = h.rounds
    assert (first.number, first.replied_on, first.closed_on, first.extension_days) == (1, DAY, DAY, 30)
    assert first.opinions == {"990100RSJ": "同意"}
    assert (second.number, second.replied_on, second.closed_on, second.extended_on, second.opinions) == (
        2,
        None,
        None,
        None,
        {},
    )
    with pytest.raises(CoHandlerOpinionsMissing):
        reply(h, on=DAY + timedelta(days=21))


def test_a_later_rounds_limit_runs_from_its_start_art_34() -> None:
    started = DAY + timedelta(days=20)
    h = rehandled(on=started)
    assert h.round.due_on == started + timedelta(days=60)
    extend(h, on=started)
    reply(h, on=started)
    h.collect_events()
    h.close("", started, "")
    [event] = new_events(h)
    assert isinstance(event, CaseClosed) and event.round == 2


def test_a_repeated_send_back_changes_nothing() -> None:
    h = rehandled()
    h.collect_events()
    h.start_rehandling(2, "不满意", DAY + timedelta(days=30), 60, "督办")
    h.start_rehandling(1, "不满意", DAY + timedelta(days=30), 60, "督办")
    assert h.collect_events() == [] and len(h.rounds) == 2


# The CLI's amounts


def test_an_amount_in_yuan_becomes_fen_exactly() -> None:
    assert (fen("1200.50"), fen("0.01"), fen(" 7 ")) == (120050, 1, 700)
    for bad in ("12.345", "abc", "", "NaN", "Infinity", "1,200"):
        with pytest.raises(InvalidInput, match="--amount"):
            fen(bad)


def test_the_rules_cite_what_the_text_says_art_24_33_34_37() -> None:
    """Co-handler opinions are a practice, not Art 24; mediation types are Art 37¶1; assistance is Art 37¶2."""
    from events.vocabulary import MediationType
    from services.mediation.domain import errors

    for practice in (errors.NotCoHandler, errors.OpinionAlreadySubmitted, errors.CoHandlerOpinionsMissing):
        assert "Art 24" not in (practice.__doc__ or ""), practice.__name__
    assert "Art 37¶1" in (MediationType.__doc__ or "")
    assert "Art 34" in (errors.ApproverNotNamed.__doc__ or "") and "Art 37¶2" in (errors.ApproverNotNamed.__doc__ or "")


def test_the_written_reply_is_served_once_a_round_art_35() -> None:
    h = handling()
    with pytest.raises(NothingToNotify):
        h.serve_notice("reply", "written", "", False, "", DAY, "李工", 1)
    reply(h)
    h.collect_events()
    h.serve_notice("reply", "written", "处理意见书已送达", False, "", DAY + timedelta(days=3), "李工", 1)
    [served] = new_events(h)
    assert (served.notice, served.served_on, served.round) == ("reply", DAY + timedelta(days=3), 1)
    with pytest.raises(NoticeAlreadyServed):
        h.serve_notice("reply", "written", "", False, "", DAY + timedelta(days=4), "李工", 1)


# 回避 (Art 28¶3)


def test_a_handler_with_a_direct_interest_withdraws_and_another_takes_the_case_art_28() -> None:
    h = handling()
    h.collect_events()
    with pytest.raises(NotTheHandler):
        h.recuse("王工", "系信访人亲属", "赵工", DAY, "科长")
    h.recuse("李工", "系信访人亲属", "王工", DAY, "科长")
    (recused,) = new_events(h)
    assert isinstance(recused, HandlerRecused)
    assert (recused.handler, recused.new_handler, recused.reason, recused.round) == ("李工", "王工", "系信访人亲属", 1)
    assert h.handler == "王工"
    with pytest.raises(HandlerWithdrawn):  # one who withdrew never handles the case again
        h.recuse("王工", "与被反映单位有利害关系", "李工", DAY, "科长")
    h.recuse("王工", "与被反映单位有利害关系", "赵工", DAY, "科长")
    reply(h)
    h.close("办结", DAY, "赵工")
    with pytest.raises(AlreadyClosed):
        h.recuse("赵工", "利害关系", "钱工", DAY, "科长")


# 督促执行 (Art 32¶2)


def test_a_supported_opinion_is_recorded_carried_out_once_art_32() -> None:
    h = handling()
    with pytest.raises(NothingToExecute):
        h.record_execution("已修复", DAY, "李工")  # no reply yet
    h.reply(
        "not_supported", "不予支持", DAY, "李工", legal_basis=BASIS, disposition="persuaded", request="修路", **FACTS
    )
    with pytest.raises(NothingToExecute):
        h.record_execution("已修复", DAY, "李工")
    h = replied()
    h.collect_events()
    h.record_execution("开发商已完成防水修复", DAY + timedelta(days=9), "李工")
    (executed,) = new_events(h)
    assert isinstance(executed, ExecutionCarriedOut) and executed.carried_out_on == DAY + timedelta(days=9)
    with pytest.raises(ExecutionAlreadyRecorded):
        h.record_execution("再次执行", DAY + timedelta(days=10), "李工")


# Each kind of matter has its own answer (Art 29-31)


def matter(kind: str, claim_route: str | None = None, limit_days: int | None = None) -> Handling:
    h = Handling(
        id=uuid4(), case_no="XF1", department="990100JWJ" if kind == "report" else "990100ZJJ", handler="李工",
        opened_on=ACKNOWLEDGED, accepted_on=ACCEPTED, limit_days=limit_days, kind=kind, claim_route=claim_route,
    )  # fmt: skip
    h.collect_events()
    return h


def test_a_suggestion_is_answered_on_its_adoption_and_rewarded_not_given_an_opinion_art_29() -> None:
    h = matter("suggestion")
    assert h.round.due_on is None  # no statutory 60 days (Art 34 binds Art 31(6) matters)
    with pytest.raises(AnsweredOtherwise):
        reply(h)
    with pytest.raises(NoStatutoryLimit):
        extend(h)
    h.answer_suggestion("adopted", "建议已采纳，将于年内设立老年食堂", "通报表扬", DAY, "李工")
    [event] = new_events(h)
    assert isinstance(event, SuggestionAnswered) and (event.adoption, event.reward) == ("adopted", "通报表扬")
    assert event.case_status() == "replied"
    h.close("已回复", DAY, "李工")
    with pytest.raises(AnsweredOtherwise):
        matter("claim", "opinion").answer_suggestion("adopted", "采纳", "", DAY, "李工")


def test_a_request_to_stop_an_unlawful_act_is_met_by_the_duty_or_a_reply_art_31_5() -> None:
    h = matter("claim", "duty")
    with pytest.raises(AnsweredOtherwise):
        reply(h)
    with pytest.raises(AnsweredOtherwise):
        h.serve_notice("reply", "written", "", False, "", DAY, "李工")  # no 处理意见书, so no review window (Art 35)
    h.answer_duty(True, "已立案查处，责令停止夜间施工", DAY, "李工")
    [event] = new_events(h)
    assert isinstance(event, DutyAnswered) and event.performed and event.answered_on == DAY
    with pytest.raises(AnsweredOtherwise):
        matter("claim", "opinion").answer_duty(False, "答复", DAY, "李工")


def test_a_report_is_fed_back_by_the_discipline_body_with_nothing_of_its_content_art_30_46() -> None:
    h = matter("report")
    with pytest.raises(AnsweredOtherwise):
        reply(h, request="举报某科长受贿", facts_and_reasons="收受购物卡")
    for record in (
        lambda: h.record_investigation("某科长收受购物卡属实", ["调查员"], DAY, "纪检员"),
        lambda: h.submit_co_handler_opinion("990100ZJJ", "同意", DAY, "纪检员"),
        lambda: h.record_hearing(["举报人"], "属实", True, DAY, "纪检员"),
    ):
        with pytest.raises(ReportContentWithheld):
            record()
    h.feed_back_report("JW2026-0001", DAY, "纪检员")
    with pytest.raises(ReportContentWithheld):
        h.close("经查某科长收受购物卡属实，已立案", DAY, "纪检员")
    h.close("", DAY, "纪检员")
    fed_back, closed = new_events(h)
    assert isinstance(fed_back, ReportFedBack) and fed_back.record_no == "JW2026-0001"
    assert set(type(fed_back).model_fields) - set(CaseClosed.model_fields) == {"record_no", "fed_back_on"}
    assert isinstance(closed, CaseClosed) and closed.report == ""
