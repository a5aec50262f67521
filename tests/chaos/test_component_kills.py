"""混沌: the demo district through `xinfang up` while a random component is SIGKILLed every 1–3 s (up restarts it):
every case reaches its intended end, nothing lost or applied twice, every view equals its rebuild, no dead letters."""

from __future__ import annotations

import asyncio
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


def start(tmp_path: Path) -> tuple[ProcessSystem, Settings, Path]:
    data, log = tmp_path / "data", tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(free_port()), "XF_TODAY": TODAY.isoformat(),
                            "XF_LEASE_TTL_S": "3"}, log)  # fmt: skip
    system.up()
    system.wait_ready(5)
    settings = Settings(data_dir=data, today=TODAY)
    return system, settings.model_copy(update={"nats_url": settings.nats_url_file.read_text().strip()}), log


async def test_the_demo_completes_across_two_nats_server_restarts(tmp_path: Path) -> None:
    system, settings, log = start(tmp_path)
    try:
        faults, stop = Faults(), asyncio.Event()
        killer = asyncio.create_task(kill_nats(system.processes[0].pid, 2, 8.0, stop, faults))
        nc = await connect(settings.nats_url, "chaos-demo", creds=settings.credentials("staff"))
        try:
            report = await run_demo(nc, settings, cases=CASES, days=150, seed=17, deadline=120)
        finally:
            stop.set()
            await killer
            await nc.close()
        assert sum(report.paths.values()) == CASES
        assert faults.kills["nats-server"] == 2  # both restarts happened mid-run
        await quiet(settings)
        problems, events = await check_after(settings)
        faults.restarts = log.read_text(errors="replace").count("正在重启")
        print(faults.line(CASES, events, "nats-server kills"))
        assert problems == []
    finally:
        system.stop()


async def test_the_demo_completes_while_components_are_killed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    log = tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(free_port()), "XF_TODAY": TODAY.isoformat(),
                            "XF_LEASE_TTL_S": "3"}, log)  # fmt: skip
    system.up()
    try:
        system.wait_ready(5)
        settings = Settings(data_dir=data, today=TODAY)
        settings = settings.model_copy(update={"nats_url": settings.nats_url_file.read_text().strip()})
        faults, stop = Faults(), asyncio.Event()
        killer = asyncio.create_task(kill_components(system.processes[0].pid, stop, faults))
        nc = await connect(settings.nats_url, "chaos-demo", creds=settings.credentials("staff"))
        try:
            report = await run_demo(nc, settings, cases=CASES, days=150, seed=13, deadline=120)
        finally:
            stop.set()
            await killer
            await nc.close()
        # Every case reached its intended end: its path's last step, or the step before one that would fall after
        # today (the demo's OutOfTime, decided by dates alone); any other failure would have raised.
        assert sum(report.paths.values()) == CASES and sum(report.completed.values()) > CASES // 2
        assert sum(faults.kills.values()) >= 10
        await quiet(settings)
        problems, events = await check_after(settings)
        faults.restarts = log.read_text(errors="replace").count("正在重启")
        print(faults.line(CASES, events, "component kills"))
        assert problems == []
    finally:
        system.stop()
