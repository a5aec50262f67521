"""办理's conflicts: a second reply, closure, extension, co-opinion, execution, notice or 回避 names who did the first,
and when (the state comes from the events already stored: nothing new is recorded for it)."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from events.vocabulary import Kind
from services.mediation.domain import Handling
from services.mediation.domain.errors import (
    AlreadyClosed,
    AlreadyReplied,
    ExecutionAlreadyRecorded,
    ExtensionAlreadyApproved,
    HandlerAlreadyRecused,
    OpinionAlreadySubmitted,
)
from services.runtime.errors import Conflict
from services.runtime.notices import NoticeAlreadyServed

FIRST, SECOND = date(2026, 3, 10), date(2026, 3, 11)
BASIS = {"legal_basis": "《城市道路管理条例》第三十五条", "disposition": "resolved", "request": "修路"}


def handling(**over: Any) -> Handling:
    fields: dict[str, Any] = {"id": uuid4(), "case_no": "XF1", "department": "990100ZJJ", "handler": "李工"}
    return Handling(**fields, opened_on=date(2026, 3, 4), accepted_on=date(2026, 3, 2), limit_days=60, **over)


def reply(h: Handling, actor: str, on: date) -> None:
    h.reply("supported", "已修复", on, actor, facts_and_reasons="路面破损属实", **BASIS)


def replied(actor: str = "李四", on: date = FIRST) -> Handling:
    h = handling()
    reply(h, actor, on)
    return h


def refused(conflict: type[Conflict], act: Any) -> str:
    with pytest.raises(conflict) as raised:
        act()
    assert raised.value.code == "conflict" and raised.value.reason == conflict.reason
    return raised.value.message


def test_a_second_reply_names_who_replied_and_when() -> None:
    h = replied()
    message = refused(AlreadyReplied, lambda: reply(h, "王五", SECOND))
    assert message == "案件 XF1 第1轮已由 李四 于 2026-03-10 答复，不能再答复"


def test_work_after_a_suggestion_was_answered_names_who_answered_it_art_29() -> None:
    h = handling(kind=Kind.suggestion, claim_route=None)
    h.answer_suggestion("adopted", "建议已采纳", "", FIRST, "赵六")
    message = refused(AlreadyReplied, lambda: h.record_investigation("核实", ["甲"], SECOND, "王五"))
    assert "由 赵六 于 2026-03-10 答复" in message and "记录调查核实" in message


def test_a_second_closure_names_who_closed_and_when() -> None:
    h = replied()
    h.close("已办结", SECOND, "李四")
    assert "第1轮已由 李四 于 2026-03-11 办结" in refused(AlreadyClosed, lambda: h.close("再办结", SECOND, "王五"))


def test_a_reply_with_no_actor_says_it_was_unsigned() -> None:
    h = replied(actor="")
    assert "已由 未署名的经办人 于 2026-03-10 答复" in refused(AlreadyReplied, lambda: reply(h, "王五", SECOND))


def test_a_second_extension_names_who_entered_it_and_the_head_who_approved_it_art_34() -> None:
    h = handling()

    def extend(actor: str, head: str) -> None:
        h.approve_extension(30, head, "需鉴定", FIRST, FIRST, actor, 30)

    extend("李四", "王局长")
    message = refused(ExtensionAlreadyApproved, lambda: extend("王五", "张局长"))
    assert message == "案件 XF1 第1轮已由 李四 于 2026-03-10 登记延期 30 日（王局长 批准），不能再次延期"


def test_a_second_co_opinion_names_who_reported_it() -> None:
    h = handling(co_handlers=["990100RSJ"])
    h.submit_co_handler_opinion("990100RSJ", "同意", FIRST, "人社局 钱七")
    message = refused(OpinionAlreadySubmitted, lambda: h.submit_co_handler_opinion("990100RSJ", "再报", SECOND, "孙八"))
    assert "990100RSJ 第1轮的协办意见已由 人社局 钱七 于 2026-03-10 报送" in message


def test_a_second_execution_record_names_who_recorded_it_art_32() -> None:
    h = replied()
    h.record_execution("已修复", SECOND, "李四")
    message = refused(ExecutionAlreadyRecorded, lambda: h.record_execution("再修复", SECOND, "王五"))
    assert "第1轮支持意见的执行已由 李四 于 2026-03-11 记录" in message


def test_a_second_reply_notice_names_who_recorded_its_service_art_35() -> None:
    h = replied()
    h.serve_notice("reply", "written", "处理意见书", False, "", SECOND, "李四")
    message = refused(NoticeAlreadyServed, lambda: h.serve_notice("reply", "sms", "", False, "", SECOND, "王五"))
    assert "已由 李四 于 2026-03-11 登记送达" in message


def test_a_second_recusal_of_the_same_handler_names_who_entered_the_first_and_who_handles_now_art_28() -> None:
    h = handling()
    h.recuse("李工", "系信访人亲属", "周工", FIRST, "科长 李四")
    message = refused(HandlerAlreadyRecused, lambda: h.recuse("李工", "系信访人亲属", "吴工", SECOND, "王五"))
    assert message == "李工 已由 科长 李四 于 2026-03-10 登记回避，案件 XF1 现由 周工 承办"
