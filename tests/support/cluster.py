"""A NATS cluster of the wheel's nats-server on loopback, for tests that kill and bring back nodes.

Three nodes (by default), each with its own client, route and monitoring port, its own JetStream store and
``sync_interval: always``, the district's authorization (``services.runtime.access``) on every node and a route user
of their own between them. Nodes are killed with SIGKILL and restarted on the same ports and stores, as a machine that
loses power and comes back would be.
"""

from __future__ import annotations

import asyncio
import secrets
import time
import uuid
from pathlib import Path

from nats.aio.client import Client

from services.runtime.client import call
from services.runtime.errors import NotFound, Unavailable
from services.runtime.nats_server import ClusterNode, EmbeddedNats, free_port

ROUTE_USER = "route"


def distinct_ports(count: int) -> list[int]:
    """Free loopback ports, no two alike (each is asked of the kernel alone, so it may hand one out twice)."""
    ports: list[int] = []
    while len(ports) < count:
        port = free_port()
        if port not in ports:
            ports.append(port)
    return ports


class NatsCluster:
    """Nodes ``n1`` … ``nN`` of one cluster; ``urls`` are the seed URLs a client is given (all of them)."""

    def __init__(self, base: Path, authorization: Path | None = None, size: int = 3, name: str = "xf-test"):
        ports = distinct_ports(3 * size)
        clients, routes, monitors = ports[:size], ports[size : 2 * size], ports[2 * size :]
        password = secrets.token_urlsafe(18)
        route_urls = tuple(f"nats-route://{ROUTE_USER}:{password}@127.0.0.1:{port}" for port in routes)
        self.nodes = [
            EmbeddedNats(
                base / f"n{i + 1}",
                clients[i],
                authorization=authorization,
                cluster=ClusterNode(name, f"n{i + 1}", routes[i], route_urls, ROUTE_USER, password),
                http_port=monitors[i],
            )
            for i in range(size)
        ]

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def names(self) -> list[str]:
        return [node.cluster.server_name for node in self.nodes if node.cluster is not None]

    def start(self, timeout: float = 60) -> None:
        for node in self.nodes:
            node.start()
        self.wait_healthy(timeout)

    def wait_healthy(self, timeout: float = 60) -> None:
        """Every running node answers /healthz: JetStream up, a meta leader known, its streams current."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(node.healthy() for node in self.nodes if node.alive()):
                return
            time.sleep(0.1)
        sick = [n for n, node in zip(self.names(), self.nodes, strict=True) if node.alive() and not node.healthy()]
        raise AssertionError(f"cluster nodes not healthy after {timeout}s: {sick}")

    def kill(self, index: int) -> None:
        """SIGKILL one node: no shutdown, no flush; what it had acknowledged must be on disk already."""
        self.nodes[index].kill()

    def restart(self, index: int, timeout: float = 60) -> None:
        """The killed node again, on its ports and its store; returns once it has caught up with the others."""
        self.nodes[index].start()
        self.wait_healthy(timeout)

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def index_of(self, server_name: str) -> int:
        return self.names().index(server_name)

    async def stream_leader(self, nc: Client, stream: str, timeout: float = 30) -> int:
        """The node leading the stream's Raft group (stream info's cluster leader), once it has one."""
        js = nc.jetstream(timeout=5)
        deadline = time.monotonic() + timeout
        while True:
            try:
                info = await js.stream_info(stream)
                if info.cluster is not None and info.cluster.leader:
                    return self.index_of(info.cluster.leader)
            except Exception:
                if time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise AssertionError(f"stream {stream} has no leader after {timeout}s")
            await asyncio.sleep(0.1)


PROBES = {  # a command on a case that does not exist: the service answers not_found, and nothing is written
    "intake": ("accept", {}),
    "assignment": ("acknowledge", {"department": "990100ZJJ"}),
    "mediation": ("close", {"report": "探测"}),
    "supervision": ("rate", {"rating": "satisfied"}),
}


async def answering(nc: Client, timeout: float = 60) -> float:
    """Wait until every service answers a command again (after a server was lost, its connection has moved to a live
    one, or the server is back); the seconds it took."""
    started = time.monotonic()
    for service, (command, payload) in PROBES.items():
        while True:
            try:
                await call(nc, service, command, {"case_id": str(uuid.uuid4()), **payload}, timeout=5)
            except NotFound:
                break
            except Unavailable:
                if time.monotonic() - started > timeout:
                    raise
                await asyncio.sleep(0.1)
    return time.monotonic() - started
