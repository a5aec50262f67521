"""Republishing and redelivering every message changes no store and no view (exactly-once in effect)."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import create_engine, text

from events import STREAM
from projections.replay import check
from services.runtime.settings import COMPONENTS
from tests.support.system import Client, InProcessSystem, settle, store_snapshot

CASES = 30


async def drive(system: InProcessSystem, count: int) -> None:
    async with Client(system.settings) as client:
        await asyncio.gather(*(client.lifecycle(i, major=i % 3 == 0) for i in range(count)))
    await settle(system)


async def republish_everything(system: InProcessSystem, fresh_ids: bool) -> int:
    """Send every stored message again: with its own Nats-Msg-Id, or a new one (a re-send past the window)."""
    async with Client(system.settings) as client:
        js = client.nc.jetstream()
        last = (await js.stream_info(STREAM)).state.last_seq
        for seq in range(1, last + 1):
            msg = await js.get_msg(STREAM, seq)
            headers = dict(msg.headers or {})
            if fresh_ids:
                headers["Nats-Msg-Id"] = str(uuid.uuid4())
            await js.publish(msg.subject, msg.data, headers=headers)
        return int((await js.stream_info(STREAM)).state.last_seq)


def rewind_every_consumer(system: InProcessSystem) -> None:
    """Forget every consumer's position so the whole stream is delivered to it again."""
    settings = system.settings
    for name in COMPONENTS[1:4]:
        engine = create_engine(settings.db_url(name))
        with engine.begin() as conn:
            conn.execute(text(f"delete from {name}_tracking"))
        engine.dispose()
    engine = create_engine(settings.db_url("projections"))
    with engine.begin() as conn:
        conn.execute(text("delete from xf_projection_position"))
    engine.dispose()


async def test_republishing_and_redelivering_everything_changes_nothing(system: InProcessSystem) -> None:
    await drive(system, CASES)
    before = store_snapshot(system.settings)
    assert len(before["ledger"]) == CASES
    assert all(row["status"] == "rated" for row in before["ledger"])

    async with Client(system.settings) as client:
        length = (await client.nc.jetstream().stream_info(STREAM)).state.last_seq
    assert await republish_everything(system, fresh_ids=False) == length, "same Nats-Msg-Id must dedupe"

    assert await republish_everything(system, fresh_ids=True) == 2 * length
    await settle(system)
    assert store_snapshot(system.settings) == before

    await system.stop()
    rewind_every_consumer(system)
    await system.start()
    await settle(system)
    assert store_snapshot(system.settings) == before

    from services.runtime.bus import connect
    from services.runtime.sidecar import make_engine

    nc = await connect(system.settings.nats_url, "check")
    try:
        differences = await check(
            nc, make_engine(system.settings.db_url("projections")), system.settings.clock(), None, lambda *_: None
        )
    finally:
        await nc.close()
    assert differences == {"ledger": [], "leaders": [], "feeds": [], "handoffs": [], "casefiles": [], "tracking": []}
