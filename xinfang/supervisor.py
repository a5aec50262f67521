"""`xinfang up`: the bundled nats-server and every component as child processes, each restarted if it dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from rich.console import Console

from services.runtime.access import AUTHORIZATION, init
from services.runtime.bus import servers_text
from services.runtime.nats_server import EmbeddedNats, die_with_parent, free_port
from services.runtime.organisation import organisation
from services.runtime.settings import COMPONENTS, Settings
from xinfang.components import LABELS
from xinfang.web.users import UserFile

console = Console(stderr=True)


class Child:
    """One component process; its output is forwarded with its name in front."""

    def __init__(self, name: str, env: dict[str, str]):
        self.name = name
        self.env = env
        self.ready = threading.Event()
        self.process: subprocess.Popen[str] | None = None
        self.restarts = 0
        self.failed_starts = 0  # exits before ready, in a row: a crash loop backs off, a killed component does not

    def restart_delay(self) -> float:
        """At once after a component that had been ready dies; longer and longer while it keeps failing to start."""
        if self.ready.is_set():
            self.failed_starts = 0
            return 0.1
        self.failed_starts += 1
        return min(5.0, 0.5 * self.failed_starts)

    def start(self) -> None:
        self.ready.clear()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "xinfang", "serve", self.name],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=die_with_parent,
        )
        threading.Thread(target=self._forward, args=(self.process,), daemon=True).start()

    def _forward(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("[xinfang]") and ("ready" in line or "standby" in line):
                self.ready.set()  # serving, or waiting on the lease as a standby
            sys.stderr.write(f"{self.name:>12} | {line}")

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def terminate(self) -> None:
        if self.alive():
            assert self.process is not None
            self.process.terminate()

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


CALENDAR_LOOKAHEAD = timedelta(days=90)


def calendar_warning(settings: Settings) -> str:
    """A warning when a deadline set in the next 90 days could reach a year the working calendar lacks."""
    today = settings.clock().today()
    year = settings.terms().calendar.first_uncovered(today, today + CALENDAR_LOOKAHEAD)
    if year is None:
        return ""
    return (
        f"工作日历未包含 {year} 年的节假日安排：落在该年的工作日期限只按周末计算，并在台账中标注。"
        f"国务院公布安排后，请按 README「工作日历」一节补充年份，或以 XF_CALENDAR_FILE 指定新的日历文件。"
    )


def grant_access(settings: Settings) -> Path:
    """The bundled server runs with a user per party: generated from the org file on the first start."""
    conf = settings.access_dir / AUTHORIZATION
    if not conf.exists():
        init(settings.access_dir, sorted(organisation(settings.org_file).units))
        console.print(f"已生成访问控制配置 (NATS users per party): {settings.access_dir}")
    return conf


class BundledNats:
    """The bundled nats-server under supervision: when it dies it is started again on the same port and store
    directory, so every component (each reconnects forever) finds it where it was, with what JetStream stored."""

    def __init__(self, server: EmbeddedNats):
        self.server = server
        self.restarts = 0
        self.retry_at = 0.0

    def watch(self) -> None:
        """Called by the supervisor's loop: restart a dead server (one line said), retrying with a growing pause."""
        if self.server.alive() or time.monotonic() < self.retry_at:
            return
        self.restarts += 1
        process = self.server.process
        code = process.returncode if process is not None else None
        port = self.server.port
        console.print(f"[yellow]NATS 服务器已退出 (exit {code})，正在重启 (port {port}, restart {self.restarts})[/]")
        # The next restart waits a little longer each time, as a component's does: a server that keeps dying
        # (a full disk, a broken store) is not restarted in a tight loop.
        self.retry_at = time.monotonic() + min(5.0, 0.5 * self.restarts)
        try:
            self.server.start()
        except RuntimeError as exc:
            console.print(f"[red]NATS 服务器重启失败: {exc}; 稍后重试[/]")


class Stopping:
    """Whether a stop was asked for: set from a signal handler, so no lock (an Event's lock is not reentrant, and a
    second SIGTERM arriving inside the first handler's ``Event.set`` hung ``up`` for good)."""

    def __init__(self) -> None:
        self.asked = False

    def set(self) -> None:
        self.asked = True

    def is_set(self) -> bool:
        return self.asked


