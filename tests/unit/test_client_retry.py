"""The client rides through an outage: one key for every attempt, backoff within the deadline, and a give-up that
says whether the command may have been applied. Against a stand-in connection; the real server's restarts are in
tests/integration/test_idempotency.py."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import nats.errors
import pytest

from services.runtime import client
from services.runtime.client import Line, call, pause, with_command_id
from services.runtime.errors import Conflict, Unanswered, Unavailable


@dataclass
class Reply:
    data: bytes


@dataclass
class Flaky:
    """A connection whose requests fail as ``failures`` says, then are answered ok with the request echoed."""

    failures: Iterator[BaseException]
    sent: list[dict[str, Any]] = field(default_factory=list)
    is_closed: bool = False

    async def request(self, subject: str, data: bytes, timeout: float) -> Reply:
        self.sent.append(json.loads(data))
        failure = next(self.failures, None)
        if failure is not None:
            raise failure
        return Reply(json.dumps({"ok": True, "result": {"subject": subject}}).encode())


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(client, "FIRST_PAUSE_S", 0.01)
    monkeypatch.setattr(client, "LONGEST_PAUSE_S", 0.05)


async def test_an_outage_is_ridden_through_with_one_key() -> None:
    nc = Flaky(iter([nats.errors.NoRespondersError(), nats.errors.TimeoutError(), Unavailable("拨号失败")]))
    payload = {"case_id": "c"}
    assert await call(nc, "intake", "accept", payload, deadline=5) == {"subject": "xf.cmd.intake.accept"}  # type: ignore[arg-type]
    assert len(nc.sent) == 4 and len({s["command_id"] for s in nc.sent}) == 1
    assert payload == {"case_id": "c"}  # the caller's payload is left as it was: its next call gets its own key


async def test_a_callers_key_is_kept() -> None:
    nc = Flaky(iter([]))
    await call(nc, "intake", "accept", {"command_id": "mine"})  # type: ignore[arg-type]
    assert nc.sent[0]["command_id"] == "mine"
    assert with_command_id({"command_id": None})["command_id"]


async def test_a_service_that_never_answered_may_have_applied_it() -> None:
    nc = Flaky(iter([nats.errors.TimeoutError()] + [nats.errors.NoRespondersError()] * 1000))
    started = time.monotonic()
    with pytest.raises(Unanswered) as gave_up:
        await call(nc, "intake", "register", {}, deadline=0.5)  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    assert "可能已执行，也可能未执行" in gave_up.value.message and gave_up.value.code == "unavailable"
    assert gave_up.value.command_id == nc.sent[0]["command_id"]


async def test_a_command_that_never_reached_a_service_was_not_applied() -> None:
    nc = Flaky(iter([nats.errors.NoRespondersError()] * 1000))
    with pytest.raises(Unavailable) as gave_up:
        await call(nc, "intake", "register", {}, deadline=0.3)  # type: ignore[arg-type]
    assert not isinstance(gave_up.value, Unanswered)
    assert "未运行" in gave_up.value.message and "操作未执行" in gave_up.value.message


async def test_a_decided_answer_is_not_retried() -> None:
    class Refusing(Flaky):
        async def request(self, subject: str, data: bytes, timeout: float) -> Reply:
            self.sent.append(json.loads(data))
            error = {"code": "conflict", "reason": "already_decided", "message": "已由 李四 于 2026-03-02 受理"}
            return Reply(json.dumps({"ok": False, "error": {**error, "field": None}}).encode())

    nc = Refusing(iter([]))
    with pytest.raises(Conflict) as refused:
        await call(nc, "intake", "accept", {}, deadline=5)  # type: ignore[arg-type]
    assert (refused.value.code, refused.value.reason, len(nc.sent)) == ("conflict", "already_decided", 1)


async def test_refused_credentials_are_not_retried() -> None:
    dials = 0

    async def dial() -> Any:
        nonlocal dials
        dials += 1
        raise Unavailable("凭证无效", "creds")

    with pytest.raises(Unavailable) as refused:
        await call(Line(dial), "intake", "accept", {}, deadline=5)
    assert refused.value.field == "creds" and dials == 1


async def test_a_line_dials_again_once_its_connection_closed() -> None:
    made: list[Flaky] = []

    async def dial() -> Any:
        made.append(Flaky(iter([])))
        return made[-1]

    line = Line(dial)
    first = await line.client()
    assert await line.client() is first
    first.is_closed = True
    assert await line.client() is not first and len(made) == 2


def test_backoff_grows_with_jitter_and_never_passes_the_deadline() -> None:
    pauses = [pause(attempt, 100) for attempt in range(12)]
    assert all(0 < p <= client.LONGEST_PAUSE_S for p in pauses)
    assert pauses[0] <= client.FIRST_PAUSE_S and pauses[-1] >= client.LONGEST_PAUSE_S / 2
    assert pause(10, 0.01) == 0.01
