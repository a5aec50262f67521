"""SIGTERM stops every component within a bound whatever is in flight: no component needs SIGKILL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.runtime.client import call
from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import COMPONENTS, Settings
from tests.conftest import CIPHER_KEY
from tests.support.system import PETITION, Client, ProcessSystem
from xinfang.scenario import numbered

pytestmark = pytest.mark.slow

GRACE_S = 30  # each component's own stop is bounded well inside this (services/runtime/lifecycle.py)


async def test_sigterm_mid_run_stops_every_component_without_sigkill(tmp_path: Path, nats_server: EmbeddedNats) -> None:
    env = {"XF_NATS_URL": nats_server.url, "XF_CIPHER_KEY": CIPHER_KEY, "XF_DATA_DIR": str(tmp_path / "data")}
    system = ProcessSystem(env, tmp_path / "serve.log")
    system.serve_all()
    try:
        system.wait_ready(len(COMPONENTS))
        async with Client(Settings(nats_url=nats_server.url)) as client:
            flood = [
                asyncio.create_task(call(client.nc, "intake", "register", numbered(PETITION, i), timeout=10))
                for i in range(300)
            ]
            await asyncio.sleep(1.0)  # commands in flight, events on their way through every component
            killed = await asyncio.to_thread(system.stop, GRACE_S)
            await asyncio.gather(*flood, return_exceptions=True)
    finally:
        system.stop()
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert killed == [], f"components needed SIGKILL after {GRACE_S}s:\n{log[-3000:]}"
