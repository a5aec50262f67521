"""`xinfang bench`: every figure of the quality bars beside its peer measured in the same run (only ratios travel
between machines), on the embedded default and on PostgreSQL when a URL is given."""

from __future__ import annotations

import asyncio
import json
import math
import os
import tempfile
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from services.runtime.bus import connect
from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import COMPONENTS, Settings
from xinfang.bench_figures import Figure
from xinfang.bench_idle import idle_share
from xinfang.bench_latency import ack_to_ledger
from xinfang.bench_pipeline import (
    PETITION,
    POISON_SHARE,
    bare_application_rate,
    command_rate,
    components_running,
    pipeline,
    rate,
    raw_publish,
    rebuild_rate,
)
from xinfang.bench_scale import READ_KEYS, scale_figures
from xinfang.scratch import scratch_databases

__all__ = ["EXPECTED", "Figure", "Sizes", "bench", "missing", "write_json"]


@dataclass(frozen=True)
class Sizes:
    """How much each figure runs; ``quick`` (CI) only proves that every figure comes out."""

    cases: int = 400
    commands: int = 500
    concurrency: int = 128
    latency_rate: float = 100.0  # commands offered per second
    latency_s: float = 10.0
    idle_s: float = 30.0
    big: int = 1_000_000  # events in the stream for the flat-at-a-million figures (copies: bench_scale)
    small: int = 1_000
    quick: bool = False

    @classmethod
    def of_quick(cls) -> Sizes:
        return cls(
            cases=40, commands=60, concurrency=32, latency_s=2.0, idle_s=5.0, big=20_000, small=1_000, quick=True
        )


LATENCY_GOAL_MS = {"SQLite": 50.0, "PostgreSQL": 100.0}


async def run_on(label: str, dbs: dict[str, str], sizes: Sizes) -> list[Figure]:
    from services.runtime.cipher import StoreCipher as AESCipher

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
        nc = None
        try:
            with components_running(env):
                nc = await connect(server.url, "bench")
                # The pipeline with and without 1% poison in turns (clean, poisoned, clean, poisoned), each half the
                # cases, so that a machine busier for a while, or a database grown, weighs on both alike.
                half = max(1, cases // 2)
                clean = [await pipeline(nc, 0, half, concurrency)]
                peer_publish = await raw_publish(nc, clean[0].events)  # the clean run's messages, seq 1 … events
                ours, raw = await rebuild_rate(nc, scratch, settings.clock())  # the stream as the clean run left it
                poison_per_case = clean[0].events / half * POISON_SHARE / (1 - POISON_SHARE)
                poisoned = [await pipeline(nc, half, half, concurrency, poison_per_case)]
                clean.append(await pipeline(nc, 2 * half, half, concurrency))
                poisoned.append(await pipeline(nc, 3 * half, half, concurrency, poison_per_case))
                pipe_rate, poison = rate(*clean), sum(r.poison for r in poisoned)
                latency = await ack_to_ledger(
                    nc, settings.db_url("projections"), PETITION, sizes.latency_rate, sizes.latency_s
                )
            # One service's commands as its peer, the bare application, runs them: with nothing else at work (with
            # every component up, the other services' reactions to each registration took a share of the cores).
            with components_running(env, ["intake"]):
                cmd_rate = await command_rate(nc, commands, concurrency)
            bare = await asyncio.to_thread(bare_application_rate, peer_url, key, commands, settings.clock())
        finally:
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


EXPECTED = (
    "pipeline",
    "pipeline_poison",
    "commands",
    "latency_p99",
    "rebuild",
    *READ_KEYS.values(),
    "rebuild_rss",
)


def missing(figures: list[Figure], databases: list[str]) -> list[str]:
    """The figures expected of this run that did not come out (or came out as no number)."""
    have = {(f.database, f.key) for f in figures if math.isfinite(f.value) and math.isfinite(f.peer_value)}
    wanted = [(db, key) for db in databases for key in EXPECTED] + [("SQLite", "idle_cpu")]
    return [f"{db}: {key}" for db, key in wanted if (db, key) not in have]


async def on_database(label: str, dbs: dict[str, str], scale_dbs: dict[str, str], sizes: Sizes) -> list[Figure]:
    """Every figure of one store: the pipeline's, then the million-event ones, on a stream and stores of their own
    (a store remembers the stream it followed: one run's positions would skip another stream's events)."""
    figures = await run_on(label, dbs, sizes)
    scaled = await scale_figures(label, scale_dbs, sizes.big, sizes.small, sizes.quick)
    return figures + [replace(f, database=label) for f in scaled]


SCALE_STORES = ["scale_small", "scale_big", "scale_rss"]


async def bench(postgres: str | None, sizes: Sizes) -> list[Figure]:
    figures = await on_database("SQLite", {}, {}, sizes)
    if postgres:
        names = [*COMPONENTS, "bare", *(f"scale_{c}" for c in COMPONENTS), *SCALE_STORES]
        with scratch_databases(postgres, names, prefix="xf_bench") as urls:
            dbs = {f"{name}_db": urls[name] for name in [*COMPONENTS, "bare"]}
            scale_dbs = {f"{c}_db": urls[f"scale_{c}"] for c in COMPONENTS} | {f"{s}_db": urls[s] for s in SCALE_STORES}
            figures += await on_database("PostgreSQL", dbs, scale_dbs, sizes)
    figures.append(await asyncio.to_thread(idle_figure, sizes))
    return figures


def write_json(figures: list[Figure], path: Path, sizes: Sizes) -> None:
    rows = [
        {**asdict(f), "ratio": round(f.ratio, 4), "meets_goal": f.meets_goal, "goal_text": f.goal_text} for f in figures
    ]
    path.write_text(json.dumps({"sizes": asdict(sizes), "figures": rows}, ensure_ascii=False, indent=2))
