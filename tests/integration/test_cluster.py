"""The system on a three-node NATS cluster (R3, sync_interval: always): a node killed, brought back, then the case
stream's leader killed, and every case still reaches its end, with views a rebuild agrees with and no dead letter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from events import STREAM
from events.base import feed_stream
from projections.feeds import RELAY, outbox
from projections.replay import check
from projections.store import read_position
from services.runtime.settings import COMPONENTS, Settings
from services.runtime.sidecar import Sidecar, make_engine
from tests.support.cluster import NatsCluster, answering
from tests.support.system import Client, InProcessSystem, eventually, ledger_rows, settle

pytestmark = pytest.mark.timeout(300)  # three nodes fsyncing every write, elections after each kill


@pytest.fixture
async def clustered(cluster_settings: Settings) -> AsyncIterator[InProcessSystem]:
    running = InProcessSystem(cluster_settings)
    await running.start()
    yield running
    await running.stop()


def feed_outbox(settings: Settings) -> tuple[int, int, dict[str, int]]:
    """The feed relay's saved position, the outbox's last row, and how many messages each unit is owed."""
    engine = make_engine(settings.db_url("projections"))
    with engine.connect() as conn:
        position = read_position(conn, RELAY)
        last = conn.execute(select(func.max(outbox.c.id))).scalar() or 0
        owed = dict(conn.execute(select(outbox.c.department, func.count()).group_by(outbox.c.department)).all())
    engine.dispose()
    return position, last, {str(unit): int(n) for unit, n in owed.items()}


async def drive(client: Client, first: int, count: int) -> list[str]:
    """``count`` cases from registration to rating, side by side."""
    return list(await asyncio.gather(*(client.lifecycle(i, major=i % 3 == 0) for i in range(first, first + count))))


async def test_cases_reach_their_end_through_a_node_kill_and_a_leader_kill(
    clustered: InProcessSystem, nats_cluster: NatsCluster
) -> None:
    settings = clustered.settings
    timings: dict[str, float] = {}
    async with Client(settings) as client:
        js = client.nc.jetstream(timeout=10)
        info = await js.stream_info(STREAM)
        assert info.config.num_replicas == 3
        assert info.cluster is not None and len(info.cluster.replicas or []) == 2

        cases = await drive(client, 0, 6)

        # A node that does not lead the case stream: whoever was connected to it moves to another.
        leader = await nats_cluster.stream_leader(client.nc, STREAM)
        follower = next(i for i in range(3) if i != leader)
        nats_cluster.kill(follower)
        timings["answering after a follower kill"] = await answering(client.nc)
        cases += await drive(client, 6, 6)

        started = time.monotonic()
        nats_cluster.restart(follower)
        timings["follower back and current"] = time.monotonic() - started

        # The stream's leader: its Raft group elects another, and the relays' publishes go on there.
        leader = await nats_cluster.stream_leader(client.nc, STREAM)
        nats_cluster.kill(leader)
        started = time.monotonic()
        new_leader = await nats_cluster.stream_leader(client.nc, STREAM)
        timings["new stream leader elected"] = time.monotonic() - started
        assert new_leader != leader
        timings["answering after the leader kill"] = await answering(client.nc)
        started = time.monotonic()
        cases += await drive(client, 12, 6)
        timings["six cases with the old leader down"] = time.monotonic() - started
        nats_cluster.restart(leader)

    started = time.monotonic()
    await settle(clustered, timeout=120)
    timings["settled"] = time.monotonic() - started
    rows = {r["case_id"]: r for r in ledger_rows(settings)}
    assert set(rows) == set(cases) and len(cases) == 18
    assert {r["status"] for r in rows.values()} == {"rated"}

    async def feeds_published() -> bool:
        position, last, _ = feed_outbox(settings)
        return 0 < last == position

    started = time.monotonic()
    await eventually(feeds_published, 120, "the feed relay to publish its whole outbox")
    timings["feeds published"] = time.monotonic() - started
    async with Client(settings) as client:
        js = client.nc.jetstream(timeout=10)
        for unit, owed in feed_outbox(settings)[2].items():  # each unit's feed holds what it is owed, once
            feed = await js.stream_info(feed_stream(unit))
            assert feed.config.num_replicas == 3, unit
            assert feed.state.messages == owed, unit
        engine = make_engine(settings.db_url("projections"))
        differences = await check(client.nc, engine, settings.clock(), None, lambda done, total: None)
        engine.dispose()
    assert differences and all(problems == [] for problems in differences.values()), differences
    for component in COMPONENTS:
        assert Sidecar(make_engine(settings.db_url(component))).dead_letters() == [], component
    print("cluster timings (s):", {what: round(seconds, 2) for what, seconds in timings.items()})
