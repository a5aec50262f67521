"""混沌 on a three-node NATS cluster (three nats-server processes on loopback, JetStream, R3 streams,
``sync_interval: always``): the demo district through `xinfang up` while one node is killed and brought back, and
then the case stream's leader is killed and brought back; the run goes on, and every check after it holds."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from events import STREAM
from services.runtime.bus import connect
from services.runtime.settings import Settings
from tests.support.chaos import Faults, demo_under, pause
from tests.support.clock import TODAY
from tests.support.cluster import NatsCluster

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CASES = 500  # four runs: two thousand cases in all
DOWN_S = 5.0  # how long a killed node stays down before it comes back on its ports and its store


async def test_the_demo_completes_through_a_node_kill_and_a_stream_leader_kill(
    tmp_path: Path, nats_cluster: NatsCluster
) -> None:
    settings = Settings(data_dir=tmp_path / "data", nats_url=nats_cluster.urls, today=TODAY)

    async def kill_nodes(up_pid: int, stop: asyncio.Event, faults: Faults) -> None:
        nc = await connect(nats_cluster.urls, "chaos-cluster", creds=settings.credentials("operator"))
        try:
            for role, wait in (("follower", 10.0), ("stream-leader", 10.0)):
                if not await pause(stop, wait):
                    return
                leader = await nats_cluster.stream_leader(nc, STREAM)
                victim = leader if role == "stream-leader" else next(i for i in range(3) if i != leader)
                nats_cluster.kill(victim)
                faults.kills[role] += 1
                await pause(stop, DOWN_S)  # the node comes back even when the run has ended meanwhile
                await asyncio.to_thread(nats_cluster.restart, victim, 120)
        finally:
            await nc.close()

    # A lease ttl shorter than the default (6 s, not 10): an outage shorter than the ttl pauses the writes and
    # resumes them; a longer one (a leader election after a SIGKILL can take longer) restarts the components.
    env = {"XF_NATS_URL": ",".join(nats_cluster.urls), "XF_STREAM_REPLICAS": "3", "XF_LEASE_TTL_S": "6"}
    faults = await demo_under(tmp_path, kill_nodes, 19, "cluster node kills", CASES, env)
    assert faults.kills == {"follower": 1, "stream-leader": 1}  # both happened mid-run
