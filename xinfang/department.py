"""`xinfang department`: a department system's side: follow its own feed, act on its own cases, as its credentials.

The unit comes from the credentials (``dept.<unit>``, see ``services.runtime.access``); following resumes where the
last run stopped (a durable consumer on the unit's own stream, each message acknowledged once printed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nats.errors
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from events.base import FEED_PREFIX, feed_stream
from services.runtime.access import credentials
from services.runtime.bus import Servers, connect
from services.runtime.client import STAFF_DEADLINE_S, Line, request
from services.runtime.commands import department_subject
from services.runtime.errors import InvalidInput, Unavailable

FOLLOWER = "xinfang-follow"


def unit_of(creds: dict[str, Any], unit: str | None = None) -> str:
    """The unit a department's credentials are for; naming another is refused."""
    user = str(creds["user"])
    if not user.startswith("dept."):
        raise InvalidInput(f"凭证属于 {user}，不是某个单位的凭证 (dept.<unit>)", "creds")
    own = user.removeprefix("dept.")
    if unit and unit != own:
        raise InvalidInput(f"凭证属于 {own}，不是 {unit}", "unit")
    return own


async def follow(
    servers: Servers, creds_file: Path, unit: str | None, limit: int, wait_s: float, out: Callable[[str], None]
) -> int:
    """Print the unit's feed from where the last run stopped, one JSON line per message; how many were printed."""
    creds = credentials(creds_file)
    own = unit_of(creds, unit)
    nc = await connect(servers, f"xinfang-dept-{own}", reconnect=False, creds=creds)
    printed = 0
    try:
        js = nc.jetstream(timeout=5)
        config = ConsumerConfig(
            durable_name=FOLLOWER, deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.EXPLICIT,
            filter_subject=f"{FEED_PREFIX}.{own}.>",
        )  # fmt: skip
        await js.add_consumer(feed_stream(own), config)  # the same durable again: it resumes where it stopped
        sub = await js.pull_subscribe_bind(FOLLOWER, stream=feed_stream(own))
        while printed < limit:
            try:
                batch = await sub.fetch(min(100, limit - printed), timeout=wait_s)
            except nats.errors.TimeoutError:
                break
            for msg in batch:
                seq = msg.metadata.sequence.stream
                event_type = msg.subject.rsplit(".", 1)[1]
                out(json.dumps({"seq": seq, "type": event_type, "event": json.loads(msg.data)}, ensure_ascii=False))
                await msg.ack_sync()
                printed += 1
    except nats.js.errors.NotFoundError:
        raise Unavailable(f"{own} 的推送流 {feed_stream(own)} 尚不存在 (start the projections first)") from None
    finally:
        await nc.close()
    return printed


async def act(
    servers: Servers,
    creds_file: Path,
    service: str,
    command: str,
    payload: dict[str, Any],
    deadline: float = STAFF_DEADLINE_S,
) -> Any:
    """Send one of the department's actions as the unit its credentials name; the service's answer. It carries a
    请求标识 (the payload's ``command_id``, else a new one) and rides through an outage for ``deadline`` seconds."""
    from xinfang.asyncapi import department_commands

    creds = credentials(creds_file)
    own = unit_of(creds)
    if department_subject("{unit}", service, command) not in department_commands():
        raise InvalidInput(f"{service}.{command} 不是单位可以办理的操作", "command")
    line = Line(lambda: connect(servers, f"xinfang-dept-{own}", reconnect=False, creds=creds))
    try:
        subject = department_subject(own, service, command)
        return await request(line, subject, payload, f"服务 {service}", 30, deadline)
    finally:
        await line.close()
