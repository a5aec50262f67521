"""混沌: the demo district through `xinfang up` while a random component is SIGKILLed every 1–3 s (up restarts it):
every case reaches its intended end, nothing lost or applied twice, every view equals its rebuild, no dead letters."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from services.runtime.bus import connect
from services.runtime.nats_server import free_port
from services.runtime.settings import Settings
from tests.support.chaos import Faults, check_after, kill_components, kill_nats, quiet
from tests.support.clock import TODAY
from tests.support.system import ProcessSystem
from xinfang.demo import run_demo

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]
CASES = 300


Fault = Callable[[int, asyncio.Event, Faults], Awaitable[None]]


async def demo_under(tmp_path: Path, fault: Fault, seed: int, name: str) -> Faults:
    """The demo district through `xinfang up` while ``fault`` runs (given up's pid), then every check; the faults."""
    data, log = tmp_path / "data", tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(free_port()), "XF_TODAY": TODAY.isoformat(),
                            "XF_LEASE_TTL_S": "3"}, log)  # fmt: skip
    system.up()
    try:
        system.wait_ready(5)
        settings = Settings(data_dir=data, today=TODAY)
        settings = settings.model_copy(update={"nats_url": settings.nats_url_file.read_text().strip()})
        faults, stop = Faults(), asyncio.Event()
        injecting = asyncio.create_task(fault(system.processes[0].pid, stop, faults))
        nc = await connect(settings.nats_url, "chaos-demo", creds=settings.credentials("staff"))
        try:
            report = await run_demo(nc, settings, cases=CASES, days=150, seed=seed, deadline=120)
        finally:
            stop.set()
            await injecting
            await nc.close()
        # Every case reached its intended end: its path's last step, or the step before one that would fall after
        # today (the demo's OutOfTime, decided by dates alone); any other failure would have raised.
        assert sum(report.paths.values()) == CASES and sum(report.completed.values()) > CASES // 2
        await quiet(settings)
        problems, events = await check_after(settings)
        faults.restarts = log.read_text(errors="replace").count("正在重启")
        print(faults.line(CASES, events, name))
        assert problems == []
        return faults
    finally:
        system.stop()


async def test_the_demo_completes_while_components_are_killed(tmp_path: Path) -> None:
    faults = await demo_under(tmp_path, kill_components, 13, "component kills")
    assert sum(faults.kills.values()) >= 10


async def test_the_demo_completes_across_two_nats_server_restarts(tmp_path: Path) -> None:
    faults = await demo_under(tmp_path, lambda up, stop, f: kill_nats(up, 2, 8.0, stop, f), 17, "nats-server kills")
    assert faults.kills["nats-server"] == 2  # both restarts happened mid-run
