"""The case stream on JetStream: connection and explicit stream setup."""

from __future__ import annotations

import logging
from typing import Any

import nats
from nats.aio.client import Client
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from events import STREAM
from events.base import SUBJECT_PREFIX
from services.runtime.errors import Unavailable

log = logging.getLogger(__name__)


async def connect(url: str, name: str, reconnect: bool = True, creds: dict[str, Any] | None = None) -> Client:
    """A component's connection reconnects forever, so a restarted server is picked up again;
    a one-shot client (the CLI) gives up quickly instead of hanging on a server that is gone, and says so once.
    With a party's credentials (``services.runtime.access``) it connects as that party, on its own inbox prefix."""
    auth: dict[str, Any] = {}
    if creds is not None:
        auth = {"user": creds["user"], "password": creds["password"], "inbox_prefix": creds["inbox_prefix"]}
    if reconnect:
        return await nats.connect(
            url, name=name, max_reconnect_attempts=-1, allow_reconnect=True, reconnect_time_wait=0.5, connect_timeout=5,
            **auth,
        )  # fmt: skip
    try:
        return await nats.connect(
            url,
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
    """Create the case stream if missing; an existing one is left as the operator configured it."""
    js = nc.jetstream()
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(stream_config(replicas, duplicate_window_s))
        log.info("created stream %s", STREAM)
