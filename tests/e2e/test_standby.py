"""备用实例 (standbys): a second `xinfang serve` of a service and of the projections waits on the lease; when the
active one is SIGKILLed mid-run the standby takes over from the stored positions — nothing lost, nothing doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from events import STREAM
from services.runtime.bus import connect
from services.runtime.lease import lease_bucket
from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import COMPONENTS, Settings
from tests.conftest import CIPHER_KEY, TODAY
from tests.support.system import Client, ProcessSystem, case_count, eventually

pytestmark = pytest.mark.slow
TTL = 3.0


async def holder_pid(url: str, name: str) -> int:
    nc = await connect(url, "standby-test")
    try:
        entry = await (await lease_bucket(nc, TTL)).get(name)
        return int((entry.value or b"").decode().split(":")[1])
    finally:
        await nc.close()


def wait_for_line(log: Path, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        time.sleep(0.1)
    raise AssertionError(f"no {text!r} in the log:\n{log.read_text(errors='replace')[-3000:]}")


async def registrations(url: str) -> int:
    nc = await connect(url, "standby-test")
    try:
        info = await nc.jetstream().stream_info(STREAM, subjects_filter="xf.case.*.petition_registered")
        return sum((info.state.subjects or {}).values())
    finally:
        await nc.close()


async def test_a_standby_takes_over_when_the_active_is_killed(tmp_path: Path, nats_server: EmbeddedNats) -> None:
    data = tmp_path / "data"
    env = {"XF_NATS_URL": nats_server.url, "XF_CIPHER_KEY": CIPHER_KEY, "XF_DATA_DIR": str(data),
           "XF_TODAY": TODAY.isoformat(), "XF_LEASE_TTL_S": str(TTL)}  # fmt: skip
    log = tmp_path / "serve.log"
    system = ProcessSystem(env, log)
    system.serve_all()
    try:
        system.wait_ready(len(COMPONENTS))
        standbys = {name: system._spawn("serve", name) for name in ("intake", "projections")}
        for name in standbys:
            wait_for_line(log, f"[xinfang] {name} standby")
        settings = Settings(nats_url=nats_server.url, data_dir=data, today=TODAY)
        async with Client(settings) as client:
            await asyncio.gather(*(client.lifecycle(i) for i in range(15)))
        for name in ("intake", "projections"):
            active = await holder_pid(nats_server.url, name)
            assert active != standbys[name].pid
            os.killpg(active, signal.SIGKILL)
            wait_for_line(log, f"[xinfang] {name} took over the lease")
            assert await holder_pid(nats_server.url, name) == standbys[name].pid
        async with Client(settings) as client:
            await asyncio.gather(*(client.lifecycle(i) for i in range(15, 30)))

        async def all_rated() -> bool:
            return await case_count(settings, "rated") == 30

        await eventually(all_rated, 120, "30 rated cases in the ledger, the standby projections writing it")
        assert await registrations(nats_server.url) == 30  # one registration per case, none doubled
        check = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "xinfang", "replay", "--check"], capture_output=True, text=True,
            env={**os.environ, **env}, timeout=120,
        )  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
        assert check.stdout.count("✓") == 6  # every projection equals its rebuild
    finally:
        system.stop()


async def test_up_with_standby_runs_a_second_instance_that_takes_over(tmp_path: Path) -> None:
    from services.runtime.nats_server import free_port

    data, log = tmp_path / "data", tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(free_port()), "XF_TODAY": TODAY.isoformat(),
                            "XF_LEASE_TTL_S": str(TTL)}, log)  # fmt: skip
    system._spawn("up", "--standby")
    try:
        system.wait_ready(len(COMPONENTS))
        wait_for_line(log, "另有备用实例")
        assert log.read_text(errors="replace").count("standby (waiting for the lease)") == len(COMPONENTS)
        settings = Settings(data_dir=data, today=TODAY)
        settings = settings.model_copy(update={"nats_url": settings.nats_url_file.read_text().strip()})
        creds = settings.credentials("operator")
        assert creds is not None
        url = settings.nats_url
        nc = await connect(url, "standby-test", creds=creds)
        try:
            entry = await (await lease_bucket(nc, TTL)).get("mediation")
            active = int((entry.value or b"").decode().split(":")[1])
        finally:
            await nc.close()
        os.kill(active, signal.SIGKILL)
        wait_for_line(log, "mediation took over the lease")
        async with Client(settings) as client:
            await asyncio.gather(*(client.lifecycle(i) for i in range(10)))

        async def all_rated() -> bool:
            return await case_count(settings, "rated") == 10

        await eventually(all_rated, 120, "10 rated cases after the standby mediation took over")
    finally:
        system.stop()
