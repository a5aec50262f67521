"""The pipeline's figures of `xinfang bench`: full lifecycles (clean and among poison), one service's commands, the
read side's rebuild, each with the peer it is measured against in the same run."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nats.js.api import DeliverPolicy, StreamConfig

from events import STREAM
from projections.registry import sinks_for
from projections.replay import feed, stream_last_seq
from projections.store import ReadSide
from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition
from services.runtime.client import call
from services.runtime.clock import Clock
from services.runtime.organisation import organisation
from services.runtime.settings import COMPONENTS
from services.runtime.sidecar import make_engine
from services.runtime.store import store_env
from xinfang.scenario import lifecycle, numbered

PETITION: dict[str, Any] = {
    "channel": "online",
    "received_by": "网上信访平台",
    "kind": "claim",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "测试信访人", "phone": "13900000000"}],
    "request": "请求修复小区道路",
    "facts": "道路破损多时",
}


async def projections_caught_up(nc: Any) -> None:
    js = nc.jetstream()
    while True:
        last = (await js.stream_info(STREAM)).state.last_seq
        infos = [await js.consumer_info(STREAM, ReadSide.name)]
        if all(i.delivered.stream_seq >= last and i.num_ack_pending == 0 and i.num_pending == 0 for i in infos):
            await asyncio.sleep(0.3)
            if (await js.stream_info(STREAM)).state.last_seq == last:
                return
        await asyncio.sleep(0.02)


@dataclass(frozen=True)
class Run:
    """One run of the pipeline: how many real events it put on the stream, in how long, among how much poison."""

    events: int
    seconds: float
    poison: int = 0


async def pipeline(nc: Any, first: int, cases: int, concurrency: int, poison_per_case: float = 0.0) -> Run:
    """Cases ``first`` … ``first + cases - 1`` from registration to rating, until the views have caught up; with
    ``poison_per_case``, that much poison published among their events as each case finishes."""
    js = nc.jetstream()
    gate = asyncio.Semaphore(concurrency)
    before = await stream_last_seq(nc)
    owed = 0.0
    sent = 0

    async def one(i: int) -> None:
        nonlocal owed, sent
        async with gate:
            await lifecycle(nc, numbered(PETITION, i), major=i % 4 == 0)
            owed += poison_per_case
            while owed >= 1:
                owed -= 1
                sent += 1
                await js.publish(*poison_message(first * 1000 + sent), stream=STREAM)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(first, first + cases)))
    await projections_caught_up(nc)
    elapsed = time.perf_counter() - started
    return Run(await stream_last_seq(nc) - before - sent, elapsed, sent)


def rate(*runs: Run) -> float:
    return sum(r.events for r in runs) / sum(r.seconds for r in runs)


POISON_SHARE = 0.01  # of every message on the stream during a poisoned run
# Poison on subjects the services react to and the read side reads: malformed, unknown, oversized, each in turn.
POISON_TYPES = ["petition_accepted", "case_acknowledged", "reply_issued", "case_closed", "petition_registered"]


def poison_message(n: int) -> tuple[str, bytes]:
    """The ``n``-th poison message: a subject of a case no command made, and a body no consumer can apply (or, every
    sixth, an event type this version does not know, which the read side skips)."""
    case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"xf-bench-poison-{n}"))
    event_type = POISON_TYPES[n % len(POISON_TYPES)]
    kind = n % 6
    bodies = [
        b"{not json",
        json.dumps({"case_id": case_id}).encode(),  # the envelope missing
        json.dumps({"case_id": case_id, "schema_version": 99}).encode(),  # a newer schema
        json.dumps({"case_id": case_id[::-1], "event_id": "x", "occurred_at": 1}).encode(),  # wrong types
        b"\xff" * 256 * 1024,  # oversized garbage
        json.dumps({"case_id": case_id, "schema_version": 1}).encode(),
    ]
    subject = f"xf.case.{case_id}.{'petition_teleported' if kind == 5 else event_type}"
    return subject, bodies[kind]


async def raw_publish(nc: Any, count: int) -> float:
    """The peer: nats-py JetStream async publish of the same messages into a scratch stream."""
    js = nc.jetstream(publish_async_max_pending=4000)
    payloads = [(await js.get_msg(STREAM, seq)).data for seq in range(1, count + 1)]
    await js.add_stream(StreamConfig(name="XF_BENCH_RAW", subjects=["xfbench.>"]))
    started = time.perf_counter()
    futures = [await js.publish_async(f"xfbench.{i}", data) for i, data in enumerate(payloads)]
    await asyncio.gather(*futures)
    elapsed = time.perf_counter() - started
    await js.delete_stream("XF_BENCH_RAW")
    return count / elapsed


async def command_rate(nc: Any, count: int, concurrency: int) -> float:
    gate = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await call(nc, "intake", "register", numbered(PETITION, i))

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(count)))
    return count / (time.perf_counter() - started)


def bare_application_rate(url: str, cipher_key: str, count: int, clock: Clock) -> float:
    """The peer: the eventsourcing application itself saving the same aggregates on the same database."""
    app = IntakeApplication(store_env("intake", url, cipher_key), organisation(), clock)
    commands = [RegisterPetition.model_validate(numbered(PETITION, i)) for i in range(count)]
    started = time.perf_counter()
    for command in commands:
        app.register(command)
    return count / (time.perf_counter() - started)


async def rebuild_rate(nc: Any, scratch: Path, clock: Clock) -> tuple[float, float]:
    last = await stream_last_seq(nc)
    engine = make_engine(f"sqlite:///{scratch / 'rebuild.db'}", rebuildable=True)
    sinks = sinks_for(engine, clock)
    started = time.perf_counter()
    await feed(nc, sinks, {s.name: last for s in sinks}, lambda *_: None)
    ours = last / (time.perf_counter() - started)
    js = nc.jetstream()
    sub = await js.subscribe("xf.case.>", ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
    started = time.perf_counter()
    seen = 0
    while seen < last:
        msg = await sub.next_msg(timeout=10)
        seen = msg.metadata.sequence.stream
    raw = last / (time.perf_counter() - started)
    await sub.unsubscribe()
    return ours, raw


@contextmanager
def components_running(env: dict[str, str], names: Sequence[str] = COMPONENTS) -> Iterator[None]:
    """The components (every one unless ``names``), each in its own process, as `xinfang up` and compose run them:
    ready once entered, stopped on leaving."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "xinfang", "serve", name],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for name in names
    ]
    try:
        for process in processes:
            assert process.stdout is not None
            if "ready" not in process.stdout.readline():
                raise RuntimeError("a component did not start")
        yield
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
