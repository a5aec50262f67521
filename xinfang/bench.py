"""`xinfang bench`: figures beside peers measured in the same run (only ratios travel between machines)."""

from __future__ import annotations

import asyncio
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from nats.js.api import DeliverPolicy, StreamConfig

from events import STREAM
from projections.registry import sinks_for
from projections.replay import feed, stream_last_seq
from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition
from services.runtime.bus import connect
from services.runtime.client import call
from services.runtime.clock import Clock
from services.runtime.nats_server import EmbeddedNats
from services.runtime.organisation import organisation
from services.runtime.settings import COMPONENTS, Settings
from services.runtime.sidecar import make_engine
from services.runtime.store import store_env
from xinfang.bench_idle import idle_share
from xinfang.bench_latency import ack_to_ledger
from xinfang.scenario import lifecycle, numbered
from xinfang.scratch import scratch_databases

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


@dataclass
class Figure:
    """One measured figure beside its peer of the same run, and the goal its ratio (or, ``absolute``, itself) must meet:
    at least ``goal``, or with ``at_most`` at most ``goal``."""

    name: str
    value: float
    unit: str
    peer: str
    peer_value: float
    goal: float
    at_most: bool = False
    key: str = ""  # a stable name: --quick checks that every one expected is there
    database: str = ""
    absolute: bool = False  # the goal bounds the value itself; there is no peer

    @property
    def ratio(self) -> float:
        if self.absolute:
            return self.value
        return self.value / self.peer_value if self.peer_value else 0.0

    @property
    def meets_goal(self) -> bool:
        if not math.isfinite(self.ratio):
            return False
        return self.ratio <= self.goal if self.at_most else self.ratio >= self.goal

    @property
    def goal_text(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.goal:g}{f' {self.unit}' if self.absolute else ''}"


async def projections_caught_up(nc: Any) -> None:
    js = nc.jetstream()
    while True:
        last = (await js.stream_info(STREAM)).state.last_seq
        infos = [await js.consumer_info(STREAM, f"projection-{name}") for name in ("ledger", "leaders")]
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


@dataclass(frozen=True)
class Sizes:
    """How much each figure runs; ``quick`` (CI) only proves that every figure comes out."""

    cases: int = 400
    commands: int = 500
    concurrency: int = 128
    latency_rate: float = 100.0  # commands offered per second
    latency_s: float = 10.0
    idle_s: float = 30.0
    quick: bool = False

    @classmethod
    def of_quick(cls) -> Sizes:
        return cls(cases=40, commands=60, concurrency=32, latency_s=2.0, idle_s=5.0, quick=True)


LATENCY_GOAL_MS = {"SQLite": 50.0, "PostgreSQL": 100.0}


