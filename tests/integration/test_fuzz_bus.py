"""Fuzzing the bus edge: hypothesis draws poison for the case stream (bodies that are not JSON or not UTF-8, JSON that
is not an event, envelopes with a field missing or of the wrong type, a broken payload in a valid envelope, a newer
schema, a case that is not the subject's, subjects of the wrong shape, bodies near the server's 1 MB limit, each with
random, missing or malformed headers) and publishes it among real cases. Every poison lands in the dead letters of
every consumer that receives it, with a reason; an event type this version does not know is skipped and counted; the
real cases go through untouched, no component's loop ends, and every projection equals its rebuild."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings

from events import STREAM
from projections.replay import check
from services.runtime.bus import connect
from services.runtime.host import ProjectionHost, ServiceHost
from services.runtime.settings import COMPONENTS, Settings
from services.runtime.sidecar import Sidecar, make_engine
from tests.support.counts import report
from tests.support.fuzz import (
    BackgroundLoop,
    Poison,
    consumers_of,
    ended_loops,
    envelope,
    failures,
    in_background,
    poison,
)
from tests.support.system import Client, InProcessSystem, ledger_rows, projection_sinks, settle
from xinfang.verify_command import TAMPERED

POISON = 240
OVERSIZED = 6
UNKNOWN_TYPES = 12
REAL_CASES = 16
RULES = settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@pytest.fixture
def live(settings: Settings) -> Iterator[tuple[BackgroundLoop, InProcessSystem]]:
    with in_background(settings) as running:
        yield running


def consumers(system: InProcessSystem) -> dict[str, tuple[str, list[str]]]:
    """Every consumer of the case stream: its name → (the component whose database keeps its dead letters, filters)."""
    found = {}
    for name, host in system.components.items():
        sinks = [host.consumer.sink] if isinstance(host, ServiceHost) and host.consumer else []
        if isinstance(host, ProjectionHost):
            sinks = projection_sinks(host)
        for sink in sinks:
            found[sink.name] = (name, list(sink.subjects))
    return found


def dead_letters(settings: Settings) -> dict[tuple[str, int], dict[str, Any]]:
    """Every component's dead letters by (consumer, stream sequence)."""
    return {
        (row["consumer"], row["stream_seq"]): row
        for component in COMPONENTS
        for row in Sidecar(make_engine(settings.db_url(component))).dead_letters()
    }


def xinfang(settings: Settings, *args: str, exit_code: int = 0) -> str:
    """A CLI command's output, once it is found to have ended as expected, with no traceback."""
    env = {**os.environ, "XF_DATA_DIR": str(settings.data_dir), "XF_NATS_URL": settings.nats_url_text,
           "XF_CIPHER_KEY": settings.cipher_key}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == exit_code and "Traceback" not in done.stderr, done.stderr
    return done.stdout


async def real_cases(system: InProcessSystem, count: int) -> list[str]:
    """Cases taken from registration to rating by staff, four at a time, while the poison arrives."""
    gate = asyncio.Semaphore(4)
    async with Client(system.settings) as client:

        async def one(index: int) -> str:
            async with gate:
                return await client.lifecycle(index=index, major=index % 4 == 0)

        return await asyncio.gather(*(one(i) for i in range(count)))


@pytest.mark.slow
def test_poison_on_the_case_stream_is_dead_lettered_and_real_cases_flow_on(
    live: tuple[BackgroundLoop, InProcessSystem], caplog: pytest.LogCaptureFixture
) -> None:
    loop, system = live
    started = time.monotonic()
    nc = loop.run(connect(system.settings.nats_url, "fuzz-bus"))
    js = nc.jetstream()
    published: dict[int, Poison] = {}
    unknown: dict[int, str] = {}

    async def publish(message: Poison) -> None:
        ack = await js.publish(message.subject, message.data, stream=STREAM, headers=message.headers)
        published[ack.seq] = message

    cases = asyncio.run_coroutine_threadsafe(real_cases(system, REAL_CASES), loop.loop)

    @seed(11)
    @settings(RULES, max_examples=POISON)
    @given(message=poison())
    def publish_poison(message: Poison) -> None:
        loop.run(publish(message))

    @seed(12)
    @settings(RULES, max_examples=OVERSIZED)
    @given(message=poison(oversize=True))
    def publish_oversized(message: Poison) -> None:
        loop.run(publish(message))

    try:
        publish_poison()
        publish_oversized()
        for n in range(UNKNOWN_TYPES):  # a newer producer's events: skipped and counted, not dead-lettered
            case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz-unknown-{n}"))
            subject = f"xf.case.{case_id}.petition_teleported_{n % 3}"
            body = json.dumps(envelope(f"petition_teleported_{n % 3}", case_id)).encode()
            unknown[loop.run(js.publish(subject, body, stream=STREAM)).seq] = subject
        rated = cases.result(240)
        loop.run(settle(system), timeout=180)
        differences = loop.run(check(nc, make_engine(system.settings.db_url("projections")), system.settings.clock(),
                                     None, lambda *_: None), timeout=180)  # fmt: skip
    finally:
        loop.run(nc.close())

    assert ended_loops(system) == []
    assert failures(caplog) == []
    ledger = {r["case_id"]: r["status"] for r in ledger_rows(system.settings)}
    assert [ledger.get(case_id) for case_id in rated] == ["rated"] * REAL_CASES
    assert differences and all(problems == [] for problems in differences.values()), differences

    letters = dead_letters(system.settings)
    every = consumers(system)
    expected = {
        (consumer, seq)
        for seq, message in published.items()
        for consumer, (_, filters) in every.items()
        if consumers_of(message.subject, filters)
    }
    assert set(letters) == expected  # each poison where it was delivered, and nothing real among them
    assert all(row["reason"].strip() for row in letters.values())
    for (consumer, seq), row in letters.items():
        assert row["subject"] == published[seq].subject[:512] and row["data"] == published[seq].data
        sent = {k: v.strip() for k, v in (published[seq].headers or {}).items()}  # NATS trims header values
        assert json.loads(row["headers"]).items() >= sent.items()
        assert every[consumer][0] in COMPONENTS
    projections = system.components["projections"]
    assert isinstance(projections, ProjectionHost)
    skipped = Counter(subject.rsplit(".", 1)[1] for subject in unknown.values())
    for sink in projection_sinks(projections):
        assert sink.skipped == skipped, sink.name

    shown = xinfang(system.settings, "dead-letters", "--json")
    assert len(json.loads(shown)) == len(letters)
    # Staff reading the history of a case whose subject carries poison see it for what it is.
    poisoned = next(m.subject.split(".")[2] for m in published.values() if m.kind in ("not_json", "raw_bytes"))
    assert "dead-letters" in xinfang(system.settings, "history", poisoned)
    assert "undecodable" in xinfang(system.settings, "history", poisoned, "--json")
    # The tamper check names every message no producer published, poison or not, as inserted; nothing real.
    findings = json.loads(xinfang(system.settings, "verify", "--json", exit_code=TAMPERED))["findings"]
    assert {f["seq"] for f in findings} == set(published) | set(unknown)
    assert {f["kind"] for f in findings} == {"inserted"}
    kinds = Counter(message.kind for message in published.values())
    report(
        f"fuzz bus: poison={len(published)} oversized={sum(n for k, n in kinds.items() if k.startswith('oversize'))} "
        f"unknown_types={len(unknown)} dead_letters={len(letters)} consumers={len(every)} real_cases={len(rated)} "
        f"seconds={time.monotonic() - started:.0f}\n  by kind: {dict(sorted(kinds.items()))}"
    )
