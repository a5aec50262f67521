"""What every chaos run checks afterwards, and the faults it injects: the stream read whole, its invariants, the
views against their rebuild, the dead letters, and one summary line."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nats.errors

from events import STREAM
from events.base import SUBJECT_PREFIX
from services.runtime.bus import connect
from services.runtime.nats_server import free_port
from services.runtime.settings import COMPONENTS, Settings
from tests.support.clock import TODAY
from tests.support.counts import report
from tests.support.system import ProcessSystem
from xinfang.demo import run_demo

Fault = Callable[[int, asyncio.Event, "Faults"], Awaitable[None]]


@dataclass
class Faults:
    """What a run did to the system."""

    kills: Counter[str] = field(default_factory=Counter)
    restarts: int = 0

    def line(self, cases: int, events: int, name: str) -> str:
        killed = ",".join(f"{k}={n}" for k, n in sorted(self.kills.items()))
        return (f"chaos {name}: kills={sum(self.kills.values())} ({killed}) restarts={self.restarts} cases={cases} "
                f"events={events}")  # fmt: skip


async def demo_under(
    tmp_path: Path, fault: Fault, seed: int, name: str, cases: int, env: dict[str, str] | None = None
) -> Faults:
    """The demo district through `xinfang up` while ``fault`` runs (given up's pid), then every check; the faults.
    ``env`` points up elsewhere (a NATS cluster of one's own, PostgreSQL databases)."""
    data, log = tmp_path / "data", tmp_path / "up.log"
    system = ProcessSystem({"XF_DATA_DIR": str(data), "XF_NATS_PORT": str(free_port()), "XF_TODAY": TODAY.isoformat(),
                            "XF_LEASE_TTL_S": "3", **(env or {})}, log)  # fmt: skip
    system.up()
    try:
        system.wait_ready(5, timeout=120)
        settings = Settings(data_dir=data, today=TODAY)
        settings = settings.model_copy(update={"nats_url": settings.nats_url_file.read_text().strip().split(",")})
        faults, stop = Faults(), asyncio.Event()
        injecting = asyncio.create_task(fault(system.processes[0].pid, stop, faults))
        nc = await connect(settings.nats_url, "chaos-demo", creds=settings.credentials("staff"))
        try:
            demo = await run_demo(nc, settings, cases=cases, days=150, seed=seed, deadline=120)
        finally:
            stop.set()
            await injecting
            await nc.close()
        # Every case reached its intended end: its path's last step, or the step before one that would fall after
        # today (the demo's OutOfTime, decided by dates alone); any other failure would have raised.
        assert sum(demo.paths.values()) == cases and sum(demo.completed.values()) > cases // 2
        await quiet(settings)
        problems, events = await check_after(settings, env or {})
        logged = log.read_text(errors="replace")
        faults.restarts = logged.count("正在重启")
        report(faults.line(cases, events, name))
        for line in logged.splitlines():  # why a component left: its lease, its store, its connection
            if "正在重启" in line or "lease" in line:
                print("  ", line[:300])
        assert problems == [], problems
        return faults
    finally:
        system.stop()


async def pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` unless the run ends first; whether it is still going."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return not stop.is_set()


def children(parent: int) -> dict[str, int]:
    """The `xinfang serve <component>` processes a parent (`xinfang up`) runs, by component."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            if ppid != parent:
                continue
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            if b"serve" in argv:
                found[argv[argv.index(b"serve") + 1].decode()] = int(entry.name)
            elif argv and argv[0].endswith(b"nats-server"):
                found["nats-server"] = int(entry.name)
    return found


async def kill_components(up_pid: int, stop: asyncio.Event, faults: Faults, seed: int = 3) -> None:
    """SIGKILL a random component (a service or the projections, never the whole group) every 1–3 s."""
    rng = random.Random(seed)
    names = list(COMPONENTS)
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), rng.uniform(1.0, 3.0))
        if stop.is_set():
            return
        name = rng.choice(names)
        pid = children(up_pid).get(name)
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                faults.kills[name] += 1


async def kill_nats(up_pid: int, times: int, every_s: float, stop: asyncio.Event, faults: Faults) -> None:
    """SIGKILL the bundled nats-server ``times`` times, ``every_s`` apart (``xinfang up`` starts it again)."""
    for _ in range(times):
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every_s)
        if stop.is_set():
            return
        pid = children(up_pid).get("nats-server")
        if pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                faults.kills["nats-server"] += 1


async def stream_events(settings: Settings) -> list[dict[str, Any]]:
    """Every message of the case stream: subject, Nats-Msg-Id and payload, in order."""
    nc = await connect(settings.nats_url, "chaos-check", creds=settings.credentials("operator"))
    try:
        js = nc.jetstream()
        last = (await js.stream_info(STREAM)).state.last_seq
        sub = await js.subscribe(f"{SUBJECT_PREFIX}.>", ordered_consumer=True)
        found: list[dict[str, Any]] = []
        try:
            while len(found) < last:
                try:
                    msg = await sub.next_msg(timeout=10)
                except (TimeoutError, nats.errors.TimeoutError):
                    break
                found.append({"subject": msg.subject, "msg_id": (msg.headers or {}).get("Nats-Msg-Id"),
                              "event": json.loads(msg.data)})  # fmt: skip
        finally:
            await sub.unsubscribe()
        return found
    finally:
        await nc.close()


def invariants(events: list[dict[str, Any]]) -> list[str]:
    """No event lost or applied twice, as the stream shows it: each event id once; one assignment per acceptance;
    one handling clock per acknowledgement round; one clock record per start; one alarm per clock stage."""
    problems = []
    ids = Counter(e["event"]["event_id"] for e in events)
    problems += [f"event {i} is in the stream {n} times" for i, n in ids.items() if n > 1]
    by_type: dict[str, Counter[Any]] = {}

    def count(kind: str, key: Any) -> None:
        by_type.setdefault(kind, Counter())[key] += 1

    for item in events:
        e, kind = item["event"], item["subject"].rsplit(".", 1)[1]
        case = e["case_id"]
        if kind in ("petition_accepted", "case_assigned", "case_acknowledged"):
            count(kind, case)
        elif kind == "deadline_recorded" and e.get("reason") == "started":
            count("clock_started", (case, e["clock"], e.get("round", 1), e["starts_on"]))
        elif kind == "warning_issued":
            count("warning", (case, e["clock"], e.get("round", 1), e["days_left"]))
        elif kind == "deadline_missed":
            count("missed", (case, e["clock"], e.get("round", 1)))
    accepted, assigned = by_type.get("petition_accepted", Counter()), by_type.get("case_assigned", Counter())
    problems += [f"case {c} accepted {n} times" for c, n in accepted.items() if n > 1]
    problems += [f"case {c} assigned {assigned[c]} times for one acceptance" for c in accepted if assigned[c] > 1]
    problems += [f"case {c} assigned without acceptance" for c in assigned if c not in accepted]
    for kind in ("clock_started", "warning", "missed"):
        problems += [f"{kind} {k} recorded {n} times" for k, n in by_type.get(kind, Counter()).items() if n > 1]
    return problems


def cli(
    settings: Settings, *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **(env or {}), "XF_DATA_DIR": str(settings.data_dir), "XF_NATS_URL": settings.nats_url_text,
           "XF_TODAY": TODAY.isoformat()}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)  # fmt: skip


async def check_after(settings: Settings, env: dict[str, str] | None = None) -> tuple[list[str], int]:
    """Everything a run must leave true; the problems found and the stream's length. ``env``: where the stores are,
    when not in the data directory."""
    events = await stream_events(settings)
    problems = invariants(events)
    check = await asyncio.to_thread(cli, settings, "replay", "--check", env=env)
    if check.returncode != 0:
        problems.append(f"replay --check: {check.stdout[-2000:]} {check.stderr[-2000:]}")
    dead = await asyncio.to_thread(cli, settings, "dead-letters", "--json", env=env)
    if dead.returncode != 0 or json.loads(dead.stdout or "[]"):
        problems.append(f"dead letters: {dead.stdout[:2000]} {dead.stderr[-500:]}")
    return problems, len(events)


async def quiet(settings: Settings, timeout: float = 180) -> None:
    """Wait until every consumer of the case stream has nothing pending, twice a second apart."""
    nc = await connect(settings.nats_url, "chaos-quiet", creds=settings.credentials("operator"))
    try:
        js = nc.jetstream()
        calm = 0
        for _ in range(int(timeout)):
            busy = 0
            names = [c.name async for c in _consumers(js)]
            for name in names:
                with contextlib.suppress(Exception):
                    info = await js.consumer_info(STREAM, name)
                    busy += info.num_pending + info.num_ack_pending
            calm = calm + 1 if busy == 0 and names else 0
            if calm >= 2:
                return
            await asyncio.sleep(1)
        raise AssertionError("the consumers did not catch up")
    finally:
        await nc.close()


async def _consumers(js: Any) -> Any:
    for info in await js.consumers_info(STREAM):
        yield info
