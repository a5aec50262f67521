"""混沌: the demo district through `xinfang up` while a random component is SIGKILLed every 1–3 s (up restarts it),
and while the bundled nats-server is killed twice: every case reaches its intended end, nothing lost or applied twice,
every view equals its rebuild, no dead letters."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.chaos import demo_under, kill_components, kill_nats

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CASES = 500  # four runs: two thousand cases in all


async def test_the_demo_completes_while_components_are_killed(tmp_path: Path) -> None:
    faults = await demo_under(tmp_path, kill_components, 13, "component kills", CASES)
    assert sum(faults.kills.values()) >= 10


async def test_the_demo_completes_across_two_nats_server_restarts(tmp_path: Path) -> None:
    faults = await demo_under(
        tmp_path, lambda up, stop, f: kill_nats(up, 2, 8.0, stop, f), 17, "nats-server kills", CASES
    )
    assert faults.kills["nats-server"] == 2  # both restarts happened mid-run