async def run_on(label: str, dbs: dict[str, str], sizes: Sizes) -> list[Figure]:
    from eventsourcing.cipher import AESCipher

    cases, commands, concurrency = sizes.cases, sizes.commands, sizes.concurrency
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        server = EmbeddedNats(scratch / "jetstream")
        server.start()
        key = AESCipher.create_key(num_bytes=32)
        dbs = dict(dbs)
        peer_url = dbs.pop("bare_db", None) or f"sqlite:///{scratch / 'bare-intake.db'}"
        settings = Settings.model_validate(
            {"data_dir": scratch / "data", "nats_url": server.url, "cipher_key": key, **dbs}
        )
        env = {
            **os.environ,
            "XF_NATS_URL": server.url,
            "XF_DATA_DIR": str(scratch / "data"),
            "XF_CIPHER_KEY": key,
            **{f"XF_{k.upper()}": v for k, v in dbs.items()},
        }
        processes: list[subprocess.Popen[str]] = []
        nc = None
        try:
            # Each component in its own process, as `xinfang up` and compose run them.
            for name in COMPONENTS:
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "xinfang", "serve", name],
                        env=env,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL,
                        text=True,
                    )
                )
            for process in processes:
                assert process.stdout is not None
                if "ready" not in process.stdout.readline():
                    raise RuntimeError("a component did not start")
            nc = await connect(server.url, "bench")
            # The pipeline with and without 1% poison in turns (clean, poisoned, clean, poisoned), each half the cases,
            # so that a machine busier for a while, or a database grown, weighs on both alike.
            half = max(1, cases // 2)
            clean = [await pipeline(nc, 0, half, concurrency)]
            peer_publish = await raw_publish(nc, clean[0].events)  # the clean run's messages, seq 1 … events
            ours, raw = await rebuild_rate(nc, scratch, settings.clock())  # the stream as the clean run left it
            poison_per_case = clean[0].events / half * POISON_SHARE / (1 - POISON_SHARE)
            poisoned = [await pipeline(nc, half, half, concurrency, poison_per_case)]
            clean.append(await pipeline(nc, 2 * half, half, concurrency))
            poisoned.append(await pipeline(nc, 3 * half, half, concurrency, poison_per_case))
            pipe_rate, poison = rate(*clean), sum(r.poison for r in poisoned)
            cmd_rate = await command_rate(nc, commands, concurrency)
            bare = await asyncio.to_thread(bare_application_rate, peer_url, key, commands, settings.clock())
            latency = await ack_to_ledger(
                nc, settings.db_url("projections"), PETITION, sizes.latency_rate, sizes.latency_s
            )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                process.wait(30)
            if nc is not None:
                await nc.close()
            server.stop()
    figures = [
        Figure(
            f"{label}: 全流程 pipeline",
            pipe_rate,
            "events/s",
            "raw JetStream async publish",
            peer_publish,
            0.25,
            key="pipeline",
        ),
        Figure(
            f"{label}: 全流程 1% 毒消息 pipeline with 1% poison ({poison})",
            rate(*poisoned),
            "events/s",
            "the same pipeline without poison",
            pipe_rate,
            0.9,
            key="pipeline_poison",
        ),
        Figure(
            f"{label}: 受理命令 intake commands",
            cmd_rate,
            "cmds/s",
            "bare eventsourcing app",
            bare,
            0.8,
            key="commands",
        ),
        Figure(
            f"{label}: 受理→台账 latency p99 ({latency.count} cmds, open loop {latency.rate:g}/s)",
            latency.p99,
            "ms",
            f"bound (p50 {latency.p50:.1f} ms, max {latency.max:.1f} ms)",
            0.0,
            LATENCY_GOAL_MS[label],
            at_most=True,
            key="latency_p99",
            absolute=True,
        ),
        Figure(f"{label}: 视图重建 rebuild", ours, "events/s", "raw ordered-consumer read", raw, 0.5, key="rebuild"),
    ]
    return [replace(f, database=label) for f in figures]


def idle_figure(sizes: Sizes) -> Figure:
    share = idle_share(sizes.idle_s)
    return Figure(
        f"xinfang up 空闲 idle CPU ({sizes.idle_s:g} s, all components)",
        share,
        "% of a core",
        "one core",
        100.0,
        0.01,
        at_most=True,
        key="idle_cpu",
        database="SQLite",
    )


EXPECTED = ("pipeline", "pipeline_poison", "commands", "latency_p99", "rebuild")


def missing(figures: list[Figure], databases: list[str]) -> list[str]:
    """The figures expected of this run that did not come out (or came out as no number)."""
    have = {(f.database, f.key) for f in figures if math.isfinite(f.value) and math.isfinite(f.peer_value)}
    wanted = [(db, key) for db in databases for key in EXPECTED] + [("SQLite", "idle_cpu")]
    return [f"{db}: {key}" for db, key in wanted if (db, key) not in have]


async def bench(postgres: str | None, sizes: Sizes) -> list[Figure]:
    figures = await run_on("SQLite", {}, sizes)
    if postgres:
        with scratch_databases(postgres, [*COMPONENTS, "bare"], prefix="xf_bench") as urls:
            dbs = {f"{name}_db": url for name, url in urls.items()}
            figures += await run_on("PostgreSQL", dbs, sizes)
    figures.append(await asyncio.to_thread(idle_figure, sizes))
    return figures


def write_json(figures: list[Figure], path: Path, sizes: Sizes) -> None:
    rows = [
        {**asdict(f), "ratio": round(f.ratio, 4), "meets_goal": f.meets_goal, "goal_text": f.goal_text} for f in figures
    ]
    path.write_text(json.dumps({"sizes": asdict(sizes), "figures": rows}, ensure_ascii=False, indent=2))
