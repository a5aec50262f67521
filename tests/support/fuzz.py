"""Hypothesis strategies for fuzzing the edges: bodies for every command subject, poison for the case stream, and
what each answer must be (``Expect``).

A command body is drawn around a valid-shaped payload of its model (``example``) with one thing broken: a field of
the wrong type, a field the model does not know, text from the edge of Unicode, a missing field, a number out of
range, nesting too deep, bytes that are not UTF-8 or not JSON, or a body that is not an object. Each draw says what
the service must answer: ``refused`` with a code (and the field it names), or ``any`` answer that is well formed.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import re
import threading
import types
import typing
import unicodedata
import uuid
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any, TypeVar

from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from events import EVENT_TYPES
from services.runtime.errors import XinfangError
from services.runtime.payloads import MAX_COMMAND_BYTES, MAX_INTEGER, field_name
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import InProcessSystem

T = TypeVar("T")

# What a message of ours may never show a user: a Python traceback or the inside of one.
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+|\bline \d+, in \w+")
CJK = re.compile("[\u4e00-\u9fff]")
CODES_UNIT = "990100ZJJ"  # 区住建局, the lead of the sample petitions
KNOWN_CODES = {"department": CODES_UNIT, "unit": CODES_UNIT, "office": "990100XFJ", "locality": "990101001",
               "category": "urban_construction", "handler": "李工"}  # fmt: skip

# Text at the edges: direction marks and overrides, combining marks, emoji sequences, NUL and other controls, lone
# surrogates (as JSON escapes), byte-order and zero-width marks, blanks only, very long, and the usual injections.
EDGE_TEXT = [
    "\u200fمرحبا\u202eabc\u202c",
    "\u202d\u2066张\u2069\u200e",
    "e\u0301\u0302\u0303\u0304\u0305\u0306",
    "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359",
    "👨\u200d👩\u200d👧\u200d👦🏳️\u200d🌈",
    "\U0001f600" * 50,
    "\x00",
    "名\x00字",
    "\x1b[31m红\x1b[0m",
    "\x85\x9f",
    "\ud800",
    "ab\udfffcd",
    "\ud83d\ude00",
    "\ufeff",
    "\u200b\u200c\u200d",
    "   ",
    "\u3000\t\n ",
    "\r\n",
    "\U0010ffff\ufffe\uffff",
    "x" * 6000,
    "字" * 25000,
    "'; DROP TABLE ledger; --",
    "${jndi:ldap://127.0.0.1/a}",
    "../../../../etc/passwd",
    "%s%n%x{0}",
    "<script>alert(1)</script>",
    "null",
    "0",
]
edge_text = st.sampled_from(EDGE_TEXT) | st.text(
    st.characters(codec=None) | st.characters(categories=["Cs", "Cc", "Cf", "Mn", "Zs"]), max_size=40
)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30)
json_values = st.recursive(
    json_scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=12), kids, max_size=4),
    max_leaves=12,
)
NUMBERS = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" * 5000, str(10**30), str(-(2**63)), "1e20"]
# What a client may send beside the body; FastStream reads some of these itself.
header_values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
headers = st.none() | st.dictionaries(
    st.sampled_from(["Content-Type", "content-type", "correlation_id", "reply_to", "Nats-Msg-Id", "X-Fuzz"]),
    st.sampled_from(["application/json", "text/plain", "application/octet-stream", ""]) | header_values,
    max_size=3,
)


def unfit(text: str) -> bool:
    """Whether text holds what no command may carry: a control character other than tab and line ends, or a lone
    surrogate (the contract of ``services.runtime.payloads``, said again by the Unicode categories)."""
    return any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\t\n\r" for c in text)


@dataclass(frozen=True)
class Expect:
    """What the answer to a body must be: ``any`` well-formed answer, or ``refused`` with one of ``codes``, naming
    ``field`` (``prefix``: a field that starts so) when set."""

    kind: str
    codes: frozenset[str] = frozenset()
    field: str | None = None
    prefix: bool = False


ANY = Expect("any")


def refused(field: str | None = None, code: str = "invalid_input", prefix: bool = False) -> Expect:
    return Expect("refused", frozenset({code}), field, prefix)


@dataclass(frozen=True)
class Body:
    """One drawn request: the bytes sent, its headers, how it was made and what must come back."""

    mutation: str
    data: bytes
    expect: Expect
    headers: dict[str, str] | None = field(default=None, compare=False)


def known_codes() -> set[str]:
    """Every error code a component may answer: the ``code`` of each named error class (the services imported)."""
    import services.assignment.application
    import services.intake.application
    import services.mediation.application
    import services.supervision.application  # noqa: F401  (their error classes join XinfangError's subclasses)

    found, todo = set(), [XinfangError]
    while todo:
        cls = todo.pop()
        found.add(cls.code)
        todo.extend(cls.__subclasses__())
    return found - {"internal", "error"}


# ---- valid-shaped payloads -----------------------------------------------------------------------------------


def _constraints(info: FieldInfo | None, extra: tuple[Any, ...] = ()) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for item in (*(info.metadata if info else ()), *extra):
        for name in ("min_length", "max_length", "ge", "gt", "pattern"):
            if getattr(item, name, None) is not None:
                found[name] = getattr(item, name)
    return found


def example(
    annotation: Any, name: str, case_id: str, info: FieldInfo | None = None, extra: tuple[Any, ...] = ()
) -> Any:
    """A value of a field's type that its model takes: codes of the sample district, the given case, short text."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return example(args[0], name, case_id, None, (*extra, *args[1:], *(info.metadata if info else ())))
    if origin in (typing.Union, types.UnionType):
        return example(next(a for a in args if a is not type(None)), name, case_id, info, extra)
    if origin is typing.Literal:
        return args[0]
    if origin is list:
        return [example(args[0], name, case_id)]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return next(iter(annotation)).value
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return valid_shaped(annotation, case_id)
    if annotation is bool:
        return False
    if annotation is int:
        limits = _constraints(info, extra)
        return limits.get("ge", limits.get("gt", -1) + 1)
    if annotation is date:
        return TODAY.isoformat()
    if annotation is uuid.UUID:
        return case_id
    if annotation is str:
        limits = _constraints(info, extra)
        if "pattern" in limits:
            return str(uuid.uuid5(uuid.NAMESPACE_URL, name))
        text = KNOWN_CODES.get(name, "测试内容")
        return text[: limits.get("max_length", len(text))] or "测"
    if annotation is time:
        return "09:30"
    raise TypeError(f"no example for {name}: {annotation!r}")


