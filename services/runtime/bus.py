"""The case stream on JetStream: connection and explicit stream setup."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import nats
from nats.aio.client import Client
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from events import STREAM
from events.base import SUBJECT_PREFIX
from services.runtime.errors import Unavailable

log = logging.getLogger(__name__)

Servers = str | Sequence[str]
"""Where NATS is: one URL, a comma-separated list of seed URLs (``XF_NATS_URL``), or a list of them."""


def server_list(servers: Servers) -> list[str]:
    """The seed URLs, in order: a string is split on commas (as every NATS client reads XF_NATS_URL), blanks dropped.

    A cluster needs only some of its servers named: the client learns the others from the one it reaches."""
    parts = servers.split(",") if isinstance(servers, str) else [p for s in servers for p in s.split(",")]
    return [part.strip() for part in parts if part.strip()]


def servers_text(servers: Servers) -> str:
    """The seed URLs as XF_NATS_URL and ``nats.url`` spell them: comma-separated."""
    return ",".join(server_list(servers))


async def connect(servers: Servers, name: str, reconnect: bool = True, creds: dict[str, Any] | None = None) -> Client:
    """A component's connection reconnects forever, so a restarted server (or another node of the cluster) is picked
    up again; a one-shot client (the CLI) gives up quickly instead of hanging on a server that is gone, and says so
    once. With a party's credentials (``services.runtime.access``) it connects as that party, on its own inbox prefix:
    the user and password go as options, not in the URLs, so that the servers a cluster announces (which carry no
    credentials) are joined as the same party."""
    seeds = server_list(servers)
    if not seeds:
        raise Unavailable("未配置 NATS 地址 (XF_NATS_URL)", "nats_url")
    auth: dict[str, Any] = {}
    if creds is not None:
        auth = {"user": creds["user"], "password": creds["password"], "inbox_prefix": creds["inbox_prefix"]}
    if reconnect:
        return await nats.connect(
            servers=seeds, name=name, max_reconnect_attempts=-1, allow_reconnect=True, reconnect_time_wait=0.5,
            connect_timeout=5, **auth,
        )  # fmt: skip
    url = servers_text(seeds)
    try:
        return await nats.connect(
            servers=seeds,
            name=name,
            max_reconnect_attempts=2,
            allow_reconnect=False,
            reconnect_time_wait=0.5,
            connect_timeout=2,
            error_cb=_reported_by_caller,
            **auth,
        )
    except Exception as exc:
        if "authorization" in str(exc).lower():
            who = creds["user"] if creds else "(无凭证)"
            raise Unavailable(f"凭证无效、已过期或已吊销: {who} 未获 NATS {url} 认可 ({exc})", "creds") from None
        raise Unavailable(f"无法连接 NATS {url}: 请先运行 xinfang up ({exc})") from None


async def _reported_by_caller(error: Exception) -> None:
    """A one-shot client's connection errors end in Unavailable; the library need not log each attempt."""


async def acknowledged(nc: Client, futures: Sequence[asyncio.Future[Any]], timeout: float = 30) -> None:
    """Wait for JetStream's acks of a relay's batch; raise the first failure, or when they do not all come.

    When the connection is re-established meanwhile (the server restarted, a cluster node lost), the acks that were
    due on the old connection never come: give up then rather than wait out the timeout. The relay's next pass sends
    the batch again, with the same ``Nats-Msg-Id``s, and JetStream drops what it had already stored."""
    if not futures:
        return
    reconnects = nc.stats["reconnects"]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    waiting = asyncio.gather(*futures, return_exceptions=True)
    while not waiting.done():
        await asyncio.wait({waiting}, timeout=min(0.25, max(0.0, deadline - loop.time())))
        if waiting.done():
            break
        if nc.stats["reconnects"] != reconnects:
            _abandon(futures)
            raise ConnectionError("NATS 连接已重建, 未确认的消息将重发 (reconnected while acks were due)")
        if loop.time() >= deadline:
            _abandon(futures)
            raise TimeoutError(f"JetStream 未在 {timeout:g}s 内确认 {len(futures)} 条消息")
    failed = [ack for ack in waiting.result() if isinstance(ack, BaseException)]
    if failed:
        raise failed[0]


def _abandon(futures: Sequence[asyncio.Future[Any]]) -> None:
    """Acks no longer waited for: cancelled one by one, so the gathering ends with them and nothing is left pending."""
    for future in futures:
        future.cancel()


def stream_config(replicas: int = 1, duplicate_window_s: int = 3600) -> StreamConfig:
    """Every case event, forever, in one total order; re-sends with the same Nats-Msg-Id dedupe."""
    return StreamConfig(
        name=STREAM,
        subjects=[f"{SUBJECT_PREFIX}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=0,
        max_msgs=-1,
        max_bytes=-1,
        max_msg_size=1024 * 1024,
        discard=DiscardPolicy.NEW,
        num_replicas=replicas,
        duplicate_window=float(duplicate_window_s),
        allow_direct=True,
    )


async def ensure_stream(nc: Client, replicas: int = 1, duplicate_window_s: int = 3600) -> None:
    """Create the case stream if missing; an existing one is left as the operator configured it (its replicas too:
    a stream created on one server keeps one replica on a cluster until it is edited, which the log says)."""
    js = nc.jetstream()
    try:
        info = await js.stream_info(STREAM)
    except NotFoundError:
        try:
            await js.add_stream(stream_config(replicas, duplicate_window_s))
        except nats.errors.Error:  # another component created it meanwhile (a cluster may refuse the second create)
            info = await js.stream_info(STREAM)
        else:
            log.info("created stream %s with %d replica(s)", STREAM, replicas)
            return
    if info.config.num_replicas != replicas:
        log.warning(
            "stream %s has %s replica(s), XF_STREAM_REPLICAS asks for %d: left as it is "
            "(nats stream edit %s --replicas %d, see deploy/README.md)",
            STREAM, info.config.num_replicas, replicas, STREAM, replicas,
        )  # fmt: skip
