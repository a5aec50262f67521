"""A command's body at the edge: what is refused before its model sees it, by name and in Chinese, and what passes.

The fuzz tests (tests/integration/test_fuzz_commands.py) send such bodies to the running services; these pin each
rule down on its own: unknown fields, bodies that are not one JSON object of UTF-8 text, controls and lone
surrogates, numbers out of range, nesting too deep, blanks for a required text, and the size limit.
"""

from __future__ import annotations

import json
from typing import Any

import nats.errors
import pytest
from faststream.nats import NatsBroker, TestNatsBroker
from pydantic import ValidationError

from services.assignment.commands import FormTaskForce
from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition
from services.mediation.commands import IssueReply
from services.runtime.client import request
from services.runtime.commands import command_subject, parse, parse_as
from services.runtime.dbthread import DbThread
from services.runtime.errors import InvalidInput, NotYourCase, PayloadTooLarge
from services.runtime.group_commit import GroupCommit
from services.runtime.organisation import organisation
from services.runtime.payloads import MAX_COMMAND_BYTES, MAX_DEPTH, MAX_INTEGER, check_size, field_name, load
from services.runtime.settings import Settings
from services.runtime.wiring import command_routes
from services.supervision.commands import Sweep
from tests.support.clock import CLOCK
from tests.support.harness import memory_store
from xinfang.scenario import REPLY

PETITION: dict[str, Any] = {
    "channel": "letter",
    "received_by": "办信科 刘洋",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "李四"}],
    "request": "请求修复小区道路",
}
CASE = "3f0c6a52-8a51-4b0f-9a0e-2f6d2b7c1e11"


def refused(model: type, body: bytes | dict[str, Any]) -> InvalidInput:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    with pytest.raises(InvalidInput) as raised:
        parse(model, data)
    assert any("\u4e00" <= c <= "\u9fff" for c in raised.value.message), raised.value.message
    return raised.value


def with_raw(payload: dict[str, Any], field: str, literal: str) -> bytes:
    """The payload with one field's value written as raw JSON text (what json.dumps would never write)."""
    return json.dumps({**payload, field: "@@"}).replace('"@@"', literal).encode()


def test_an_unknown_field_is_refused_naming_it() -> None:
    error = refused(RegisterPetition, {**PETITION, "colour": "红"})
    assert (error.code, error.field) == ("invalid_input", "colour") and "未知字段" in error.message


def test_an_unknown_field_inside_a_part_of_a_command_is_refused_with_its_path() -> None:
    error = refused(RegisterPetition, {**PETITION, "petitioners": [{"name": "李四", "age": 40}]})
    assert error.field == "petitioners.0.age"
    members = [{"role": "district_leader", "name": "王区长", "rank": 1}]
    assert refused(FormTaskForce, {"case_id": CASE, "members": members}).field == "members.0.rank"


def test_a_misspelt_option_no_longer_passes_unnoticed() -> None:
    reply = {"case_id": CASE, **REPLY}
    assert parse(IssueReply, json.dumps(reply).encode()).text == REPLY["text"]
    assert refused(IssueReply, {**reply, "legal_bassis": "第三十五条"}).field == "legal_bassis"


@pytest.mark.parametrize(
    ("body", "shown"),
    [(b"[1, 2]", "数组"), (b'"text"', "字符串"), (b"7", "数字"), (b"null", "null"), (b"true", "布尔值")],
)
def test_a_body_that_is_not_an_object_is_refused(body: bytes, shown: str) -> None:
    error = refused(Sweep, body)
    assert error.field is None and "JSON 对象" in error.message and shown in error.message


def test_an_empty_body_is_an_empty_object() -> None:
    assert parse(Sweep, b"").as_of is None


@pytest.mark.parametrize("body", [b'{"as_of": "\xff"}', b"\xc3\x28", b'{"a": "\xed\xa0\x80"}', b"\xef\xbb\xbf{}"])
def test_bytes_that_are_not_utf8_json_are_refused(body: bytes) -> None:
    error = refused(Sweep, body)
    assert "UTF-8" in error.message or "JSON" in error.message


