"""Test harness: the whole system in-process (fast) or as `xinfang up` / `xinfang serve` processes (real)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text

from services.runtime.bus import connect
from services.runtime.client import call
from services.runtime.host import Component
from services.runtime.settings import COMPONENTS, Settings
from xinfang.components import build_component
from xinfang.scenario import lifecycle, numbered, when_ready

PETITION = {
    "channel": "visit",
    "received_by": "接待科 王敏",
    "kind": "claim",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "张建国", "phone": "13800000001", "id_number": "110101197001010011"}],
    "request": "请求修复小区地下车库渗漏",
    "facts": "多次反映未果",
}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 30, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Client:
    """Drives cases through the services' commands, as staff would."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.nc: Any = None

    async def __aenter__(self) -> Client:
        creds = self.settings.credentials("operator")  # a district run with NATS users: the operators' access
        self.nc = await connect(self.settings.nats_url, "test-client", creds=creds)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.nc.close()

    async def cmd(self, service: str, command: str, **payload: Any) -> Any:
        return await call(self.nc, service, command, payload, timeout=30, deadline=30)

    async def ready(self, service: str, command: str, case_id: str, **payload: Any) -> Any:
        """A command for a case that may not have reached the service yet (its events travel the stream)."""
        return await when_ready(self.nc, service, command, {"case_id": case_id, **payload}, time.monotonic() + 30, 30)

    async def lifecycle(self, index: int = 0, major: bool = False) -> str:
        """One case from registration to rating; returns its case id."""
        return await lifecycle(self.nc, numbered(PETITION, index), major)


def ledger_rows(settings: Settings) -> list[dict[str, Any]]:
    engine = create_engine(settings.db_url("projections"))
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text("select * from ledger order by case_id")).mappings()]
    engine.dispose()
    return rows


def table_rows(url: str, sql: str) -> list[dict[str, Any]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(text(sql)).mappings()]
    engine.dispose()
    return rows


def store_snapshot(settings: Settings) -> dict[str, Any]:
    """Every event store's events and every view's rows, to compare before and after a fault."""
    snapshot: dict[str, Any] = {}
    for name in COMPONENTS[:-1]:
        snapshot[name] = table_rows(
            settings.db_url(name),
            f"select originator_id, originator_version, topic from {name}_events order by id",
        )
    url = settings.db_url("projections")
    snapshot["ledger"] = table_rows(url, "select * from ledger order by case_id")
    snapshot["leaders"] = table_rows(url, "select * from leader_cases order by case_id")
    return snapshot


async def case_count(settings: Settings, status: str) -> int:
    try:
        return sum(1 for r in ledger_rows(settings) if r["status"] == status)
    except Exception:
        return 0


class InProcessSystem:
    """All five components in this process, on a real nats-server and real databases."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.components: dict[str, Component] = {}

    async def start(self, names: tuple[str, ...] = COMPONENTS) -> None:
        for name in names:
            component = build_component(name, self.settings)
            await component.start()
            self.components[name] = component

    async def stop(self) -> None:
        for component in self.components.values():
            await component.stop()
        self.components.clear()


class ProcessSystem:
    """`xinfang up` (or one `xinfang serve` per component) as real processes, killable with SIGKILL."""

    def __init__(self, env: dict[str, str], log: Path):
        self.env = {**os.environ, **env}
        self.log = log
        self.processes: list[subprocess.Popen[bytes]] = []
        self.log_offset = 0

    def _spawn(self, *args: str) -> subprocess.Popen[bytes]:
        self.log_offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            process = subprocess.Popen(
                [sys.executable, "-m", "xinfang", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process

    def up(self) -> None:
        self._spawn("up")

    def serve_all(self) -> None:
        offset = self.log.stat().st_size if self.log.exists() else 0
        for name in COMPONENTS:
            self._spawn("serve", name)
        self.log_offset = offset

    def wait_ready(self, count: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text_ = self.log.read_bytes()[self.log_offset :].decode(errors="replace") if self.log.exists() else ""
            if len(re.findall(r"\[xinfang\] \w+ ready", text_)) >= count:
                return
            for process in self.processes:
                if process.poll() is not None:  # the start of the log says which component stalled, and why
                    raise AssertionError(f"a component exited early:\n{text_[:6000]}\n…\n{text_[-2000:]}")
            time.sleep(0.1)
        raise AssertionError(f"components not ready:\n{self.log.read_text(errors='replace')[-3000:]}")

    def kill(self, nats_pid_file: Path | None = None) -> None:
        """SIGKILL every process of the system at once, as a power cut would."""
        if nats_pid_file is not None and nats_pid_file.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(nats_pid_file.read_text().strip()), signal.SIGKILL)
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.processes.clear()

    def stop(self, grace: float = 30) -> list[int]:
        """SIGTERM every process, SIGKILL what has not exited after ``grace`` seconds; returns the pids killed."""
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        killed = []
        deadline = time.monotonic() + grace
        for process in self.processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                killed.append(process.pid)
        self.processes.clear()
        return killed


async def settle(system: InProcessSystem, timeout: float = 60) -> None:
    """Wait until every relay has published its whole log and every consumer has nothing pending."""
    from nats.js.errors import NotFoundError

    from events import STREAM
    from services.runtime.host import ServiceHost

    async with Client(system.settings) as client:
        js = client.nc.jetstream()

        async def quiet() -> bool:
            for component in system.components.values():
                if isinstance(component, ServiceHost):
                    assert component.relay is not None
                    last = component.app.recorder.max_notification_id() or 0
                    if component.relay.position < last:
                        return False
                consumers = [component.consumer] if isinstance(component, ServiceHost) else component.consumers
                for consumer in consumers:
                    if consumer is None:
                        continue
                    try:
                        info = await js.consumer_info(STREAM, consumer.sink.name)
                    except NotFoundError:
                        return False
                    if info.num_pending or info.num_ack_pending:
                        return False
            return True

        for _ in range(3):  # quiet three times in a row: a relay may be between read and publish
            await eventually(quiet, timeout, "the system to settle")
            await asyncio.sleep(0.2)


def projection_sinks(host: Component) -> list[Any]:
    """The projections behind the read side's one consumer, each with its own position, dead letters and counts."""
    from projections.store import ReadSide
    from services.runtime.host import ProjectionHost

    assert isinstance(host, ProjectionHost)
    return [sink for c in host.consumers if isinstance(c.sink, ReadSide) for sink in c.sink.sinks]
