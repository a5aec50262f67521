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
    """User + system seconds of each process still there."""
    spent: dict[int, float] = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        spent[pid] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return spent


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
            before = cpu_seconds(pids)
            started = time.monotonic()
            time.sleep(seconds)
            after = cpu_seconds(pids)
            elapsed = time.monotonic() - started
        finally:
            up.send_signal(signal.SIGINT)
            try:
                up.wait(60)
            except subprocess.TimeoutExpired:
                up.kill()
                up.wait(10)
    spent = sum(after[pid] - before.get(pid, 0.0) for pid in after)
    return 100.0 * spent / elapsed