def valid_shaped(model: type[BaseModel], case_id: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model's required fields (and any ``base`` gives) with values it takes; ``command_id`` left to the draw."""
    payload = {
        name: example(info.annotation, name, case_id, info)
        for name, info in model.model_fields.items()
        if info.is_required()
    }
    return {**payload, **(base or {})}


# ---- command bodies ------------------------------------------------------------------------------------------


def dumps(payload: Any, ascii_only: bool = True) -> bytes:
    return json.dumps(payload, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")


def _is_model_list(info: FieldInfo) -> bool:
    args = typing.get_args(info.annotation)
    return typing.get_origin(info.annotation) is list and isinstance(args[0], type) and issubclass(args[0], BaseModel)


@st.composite
def command_bodies(
    draw: st.DrawFn,
    model: type[BaseModel],
    case_ids: list[str],
    base: dict[str, Any],
    department: bool,
    command_ids: Iterator[str],
) -> Body:
    """One body for a command of ``model`` on one of the cases and what it must answer (``department``: sent on a
    department subject, which fills in the ``department`` itself), with the next of ``command_ids``."""
    payload = valid_shaped(model, draw(st.sampled_from(case_ids)), base)
    payload["command_id"] = next(command_ids)
    fields = sorted(model.model_fields)
    name = draw(st.sampled_from(fields))
    mutation = draw(
        st.sampled_from(
            ["as_is", "unknown_field", "nested_unknown", "wrong_type", "object_for_value", "edge_text", "missing",
             "number", "deep", "deeper_than_json", "not_object", "random_json", "not_utf8", "not_json", "raw_bytes",
             "oversize"]
        )
    )  # fmt: skip
    ascii_only = draw(st.booleans())
    sent_headers = draw(headers)
    body, expect = _mutate(draw, mutation, model, payload, name, department, ascii_only)
    if expect.codes == {"invalid_input"} and not utf8(body):  # a lone surrogate written raw: not UTF-8 at all
        expect = refused()
    return Body(mutation, body, expect, sent_headers)


def utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _mutate(
    draw: st.DrawFn,
    mutation: str,
    model: type[BaseModel],
    payload: dict[str, Any],
    name: str,
    department: bool,
    ascii_only: bool,
) -> tuple[bytes, Expect]:
    info = model.model_fields[name]
    if mutation == "unknown_field":
        key = draw(st.text(min_size=1, max_size=80) | edge_text.filter(bool)).strip() or "x"
        if key in model.model_fields:
            key = f"{key}_unknown"
        return dumps({**payload, key: draw(st.integers() | st.booleans() | st.just("值"))}, ascii_only), refused(
            field_name([key])
        )
    if mutation == "nested_unknown":
        lists = [n for n, i in model.model_fields.items() if _is_model_list(i)]
        if not lists:
            return dumps(payload, ascii_only), ANY
        outer = draw(st.sampled_from(lists))
        item = {**payload[outer][0], "未知字段": 1}
        return dumps({**payload, outer: [item]}, ascii_only), refused(field_name([outer, 0, "未知字段"]))
    if mutation == "wrong_type":
        return dumps({**payload, name: draw(json_values)}, ascii_only), ANY
    if mutation == "object_for_value":  # a JSON object is never a text, a number, a date, a code or a list
        if department and name == "department":
            return dumps({**payload, name: {"a": 1}}, ascii_only), ANY
        return dumps({**payload, name: {"a": 1}}, ascii_only), refused(name)
    if mutation == "edge_text":
        text = draw(edge_text)
        if department and name == "department" and text != payload.get(name):
            return dumps({**payload, name: text}, ascii_only), ANY  # another unit's name: not_your_case, or bad
        return dumps({**payload, name: text}, ascii_only), refused(name) if unfit(text) else ANY
    if mutation == "missing":
        rest = {k: v for k, v in payload.items() if k != name}
        required = info.is_required() and not (department and name == "department")
        return dumps(rest, ascii_only), refused(name) if required else ANY
    if mutation == "number":
        literal = draw(st.sampled_from(NUMBERS))
        text = dumps({**payload, name: "\u2603NUMBER\u2603"}, True).decode().replace('"\\u2603NUMBER\\u2603"', literal)
        out_of_range = not abs(float(literal)) <= MAX_INTEGER
        return text.encode(), refused(name) if out_of_range else ANY
    if mutation == "deep":
        depth = draw(st.integers(17, 200))
        value: Any = 1
        for _ in range(depth):
            value = [value]
        return dumps({**payload, name: value}, ascii_only), refused(name, prefix=True)
    if mutation == "deeper_than_json":  # more nesting than a recursive parser survives
        depth = draw(st.integers(1_000, 100_000))
        return b'{"' + name.encode() + b'": ' + b"[" * depth + b"]" * depth + b"}", refused()
    if mutation == "not_object":
        return dumps(draw(st.lists(json_values, max_size=3) | json_scalars), ascii_only), refused()
    if mutation == "random_json":
        return dumps(draw(json_values), ascii_only), ANY
    if mutation == "not_utf8":
        raw = dumps({**payload, name: "\u2603"}, False)
        bad = draw(st.sampled_from([b"\xff", b"\xc3\x28", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80", b"\x80"]))
        return raw.replace("\u2603".encode(), bad), refused()
    if mutation == "not_json":
        text = dumps(payload, ascii_only)
        cut = draw(st.integers(1, len(text) - 1))
        return text[:cut] + draw(st.sampled_from([b"", b"}", b",}", b"'", b"\\", b"\x00"])), refused()
    if mutation == "raw_bytes":
        return draw(st.binary(max_size=300)), ANY
    if mutation == "oversize":  # over the service's limit, under the server's 1 MB: answered without parsing
        size = draw(st.integers(MAX_COMMAND_BYTES + 1, 1_000_000))
        body = dumps({**payload, name: "x" * size}, ascii_only)
        return body, refused(code="payload_too_large")
    return dumps(payload, ascii_only), ANY


def check_answer(answer: dict[str, Any], expect: Expect, codes: set[str]) -> str:
    """The answer's outcome (``ok`` or its error code) once it is found to be as ``expect`` says, else an
    AssertionError saying what is wrong."""
    assert isinstance(answer, dict) and answer.get("ok") in (True, False), answer
    if answer["ok"]:
        assert expect.kind == "any", f"expected refused {set(expect.codes)} ({expect.field}), got ok"
        assert "result" in answer, answer
        return "ok"
    error = answer.get("error")
    assert isinstance(error, dict), answer
    code, message = error.get("code"), error.get("message")
    assert code in codes, f"unknown or internal code {code!r}: {message}"
    assert isinstance(message, str) and message, answer
    assert not TRACEBACK.search(message), f"a traceback in the message: {message}"
    assert CJK.search(message), f"the message is not Chinese: {message}"
    if expect.kind == "refused":
        assert code in expect.codes, f"expected {set(expect.codes)}, got {code}: {message}"
        if expect.field is not None:
            named = error.get("field") or ""
            good = named.startswith(expect.field) if expect.prefix else named == expect.field
            assert good, f"expected the field {expect.field!r} named, got {named!r}: {message}"
    return str(code)


# ---- poison for the case stream ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Poison:
    """A message published into the case stream that no consumer can apply, and why it is poison."""

    kind: str
    subject: str
    data: bytes
    headers: dict[str, str] | None = None


KNOWN_TYPES = sorted(EVENT_TYPES)
poison_headers = st.none() | st.dictionaries(
    st.sampled_from(["Xf-Chain-N", "Xf-Chain-Prev", "Xf-Chain-Hash", "Xf-Source", "Content-Type", "X-Fuzz"]),
    header_values,
    max_size=4,
)


def envelope(event_type: str, case_id: str) -> dict[str, Any]:
    """The fields every event carries, valid, for a case no real command made."""
    at = f"{TODAY.isoformat()}T09:30:00+08:00"
    event_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz:{case_id}:{event_type}"))
    return {"schema_version": 1, "event_id": event_id, "case_id": case_id, "occurred_at": at, "recorded_at": at,
            "actor": "fuzz"}  # fmt: skip


@st.composite
def poison(draw: st.DrawFn, oversize: bool = False) -> Poison:
    """A message on ``xf.case.…`` that cannot be decoded as an event of the contract (``oversize``: near the
    server's 1 MB limit). Every kind carries random headers (missing, malformed chain links, odd values)."""
    case_id = str(draw(st.uuids()))
    event_type = draw(st.sampled_from(KNOWN_TYPES))
    subject = f"xf.case.{case_id}.{event_type}"
    hdrs = draw(poison_headers)
    if oversize:
        filler = draw(st.sampled_from(["garbage", "broken_envelope"]))
        size = draw(st.integers(600_000, 1_000_000))
        if filler == "garbage":
            return Poison("oversize_garbage", subject, b"\x00{" * (size // 2), hdrs)
        body = {**envelope(event_type, case_id), "case_id": 7, "padding": "填" * (size // 3 - 200)}
        return Poison("oversize_envelope", subject, dumps(body, False), hdrs)
    kind = draw(
        st.sampled_from(
            ["not_json", "random_json", "not_object", "raw_bytes", "envelope_missing", "envelope_wrong_type",
             "wrong_case", "newer_schema", "broken_payload", "bad_subject", "not_utf8", "deep"]
        )
    )  # fmt: skip
    event = envelope(event_type, case_id)
    if kind == "not_json":
        return Poison(kind, subject, b"{" + draw(st.binary(max_size=50)), hdrs)
    if kind == "random_json":
        value = draw(json_values.filter(lambda v: not isinstance(v, dict) or "event_id" not in v))
        return Poison(kind, subject, dumps(value), hdrs)
    if kind == "not_object":
        return Poison(kind, subject, dumps(draw(st.lists(json_values, max_size=3) | json_scalars)), hdrs)
    if kind == "raw_bytes":
        return Poison(kind, subject, b"\xff" + draw(st.binary(max_size=200)), hdrs)
    if kind == "envelope_missing":
        drop = draw(st.sampled_from(["event_id", "case_id", "occurred_at", "recorded_at"]))
        return Poison(kind, subject, dumps({k: v for k, v in event.items() if k != drop}), hdrs)
    if kind == "envelope_wrong_type":
        name = draw(st.sampled_from(["event_id", "case_id", "occurred_at", "recorded_at", "schema_version"]))
        wrong = draw(st.sampled_from([[1], {"a": 1}, None, "not-a-date", -1.5]))
        if name == "schema_version" and wrong is None:
            wrong = "1"
        return Poison(kind, subject, dumps({**event, name: wrong}), hdrs)
    if kind == "wrong_case":  # a valid envelope whose case is not the subject's
        return Poison(kind, subject, dumps({**event, "case_id": str(draw(st.uuids()))}), hdrs)
    if kind == "newer_schema":
        return Poison(kind, subject, dumps({**event, "schema_version": draw(st.integers(2, 10**6))}), hdrs)
    if kind == "broken_payload":  # a valid envelope, every field of the event itself of the wrong type
        cls = EVENT_TYPES[event_type]
        own = [n for n, i in cls.model_fields.items() if i.is_required() and n not in event]
        if not own:  # an event whose own fields all have defaults: break the envelope instead
            return Poison(kind, subject, dumps({**event, "occurred_at": {"x": 1}}), hdrs)
        return Poison(kind, subject, dumps({**event, **{n: {"broken": [1]} for n in own}}), hdrs)
    if kind == "deep":  # nested past what a recursive parser survives
        depth = draw(st.integers(2_000, 200_000))
        return Poison(kind, subject, b"[" * depth + b"]" * depth, hdrs)
    if kind == "bad_subject":
        tail = draw(st.sampled_from([f"{case_id}.{event_type}.extra", event_type, f"{case_id}.{event_type}.a.b"]))
        return Poison(kind, f"xf.case.{tail}", dumps(event), hdrs)
    raw = dumps({**event, "actor": "\u2603"}, False).replace("\u2603".encode(), b"\xc3\x28")
    return Poison("not_utf8", subject, raw, hdrs)


def consumers_of(subject: str, filters: list[str]) -> bool:
    """Whether a consumer with these subject filters receives ``subject`` (NATS wildcards ``*`` and ``>``)."""
    tokens = subject.split(".")
    for pattern in filters:
        parts = pattern.split(".")
        if parts[-1] == ">" and len(tokens) >= len(parts):
            parts, tokens_ = parts[:-1], tokens[: len(parts) - 1]
        elif len(parts) == len(tokens):
            tokens_ = tokens
        else:
            continue
        if all(p in ("*", t) for p, t in zip(parts, tokens_, strict=True)):
            return True
    return False


# ---- running a live system under hypothesis ------------------------------------------------------------------


class BackgroundLoop:
    """An event loop on its own thread, where a live system runs while hypothesis drives a plain test function
    (hypothesis calls its test once per example, synchronously): ``run`` waits for one coroutine there."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="fuzz-loop", daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(10)
        self.loop.close()


@contextlib.contextmanager
def in_background(settings: Settings) -> Iterator[tuple[BackgroundLoop, InProcessSystem]]:
    """The whole system in this process, on its own loop (``BackgroundLoop``), for as long as the block runs."""
    loop = BackgroundLoop()
    system = InProcessSystem(settings)
    try:
        loop.run(system.start())
        yield loop, system
    finally:
        loop.run(system.stop())
        loop.close()


def ended_loops(system: InProcessSystem) -> list[str]:
    """The background loops (relays, consumers, the sweep, the feed relay) that have ended: none may, while it runs."""
    return [t.get_name() for host in system.components.values() for t in host.tasks if t.done()]


def failures(caplog: Any) -> list[str]:
    """What any component logged as an error (a handler or a loop that failed) while the fuzz ran."""
    return [f"{r.name}: {r.getMessage()}" for r in caplog.records if r.levelno >= logging.ERROR]