def test_broken_json_says_where() -> None:
    assert "第 1 行第 11 列" in refused(Sweep, b'{"as_of": ').message


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999", str(10**30), "9" * 5000])
def test_a_number_out_of_range_is_refused_naming_its_field(literal: str) -> None:
    error = refused(RegisterPetition, with_raw(PETITION, "representatives", literal))
    assert (error.code, error.field) == ("invalid_input", "representatives") and "超出范围" in error.message


def test_integers_up_to_two_to_the_53_pass_the_body_check() -> None:
    assert load(with_raw({}, "n", str(MAX_INTEGER))) == {"n": MAX_INTEGER}
    assert refused(Sweep, with_raw({}, "n", str(MAX_INTEGER + 1))).field == "n"
    assert refused(Sweep, with_raw({}, "n", "1e20")).field == "n"  # a float an int field would take as 10**20


def test_nesting_deeper_than_the_limit_is_refused_naming_where() -> None:
    value: Any = 1
    for _ in range(MAX_DEPTH):
        value = [value]
    error = refused(Sweep, {"as_of": value})
    assert error.field is not None and error.field.startswith("as_of.0.0") and "嵌套过深" in error.message
    assert load(json.dumps({"a": [[[1]]]}).encode()) == {"a": [[[1]]]}


def test_nesting_no_parser_survives_is_refused_not_a_recursion_error() -> None:
    body = b'{"as_of": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
    assert "嵌套过深" in refused(Sweep, body).message


@pytest.mark.parametrize("text", ["名\x00字", "\x1b[31m", "\x7f", "\x85", "\x0b"])
def test_control_characters_in_text_are_refused_naming_the_field(text: str) -> None:
    error = refused(RegisterPetition, {**PETITION, "facts": text})
    assert error.field == "facts" and "控制字符" in error.message and "U+00" in error.message


def test_a_lone_surrogate_is_refused_naming_the_field() -> None:
    error = refused(RegisterPetition, {**PETITION, "facts": "ab\ud800"})  # json.dumps writes it as \ud800
    assert error.field == "facts" and "代理项" in error.message


def test_text_from_the_edges_of_unicode_that_is_fit_to_keep_passes() -> None:
    for text in [
        "\u200fمرحبا\u202e",
        "e\u0301\u0302",
        "👨\u200d👩\u200d👧",
        "\ud83d\ude00",
        "\u3000甲\t乙\r\n",
        "\ufeff",
    ]:
        facts = parse(RegisterPetition, json.dumps({**PETITION, "facts": text}).encode()).facts
        assert facts == text.replace("\ud83d\ude00", "😀")


def test_a_control_character_in_a_field_name_is_refused_as_a_field_name() -> None:
    error = refused(Sweep, {"as\x00of": 1})
    assert error.field == "as\\u0000of" and "字段名" in error.message


def test_a_field_name_in_a_message_is_printable_and_short() -> None:
    assert field_name(["x" * 500]) == "x" * 60 + "…"
    assert field_name(["a\udc80b", 0]) == "a\\udc80b.0"
    assert field_name([]) is None


def test_a_required_text_of_blanks_only_is_refused() -> None:
    for blanks in ["   ", "\u3000", "\t\n"]:
        error = refused(RegisterPetition, {**PETITION, "request": blanks})
        assert error.field == "request" and "空白" in error.message
    assert refused(RegisterPetition, {**PETITION, "petitioners": [{"name": " "}]}).field == "petitioners.0.name"
    assert parse(RegisterPetition, json.dumps({**PETITION, "facts": "  "}).encode()).facts == "  "  # optional


@pytest.mark.parametrize(
    ("payload", "field", "said"),
    [
        ({**PETITION, "channel": "pigeon"}, "channel", "须是以下之一"),
        ({k: v for k, v in PETITION.items() if k != "request"}, "request", "缺少必填字段"),
        ({**PETITION, "received_by": "人" * 101}, "received_by", "至多 100 个字符"),
        ({**PETITION, "petitioners": []}, "petitioners", "至少 1 项"),
        ({**PETITION, "representatives": -1}, "representatives", "须不小于 0"),
        ({**PETITION, "received_on": "昨天"}, "received_on", "须是日期"),
        ({**PETITION, "petitioners": "李四"}, "petitioners", "须是数组"),
        ({**PETITION, "collective": "maybe"}, "collective", "true 或 false"),
    ],
)
def test_a_broken_field_is_told_in_chinese(payload: dict[str, Any], field: str, said: str) -> None:
    error = refused(RegisterPetition, payload)
    assert error.field == field and said in error.message, error.message


