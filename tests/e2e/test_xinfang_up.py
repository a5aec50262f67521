"""`xinfang up` as a user runs it: hundreds of cases, then SIGKILL mid-run and a restart; the web console and the
HTTP API at the address it prints, restarted like any component."""

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

import httpx
import pytest

from events import STREAM
from services.runtime.nats_server import free_port
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import (
    PETITION,
    Client,
    ProcessSystem,
    case_count,
    eventually,
    ledger_rows,
    table_rows,
)
from tests.support.web import ACCOUNTS, PASSWORD, staff_accounts
from xinfang.scenario import REPLY, numbered

pytestmark = pytest.mark.slow


def start_up(tmp_path: Path, port: int, api_port: int = 0) -> tuple[ProcessSystem, Settings]:
    """`xinfang up` with its NATS on ``port`` and the web on ``api_port`` (0: a free port, which up prints)."""
    data = tmp_path / "data"
    env = {"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(port), "XF_API_PORT": str(api_port)}
    system = ProcessSystem(env, tmp_path / "up.log")
    system.up()
    system.wait_ready(5)
    url = Settings(data_dir=data).nats_url_file.read_text().strip()
    return system, Settings(data_dir=data, nats_url=url)


def xinfang(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "XF_DATA_DIR": str(settings.data_dir),
        "XF_NATS_URL": settings.nats_url_text,
        "XF_TODAY": TODAY.isoformat(),
        "PATH": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=120
    )


async def test_hundreds_of_cases_go_through_the_whole_lifecycle(tmp_path: Path) -> None:
    system, settings = start_up(tmp_path, free_port())
    try:
        gate = asyncio.Semaphore(25)

        async def one(client: Client, i: int) -> str:
            async with gate:
                return await client.lifecycle(i, major=i % 4 == 0)

        async with Client(settings) as client:
            ids = await asyncio.gather(*(one(client, i) for i in range(300)))

        async def all_rated() -> bool:
            return await case_count(settings, "rated") == 300

        await eventually(all_rated, 120, "300 rated cases in the ledger")
        rows = {r["case_id"]: r for r in ledger_rows(settings)}
        assert set(rows) == set(ids)
        leaders = xinfang(settings, "leader", "L05", "--format", "json")
        assert leaders.returncode == 0, leaders.stderr
        assert len(json.loads(leaders.stdout)) == 75
        checked = xinfang(settings, "replay", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        system.stop()
    assert "xinfang 已停止" in (tmp_path / "up.log").read_text()


async def tolerant(client: Client, service: str, command: str, done_codes: set[str], **payload: object) -> None:
    """A command that may already have taken effect before the crash (its reply was lost): a conflict whose reason
    says it was done is done."""
    deadline = asyncio.get_running_loop().time() + 60
    while True:
        try:
            await client.cmd(service, command, **payload)
            return
        except Exception as exc:
            code = getattr(exc, "reason", "")
            if code in done_codes:
                return
            if code not in ("not_found", "unavailable", "not_closed_yet"):
                raise
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{service}.{command} {payload} still failing: {exc}") from exc
            await asyncio.sleep(0.1)


async def test_sigkill_mid_run_loses_nothing_and_applies_nothing_twice(tmp_path: Path) -> None:
    port = free_port()
    system, settings = start_up(tmp_path, port)
    known: list[str] = []

    async def register_and_accept(client: Client, i: int) -> None:
        case = await client.cmd("intake", "register", **numbered(PETITION, i))
        known.append(case["case_id"])
        await client.cmd("intake", "accept", case_id=case["case_id"], major=i % 2 == 0)

    async with Client(settings) as client:
        work = asyncio.gather(*(register_and_accept(client, i) for i in range(400)), return_exceptions=True)
        await asyncio.sleep(0.5)
        await asyncio.to_thread(system.kill, settings.data_dir / "jetstream" / "nats.pid")
        await work
    assert 0 < len(known) < 400, "the kill must land mid-run"

    system, settings = start_up(tmp_path, port)
    try:
        async with Client(settings) as client:
            for case_id in known:
                await tolerant(client, "intake", "accept", {"already_decided"}, case_id=case_id)
            for case_id in known:
                await tolerant(
                    client,
                    "assignment",
                    "acknowledge",
                    {"already_acknowledged"},
                    case_id=case_id,
                    department="990100ZJJ",
                )
                await tolerant(
                    client,
                    "mediation",
                    "reply",
                    {"already_replied"},
                    case_id=case_id,
                    **REPLY,
                )
                await tolerant(client, "mediation", "close", {"already_closed"}, case_id=case_id)
                await tolerant(client, "supervision", "rate", {"already_rated"}, case_id=case_id, rating="satisfied")

            async def all_rated() -> bool:
                return await case_count(settings, "rated") == len(known)

            await eventually(all_rated, 120, "every known case rated")

            # Nothing lost: every petition intake holds is in the ledger; nothing twice: one event per id.
            petitions = table_rows(
                settings.db_url("intake"),
                "select count(*) as n from intake_events where topic = 'xf/intake/Petition/Registered'",
            )[0]["n"]
            await eventually(lambda: _ledger_size_is(settings, petitions), 60, "ledger to hold every petition")
            js = client.nc.jetstream()
            last = (await js.stream_info(STREAM)).state.last_seq
            ids = Counter()
            for seq in range(1, last + 1):
                msg = await js.get_msg(STREAM, seq)
                ids[json.loads(msg.data)["event_id"]] += 1
            assert max(ids.values()) == 1, "an event was published twice"
            assigned = table_rows(
                settings.db_url("assignment"),
                "select count(*) as n from assignment_events where topic = 'xf/assignment/Assignment/Assigned'",
            )[0]["n"]
            accepted = table_rows(
                settings.db_url("intake"),
                "select count(*) as n from intake_events where topic = 'xf/intake/Petition/Accepted'",
            )[0]["n"]
            assert assigned == accepted
        checked = xinfang(settings, "replay", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
        # Each relay's re-sends after the kill carried the links they first had: every chain holds.
        verified = xinfang(settings, "verify")
        assert verified.returncode == 0, verified.stdout + verified.stderr
    finally:
        system.stop()


async def _ledger_size_is(settings: Settings, size: int) -> bool:
    return len(ledger_rows(settings)) == size


def printed_address(log: Path) -> str:
    """The web's address as `up` prints it with the rest: 网页工作台 http://127.0.0.1:<port>."""
    for _ in range(600):
        found = re.search(r"网页工作台 (http://127\.0\.0\.1:\d+)", log.read_text(errors="replace"))
        if found:
            return found.group(1)
        time.sleep(0.1)
    raise AssertionError(f"no address printed:\n{log.read_text(errors='replace')[-3000:]}")


def web_pid(up_pid: int) -> int:
    """The `xinfang serve api` child of this `up`."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == up_pid and cmdline[-3:-1] == [b"serve", b"api"]:
            return int(entry.name)
    raise AssertionError("no api child of up")


async def test_up_serves_the_console_and_the_api_and_restarts_the_web_when_it_dies(tmp_path: Path) -> None:
    staff_accounts(Settings(data_dir=tmp_path / "data"))
    system, settings = start_up(tmp_path, free_port())
    try:
        url = printed_address(tmp_path / "up.log")
        async with httpx.AsyncClient(base_url=url, timeout=30) as web:
            assert (await web.get("/healthz")).json() == {"status": "ok"}
            signin = await web.get("/login")
            assert signin.status_code == 200 and "登录" in signin.text
            account = {"username": ACCOUNTS["intake"].username, "password": PASSWORD}
            headers = {"Authorization": f"Bearer {(await web.post('/api/session', json=account)).json()['token']}"}
            petition = {k: v for k, v in PETITION.items() if k != "received_by"}  # the signed-in person registers it
            registered = await web.post("/api/intake/register", json=petition, headers=headers)
            assert registered.status_code == 200, registered.text

            async def in_the_ledger() -> bool:
                return any(r["case_id"] == registered.json()["case_id"] for r in ledger_rows(settings))

            await eventually(in_the_ledger, what="the case registered over HTTP in the ledger")
            assert (await web.get("/readyz")).status_code == 200

            os.kill(web_pid(system.processes[0].pid), signal.SIGKILL)

            async def served_again() -> bool:
                try:
                    return (await web.get("/healthz")).status_code == 200
                except httpx.TransportError:
                    return False

            await eventually(served_again, 60, "the web restarted by up at the same address")
    finally:
        system.stop()
    log = (tmp_path / "up.log").read_text(errors="replace")
    assert "组件 api 已退出，正在重启" in log and "xinfang 已停止" in log
