"""Fuzzing the command edge: hypothesis draws bodies for every command subject of every service, staff's and the
departments' (random JSON, valid-shaped payloads with one field broken, unicode edge cases, raw bytes, oversized
bodies), sends them over a real nats-server to the real services, and holds every answer to the contract: ``ok``, or
a named error with a Chinese message (the field it names where the draw says which), never ``internal``, never a
traceback; every component is alive and answers valid commands afterwards."""

from __future__ import annotations

import itertools
import json
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from pydantic import BaseModel

from services.runtime.bus import connect
from services.runtime.client import request
from services.runtime.commands import command_subject, department_subject
from services.runtime.errors import PayloadTooLarge
from services.runtime.host import ServiceHost
from services.runtime.settings import Settings
from services.runtime.wiring import commands_of
from tests.support.counts import report
from tests.support.fuzz import (
    CODES_UNIT,
    BackgroundLoop,
    Body,
    check_answer,
    command_bodies,
    dumps,
    ended_loops,
    failures,
    in_background,
    known_codes,
)
from tests.support.system import PETITION, Client, InProcessSystem, ledger_rows, settle
from xinfang.scenario import REPLY

EXAMPLES_PER_SUBJECT = 40
ANSWER_WITHIN_S = 5  # a body the service fails to answer (its handler died) fails the draw after this long
# Payloads our own clients send, as the base of a draw: they reach the rules, not just the parser.
BASES: dict[str, dict[str, Any]] = {
    "intake.register": PETITION,
    "mediation.reply": REPLY,
    "assignment.acknowledge": {"department": CODES_UNIT, "handler": "李工"},
    "supervision.rate": {"rating": "satisfied"},
}


@dataclass(frozen=True)
class Target:
    subject: str
    service: str
    command: str
    model: type[BaseModel]
    department: bool


def targets(system: InProcessSystem) -> list[Target]:
    """Every subject the running services answer: each command on xf.cmd, and as a department where it may be."""
    found = []
    for name, host in system.components.items():
        if not isinstance(host, ServiceHost):
            continue
        for command, (model, _) in sorted(commands_of(type(host.app)).items()):
            found.append(Target(command_subject(name, command), name, command, model, False))
            if model.for_departments:
                found.append(Target(department_subject(CODES_UNIT, name, command), name, command, model, True))
    return found


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[BackgroundLoop, InProcessSystem]]:
    with in_background(settings) as running:
        yield running


async def cases_at_every_stage(system: InProcessSystem) -> list[str]:
    """A case only registered, one accepted and assigned, and one taken to its rating: the draws act on these."""
    async with Client(system.settings) as client:
        registered = (await client.cmd("intake", "register", **PETITION))["case_id"]
        assigned = (await client.cmd("intake", "register", **{**PETITION, "request": "另一件事"}))["case_id"]
        await client.cmd("intake", "accept", case_id=assigned)
        rated = await client.lifecycle(index=7)
    return [registered, assigned, rated]


@pytest.mark.slow
def test_every_command_subject_answers_fuzzed_bodies_with_named_errors(
    live: tuple[BackgroundLoop, InProcessSystem], caplog: pytest.LogCaptureFixture
) -> None:
    loop, system = live
    started = time.monotonic()
    case_ids = loop.run(cases_at_every_stage(system))
    nc = loop.run(connect(system.settings.nats_url, "fuzz-commands"))
    codes = known_codes()
    # A fresh 请求标识 for each draw, so none is refused as reused; all of one length, so that replaying a draw (as
    # hypothesis does to shrink one) makes the same choices.
    ids = (f"fuzz-{n:09d}" for n in itertools.count())
    outcomes: Counter[str] = Counter()
    mutations: Counter[str] = Counter()
    every = targets(system)

    async def send(target: Target, body: Body) -> dict[str, Any]:
        reply = await nc.request(target.subject, body.data, timeout=ANSWER_WITHIN_S, headers=body.headers)
        answer: dict[str, Any] = json.loads(reply.data)
        return answer

    def fuzz(target: Target) -> None:
        base = BASES.get(f"{target.service}.{target.command}", {})

        # A seed of its own for each subject, the same on every run: CI stays deterministic, subjects differ.
        @seed(zlib.crc32(target.subject.encode()))
        @settings(
            max_examples=EXAMPLES_PER_SUBJECT, deadline=None, database=None, suppress_health_check=list(HealthCheck)
        )
        @given(body=command_bodies(target.model, case_ids, base, target.department, ids))
        def answers_by_the_contract(body: Body) -> None:
            answer = loop.run(send(target, body), timeout=ANSWER_WITHIN_S + 5)
            outcome = check_answer(answer, body.expect, codes)
            outcomes[outcome] += 1
            mutations[body.mutation] += 1

        answers_by_the_contract()

    try:
        for target in every:
            fuzz(target)
    finally:
        loop.run(nc.close())
    assert ended_loops(system) == []
    assert failures(caplog) == []  # no handler failed (FastStream logs one that did, and answers nothing)
    # Afterwards every service still takes a case from registration to rating, and the ledger shows it.
    after = loop.run(_one_more_case(system), timeout=120)
    assert [r["status"] for r in ledger_rows(system.settings) if r["case_id"] == after] == ["rated"]
    named = sum(n for code, n in outcomes.items() if code != "ok")
    report(
        f"fuzz commands: examples={sum(outcomes.values())} subjects={len(every)} named_errors={named} "
        f"ok={outcomes['ok']} codes={len(outcomes) - ('ok' in outcomes)} "
        f"seconds={time.monotonic() - started:.0f}\n  by code: {dict(sorted(outcomes.items()))}\n"
        f"  by mutation: {dict(sorted(mutations.items()))}"
    )
    assert set(mutations) >= {"unknown_field", "edge_text", "oversize", "raw_bytes", "deep", "number"}


async def _one_more_case(system: InProcessSystem) -> str:
    async with Client(system.settings) as client:
        case_id = await client.lifecycle(index=99)
    await settle(system)
    return case_id


async def test_a_body_over_the_servers_max_payload_is_a_named_error_never_sent(system: InProcessSystem) -> None:
    """Over the server's 1 MB max_payload a body cannot even be published: our client says so, by name."""
    nc = await connect(system.settings.nats_url, "fuzz-oversize")
    try:
        huge = {**PETITION, "facts": "字" * 400_000}  # 1.2 MB of UTF-8
        assert len(dumps(huge, False)) > nc.max_payload
        with pytest.raises(PayloadTooLarge) as raised:
            await request(nc, command_subject("intake", "register"), huge, "服务 intake", 5, 5)
        assert raised.value.code == "payload_too_large" and "未发送" in raised.value.message
        assert nc.is_connected  # the connection is as it was: nothing went out
        answer = await request(nc, command_subject("intake", "register"), PETITION, "服务 intake", 10, 10)
        assert answer["case_no"]
    finally:
        await nc.close()
