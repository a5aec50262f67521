"""Idle cost: the CPU that `xinfang up` burns with no work at all — every component, the web and nats-server together.

Read from /proc: the user and system time of the whole process tree `up` started, before and after a quiet while,
against the same while on one core. Nothing is polled when idle: the outbox relays are woken by the saves, the
department feed relay by what the read side applied, and consumers wait on the server (a pull request lingers).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from services.runtime.nats_server import free_port

READY_LINE = "按 Ctrl-C 停止"  # up prints it once every component said it is ready
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def process_tree(root: int) -> list[int]:
    """``root`` and every process below it, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # gone meanwhile
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system seconds of each process still there, in clock ticks (dead threads included)."""
    spent: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return spent


def thread_seconds(pids: list[int]) -> dict[tuple[int, int], float]:
    """Seconds on a CPU of every thread of these processes, to the nanosecond (``schedstat``)."""
    spent: dict[tuple[int, int], float] = {}
    for pid in pids:
        try:
            tasks = list(Path(f"/proc/{pid}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                spent[(pid, int(task.name))] = int((task / "schedstat").read_text().split()[0]) / 1e9
            except (OSError, IndexError, ValueError):
                continue
    return spent


def spent_between(
    ticks: tuple[dict[int, float], dict[int, float]], threads: tuple[dict[tuple[int, int], float], ...]
) -> float:
    """CPU seconds the processes spent between two readings: by their threads' exact run times, unless a thread
    ended in between (its time would be missing), then by the process's clock ticks (coarse: 10 ms steps)."""
    (ticks_before, ticks_after), (before, after) = ticks, threads
    total = 0.0
    for pid in ticks_after:
        mine = [t for t in before if t[0] == pid]
        if any(t not in after for t in mine) or not mine:
            total += ticks_after[pid] - ticks_before.get(pid, 0.0)
        else:
            total += sum(v - before.get(t, 0.0) for t, v in after.items() if t[0] == pid)
    return total


def idle_share(seconds: float, settle_s: float = 15.0, start_timeout_s: float = 120.0) -> float:
    """Percent of one core that a freshly started, idle `xinfang up` uses over ``seconds``."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "XF_DATA_DIR": str(Path(tmp) / "data"),
            "XF_NATS_PORT": str(free_port()),
            "XF_API_PORT": str(free_port()),
        }
        log = Path(tmp) / "up.log"
        with open(log, "wb") as out:
            command = [sys.executable, "-m", "xinfang", "up"]
            up = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + start_timeout_s
            while READY_LINE not in log.read_text(errors="replace"):
                if up.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"xinfang up did not start:\n{log.read_text(errors='replace')[-3000:]}")
                time.sleep(0.2)
            time.sleep(settle_s)  # what starting costs (feed streams made, leases taken, first passes) is not idling
            pids = process_tree(up.pid)
            before, threads_before = cpu_seconds(pids), thread_seconds(pids)
            started = time.monotonic()
            time.sleep(seconds)
            after, threads_after = cpu_seconds(pids), thread_seconds(pids)
            elapsed = time.monotonic() - started
        finally:
            up.send_signal(signal.SIGINT)
            try:
                up.wait(60)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait(10)
    return 100.0 * spent_between((before, after), (threads_before, threads_after)) / elapsed
