"""Rebuilding projections from stream sequence 1, and checking a rebuild against the live tables."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import nats.errors
from nats.aio.client import Client
from nats.js.api import ConsumerConfig, DeliverPolicy
from sqlalchemy import Engine, select

from events import STREAM
from events.base import SUBJECT_PREFIX
from projections.registry import PROJECTIONS, sinks_for
from projections.store import ProjectionSink, ReadSide, forget_applied
from services.runtime.clock import Clock
from services.runtime.collector import fewer_collections
from services.runtime.consumer import Delivery, apply_or_dead_letter
from services.runtime.sidecar import make_engine

Progress = Callable[[int, int], None]
RESUMES = 5  # times a feed takes a quiet consumer up again before it gives up


async def stream_last_seq(nc: Client) -> int:
    info = await nc.jetstream().stream_info(STREAM)
    return int(info.state.last_seq)


async def feed(
    nc: Client, sinks: list[ProjectionSink], stops: dict[str, int], progress: Progress, batch: int = 2000
) -> int:
    """Read the stream from 1 with an ordered consumer and apply it to each sink up to its stop sequence.

    A consumer that goes quiet before the stop (a busy machine starves the client of its heartbeats and flow
    control, and the ordered consumer's reset can outlast the wait) is taken up again after the last message
    read, a few times; only a stream that really ends short stops the feed short."""
    last = max(stops.values(), default=0)
    if last == 0:
        progress(0, 0)
        return 0
    with fewer_collections():
        return await _feed(nc, sinks, stops, progress, batch, last)


async def _feed(
    nc: Client, sinks: list[ProjectionSink], stops: dict[str, int], progress: Progress, batch: int, last: int
) -> int:
    js = nc.jetstream()

    async def reading_from(seq: int) -> Any:
        return await js.subscribe(
            f"{SUBJECT_PREFIX}.>",
            ordered_consumer=True,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            config=ConsumerConfig(opt_start_seq=seq),
            pending_msgs_limit=batch * 5,  # what the client holds ahead of the database: bounded, whatever the stream
        )

    sub = await reading_from(1)
    seen = 0
    quiet = 0
    pending: list[Delivery] = []
    read_side = ReadSide(sinks, stops)

    def flush() -> None:
        apply_or_dead_letter(read_side, pending)
        pending.clear()

    try:
        while seen < last:
            try:
                msg = await sub.next_msg(timeout=10)
            except (TimeoutError, nats.errors.TimeoutError):
                quiet += 1
                if quiet > RESUMES or await stream_last_seq(nc) <= seen:
                    break
                await sub.unsubscribe()
                sub = await reading_from(seen + 1)
                continue
            quiet = 0
            seen = msg.metadata.sequence.stream
            pending.append(Delivery.of(msg))
            if len(pending) >= batch or seen >= last:
                await asyncio.to_thread(flush)
                progress(seen, last)
        if pending:
            await asyncio.to_thread(flush)
            progress(seen, last)
    finally:
        await sub.unsubscribe()
    return seen


async def rebuild(nc: Client, engine: Engine, clock: Clock, names: list[str] | None, progress: Progress) -> int:
    """Throw the projections away and rebuild them in place up to the stream's current end."""
    sinks = sinks_for(engine, clock, names)
    if {s.projection.name for s in sinks} == set(PROJECTIONS):
        forget_applied(engine)
    for sink in sinks:
        sink.reset()
    last = await stream_last_seq(nc)
    return await feed(nc, sinks, {s.name: last for s in sinks}, progress)


def _comparable(value: Any) -> Any:
    """Datetimes compare in UTC whichever database stored them (a Moment column answers UTC everywhere)."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


def first_difference(live: list[dict[str, Any]], rebuilt: list[dict[str, Any]]) -> str:
    """Where two tables first part, for the operator: the row's key and the columns that differ."""
    for index, (was, now) in enumerate(zip(live, rebuilt, strict=False)):
        if was != now:
            key = next(iter(was.items()))
            columns = [f"{c}: live {was.get(c)!r}, rebuilt {now.get(c)!r}" for c in was if was.get(c) != now.get(c)]
            return f" (first at row {index + 1}, {key[0]}={key[1]}: {'; '.join(columns)[:500]})"
    longer = "live" if len(live) > len(rebuilt) else "rebuilt"
    return f" (first at row {min(len(live), len(rebuilt)) + 1}: only in {longer})"


def table_rows(engine: Engine, sink: ProjectionSink) -> dict[str, list[dict[str, Any]]]:
    out = {}
    with engine.connect() as conn:
        for table in sink.projection.tables:
            # By the whole key: rows that share its first column (a case's units) come in the same order everywhere.
            rows = conn.execute(select(table).order_by(*table.primary_key.columns)).mappings()
            # A counter the database hands out (the outbox's 序号) compares by its order, not its values: PostgreSQL
            # leaves gaps where a transaction that took a number rolled back (a dropped connection), SQLite none.
            counters = {c.name for c in table.primary_key.columns if c.autoincrement is True}
            out[table.name] = [{k: _comparable(v) for k, v in r.items() if k not in counters} for r in rows]
    return out


async def check(
    nc: Client, live: Engine, clock: Clock, names: list[str] | None, progress: Progress
) -> dict[str, list[str]]:
    """Rebuild into a scratch database up to each live projection's position and compare every row."""
    with tempfile.TemporaryDirectory() as scratch:
        shadow = make_engine(f"sqlite:///{Path(scratch) / 'rebuild.db'}", rebuildable=True)
        live_sinks = {s.name: s for s in sinks_for(live, clock, names)}
        shadow_sinks = sinks_for(shadow, clock, names)
        stops = {s.name: live_sinks[s.name].position() for s in shadow_sinks}
        await feed(nc, shadow_sinks, stops, progress)
        differences: dict[str, list[str]] = {}
        for sink in shadow_sinks:
            rebuilt, current = table_rows(shadow, sink), table_rows(live, live_sinks[sink.name])
            problems = []
            for table, rows in current.items():
                if rows != rebuilt[table]:
                    problems.append(
                        f"{table}: live {len(rows)} rows, rebuilt {len(rebuilt[table])} rows differ"
                        f"{first_difference(rows, rebuilt[table])}"
                    )
            differences[sink.projection.name] = problems
        shadow.dispose()
        return differences
