"""`xinfang up` supervises its bundled nats-server: SIGKILLed, it is started again on the same port and store, and
every component reconnects and goes on from its stored positions (consumers and relays), losing nothing."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from events import STREAM
from services.runtime.nats_server import free_port, port_open
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.cluster import answering
from tests.support.system import Client, ProcessSystem, case_count, eventually, ledger_rows

pytestmark = pytest.mark.slow

RESTARTED = "NATS 服务器已退出"


def xinfang(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(settings.data_dir), "XF_TODAY": TODAY.isoformat(), "PATH": ""}  # nats.url, as staff do
    return subprocess.run(
        [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=120
    )


async def drive(client: Client, first: int, count: int) -> list[str]:
    gate = asyncio.Semaphore(10)

    async def one(i: int) -> str:
        async with gate:
            return await client.lifecycle(i, major=i % 4 == 0)

    return list(await asyncio.gather(*(one(i) for i in range(first, first + count))))


async def test_a_killed_nats_server_is_restarted_and_every_component_resumes(tmp_path: Path) -> None:
    data, port, log = tmp_path / "data", free_port(), tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(port)}, log)
    system.up()
    try:
        system.wait_ready(5)
        settings = Settings(data_dir=data, nats_url=Settings(data_dir=data).nats_url_file.read_text())
        pid_file = data / "jetstream" / "nats.pid"
        async with Client(settings) as client:
            cases = await drive(client, 0, 30)

            # The rated events of the last cases are still on their way through relays and consumers.
            killed = int(pid_file.read_text().strip())
            os.kill(killed, signal.SIGKILL)
            started = time.monotonic()

            async def restarted() -> bool:
                text = log.read_text(errors="replace")
                pid = pid_file.read_text().strip() if pid_file.exists() else ""
                return RESTARTED in text and pid.isdigit() and int(pid) != killed and port_open(port)

            await eventually(restarted, 30, "xinfang up to restart its nats-server")
            back = time.monotonic() - started
            again = await answering(client.nc)
            cases += await drive(client, 30, 30)

            async def all_rated() -> bool:
                return await case_count(settings, "rated") == 60

            await eventually(all_rated, 120, "60 rated cases in the ledger")
            assert {r["case_id"] for r in ledger_rows(settings)} == set(cases)

            # Each relay went on from its saved position: every event on the stream once.
            js = client.nc.jetstream()
            last = (await js.stream_info(STREAM)).state.last_seq
            ids: Counter[str] = Counter()
            for seq in range(1, last + 1):
                ids[json.loads((await js.get_msg(STREAM, seq)).data)["event_id"]] += 1
            assert max(ids.values()) == 1, "an event was published twice"

        checked = xinfang(settings, "replay", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        letters = xinfang(settings, "dead-letters", "--json")
        assert letters.returncode == 0 and json.loads(letters.stdout) == [], letters.stdout + letters.stderr
        text = log.read_text(errors="replace")
        assert text.count(RESTARTED) == 1, text[-3000:]
        assert not re.search(r"组件 \w+ 已退出", text), "a component died instead of reconnecting"
        print(f"nats-server back after {back:.2f}s; every service answering {again:.2f}s later")
    finally:
        system.stop()
    assert "xinfang 已停止" in log.read_text()
