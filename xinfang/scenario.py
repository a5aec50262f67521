"""One case driven through every staff command, as the benchmark and the tests drive it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from nats.aio.client import Client

from services.runtime.client import call

# A command can arrive before the case's event has reached that service; these answers mean "not yet".
NOT_YET = ("not_found", "not_closed_yet")


async def when_ready(
    nc: Client, service: str, command: str, payload: dict[str, Any], deadline: float, timeout: float
) -> Any:
    """Send a command, retrying while the case has not reached the service yet, until the deadline."""
    while True:
        try:
            return await call(nc, service, command, payload, timeout=timeout)
        except Exception as exc:
            if getattr(exc, "code", "") not in NOT_YET or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.02)


async def lifecycle(
    nc: Client, petition: dict[str, Any], major: bool = False, within: float = 60, timeout: float = 30
) -> str:
    """Register, accept, acknowledge, reply, close and rate one case; returns its case id."""
    deadline = time.monotonic() + within
    case_id = (await call(nc, "intake", "register", petition, timeout=timeout))["case_id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("intake", "accept", {"major": major}),
        ("assignment", "acknowledge", {"department": "990100ZJJ", "handler": "李工"}),
        ("mediation", "reply", {"opinion": "supported", "text": "已修复"}),
        ("mediation", "close", {"report": "办结"}),
        ("supervision", "rate", {"rating": "satisfied"}),
    ]
    for service, command, payload in steps:
        await when_ready(nc, service, command, {"case_id": case_id, **payload}, deadline, timeout)
    return case_id