def await_ready(group: list[Child], stopping: Stopping | threading.Event, timeout_s: float = 60) -> None:
    """Until every child of the group is ready: one that exits while starting (a server still electing its
    leaders, a store not there yet) is started again, backing off; one not ready after ``timeout_s`` stops `up`.
    It polls with sleeps, not timed waits on the events: under a shifted clock (faketime) a timed wait never ends."""
    deadline = time.monotonic() + timeout_s
    for child in group:
        while not child.ready.is_set() and not stopping.is_set():
            time.sleep(0.2)
            if child.ready.is_set():
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"组件 {child.name} 未能启动")
            if not child.alive():
                child.restarts += 1
                console.print(f"[yellow]组件 {child.name} 启动时退出，正在重启 (restart {child.restarts})[/]")
                time.sleep(child.restart_delay())
                child.start()


def web_child(settings: Settings, env: dict[str, str]) -> tuple[Child, str]:
    """网页工作台: the HTTP API and the console, one more child (no standby: it keeps no state to take over);
    XF_API_PORT=0 picks a free port once, so a restart serves where the address printed says."""
    from xinfang.web.server import address  # the web's modules load in its own process, not in the supervisor's

    port = settings.api_port or free_port()
    child = Child("api", {**env, "XF_API_HOST": settings.api_host, "XF_API_PORT": str(port)})
    return child, address(settings.api_host, port)


def up(settings: Settings, standby: bool = False) -> int:
    if warning := calendar_warning(settings):
        console.print(f"[yellow]注意[/] {warning}")
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    nats: EmbeddedNats | None = None
    servers = settings.nats_url  # seed URLs of a NATS of one's own (a cluster): no bundled server
    if not servers:
        nats = EmbeddedNats(data_dir / "jetstream", settings.nats_port, authorization=grant_access(settings))
        nats.start()
        servers = [nats.url]
    url = servers_text(servers)
    settings.nats_url_file.write_text(url)
    bundled = BundledNats(nats) if nats is not None else None
    env = {
        **os.environ,
        "XF_NATS_URL": url,
        "XF_DATA_DIR": str(data_dir),
        "XF_CIPHER_KEY": settings.resolved_cipher_key,
    }
    children = [Child(name, env) for name in COMPONENTS]
    web, web_address = web_child(settings, env)
    # --standby: a second instance of each component, waiting on its lease (services.runtime.lease).
    standbys = [Child(name, env) for name in COMPONENTS] if standby else []
    stopping = Stopping()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    try:
        for group in ([*children, web], standbys):  # the actives take their leases first
            for child in group:
                child.start()
            await_ready(group, stopping)
        console.print(f"[bold green]xinfang 已启动[/] NATS {url} · 数据目录 {data_dir}")
        for child in children:
            console.print(f"  ✓ {LABELS[child.name]}" + (" (另有备用实例 + standby)" if standby else ""))
        console.print(f"  ✓ 网页工作台 {web_address} (HTTP API: {web_address}/docs)")
        if not UserFile(settings.users_path).users():
            console.print(
                "[yellow]尚无工作人员账号[/]: 另开终端在同一目录运行 "
                "xinfang users add <用户名> --name <姓名> --role intake|assignment|supervision|department|leader|"
                "auditor|admin (README「在浏览器中」)"
            )
        console.print("按 Ctrl-C 停止 (stop with Ctrl-C)")
        while not stopping.is_set():
            time.sleep(0.5)  # a sleep, not stopping.wait(0.5), which never returns under a shifted clock
            if bundled is not None and not stopping.is_set():
                bundled.watch()
            for child in [*children, web, *standbys]:
                if not child.alive() and not stopping.is_set():
                    child.restarts += 1
                    console.print(f"[yellow]组件 {child.name} 已退出，正在重启 (restart {child.restarts})[/]")
                    time.sleep(child.restart_delay())
                    child.start()
    finally:
        console.print("正在停止… (stopping)")
        for child in [web, *children, *standbys]:
            child.terminate()
        for child in [web, *children, *standbys]:
            child.wait(15)
        if nats is not None:
            nats.stop()
        settings.nats_url_file.unlink(missing_ok=True)
        console.print("xinfang 已停止")
    return 0