def test_a_department_names_only_itself() -> None:
    body = json.dumps({"case_id": CASE, "handler": "李工"}).encode()
    from services.assignment.commands import AcknowledgeCase

    assert parse_as(AcknowledgeCase, body, "990100ZJJ").department == "990100ZJJ"
    with pytest.raises(NotYourCase):
        parse_as(AcknowledgeCase, json.dumps({"case_id": CASE, "department": "990100RSJ"}).encode(), "990100ZJJ")
    with pytest.raises(InvalidInput) as raised:
        parse_as(AcknowledgeCase, json.dumps({"case_id": CASE, "department": [1]}).encode(), "990100ZJJ")
    assert raised.value.field == "department"
    with pytest.raises(InvalidInput):
        parse_as(AcknowledgeCase, b"[]", "990100ZJJ")


def test_a_body_over_the_limit_is_payload_too_large() -> None:
    check_size(b"x" * 1024, 1024)
    with pytest.raises(PayloadTooLarge) as raised:
        check_size(b"x" * 1025, 1024)
    assert raised.value.code == "payload_too_large" and "XF_MAX_COMMAND_BYTES" in raised.value.message


def test_the_command_limit_is_configured_below_the_servers_max_payload(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_command_bytes == MAX_COMMAND_BYTES == 512 * 1024
    monkeypatch.setenv("XF_MAX_COMMAND_BYTES", "65536")
    assert Settings().max_command_bytes == 65536
    monkeypatch.setenv("XF_MAX_COMMAND_BYTES", str(2 * 1024 * 1024))
    with pytest.raises(ValidationError):
        Settings()


async def test_a_route_answers_an_oversized_body_without_parsing_it() -> None:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    db = DbThread("parsing")
    broker = NatsBroker()
    broker.include_router(command_routes("intake", app, GroupCommit(app, db), max_body=2048).router)
    try:
        async with TestNatsBroker(broker) as test_broker:
            big = b"{" + b" " * 3000 + b"}"  # would parse as {}; never parsed
            reply = await test_broker.request(big, command_subject("intake", "register"), timeout=5)
            error = json.loads(reply.body)["error"]
            assert (error["code"], error["field"]) == ("payload_too_large", None)
            reply = await test_broker.request(b"[[[", command_subject("intake", "register"), timeout=5,
                                              headers={"content-type": "application/json"})  # fmt: skip
            assert json.loads(reply.body)["error"]["code"] == "invalid_input"  # FastStream does not decode first
    finally:
        await db.close()


class TooBig:
    """A connection whose server's max_payload the body is over: nats-py refuses to publish it."""

    is_closed = False
    max_payload = 1024

    async def request(self, subject: str, data: bytes, timeout: float) -> Any:
        raise nats.errors.MaxPayloadError


async def test_a_body_over_the_servers_max_payload_is_refused_by_name_and_not_retried() -> None:
    with pytest.raises(PayloadTooLarge) as raised:
        await request(TooBig(), "xf.cmd.intake.register", {"facts": "x" * 2000}, "服务 intake", 1, 30)  # type: ignore[arg-type]
    assert (
        raised.value.code == "payload_too_large" and "1024" in raised.value.message and "未发送" in raised.value.message
    )


@pytest.mark.parametrize("service", ["intake", "assignment", "mediation", "supervision"])
def test_the_fuzzers_valid_shaped_payload_of_every_command_is_valid(service: str) -> None:
    """The fuzz tests break one thing of such a payload and expect that thing named: the rest must be valid."""
    import importlib

    from services.runtime.wiring import commands_of
    from tests.support.fuzz import valid_shaped

    app_class = getattr(importlib.import_module(f"services.{service}.application"), f"{service.title()}Application")
    for model, _ in commands_of(app_class).values():
        assert model.model_validate(valid_shaped(model, CASE)), model.__name__
