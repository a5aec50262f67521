"""One case driven through every staff command, as the benchmark and the tests drive it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from nats.aio.client import Client

from services.runtime.client import STAFF_DEADLINE_S, Line, call
from services.runtime.errors import XinfangError

# A command can arrive before the case's event has reached that service; these answers mean "not yet". Answers are
# named by their reason: a rule's code, or for a conflict the rule it met (already_replied …).
NOT_YET = ("not_found", "not_closed_yet")

# 信访处理意见书 (Art 32): the request, facts and reasons, opinion with its legal basis, and the disposition.
REPLY = {
    "opinion": "supported",
    "text": "已修复",
    "request": "请求修复小区道路",
    "facts_and_reasons": "经调查，小区道路破损属实",
    "legal_basis": "《城市道路管理条例》第三十五条",
    "disposition": "resolved",
}


async def when_ready(
    nc: Client | Line,
    service: str,
    command: str,
    payload: dict[str, Any],
    deadline: float,
    timeout: float,
    also: tuple[str, ...] = (),
    outage: float = STAFF_DEADLINE_S,
) -> Any:
    """Send a command, retrying while the case has not reached the service yet (or, for ``also`` answers, by their
    reason, has not caught up with an earlier step), until the deadline (a ``time.monotonic()`` reading).

    Each try is a new command with its own key (a "not yet" is its key's recorded outcome), and rides through an
    outage of the service or of NATS for ``outage`` seconds with that key (``call``'s deadline). The tries back off
    a little, since each refused one leaves its key's record in the service's store."""
    wait = 0.02
    while True:
        try:
            return await call(nc, service, command, payload, timeout=timeout, deadline=outage)
        except Exception as exc:
            if not isinstance(exc, XinfangError) or exc.reason not in (*NOT_YET, *also) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(wait)
            wait = min(0.2, wait * 1.5)


async def lifecycle(
    nc: Client | Line, petition: dict[str, Any], major: bool = False, within: float = 60, timeout: float = 30
) -> str:
    """Register, accept, acknowledge, reply, close and rate one case; returns its case id. Each command rides
    through an outage for ``timeout`` seconds."""
    deadline = time.monotonic() + within
    case_id = (await call(nc, "intake", "register", petition, timeout=timeout, deadline=timeout))["case_id"]
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("intake", "accept", {"major": major}),
        ("assignment", "acknowledge", {"department": "990100ZJJ", "handler": "李工"}),
        ("mediation", "reply", REPLY),
        ("mediation", "close", {"report": "办结"}),
        ("supervision", "rate", {"rating": "satisfied"}),
    ]
    for service, command, payload in steps:
        await when_ready(nc, service, command, {"case_id": case_id, **payload}, deadline, timeout, outage=timeout)
    return case_id


def numbered(petition: dict[str, Any], index: int) -> dict[str, Any]:
    """The petition as the ``index``-th petitioner's own matter: intake links one petitioner's repeats of a
    matter, so generated cases each get their own petitioner and request."""
    person = {"name": f"信访人{index:05d}", "phone": f"139{index:08d}", "address": f"清河区清源社区{index % 40 + 1}幢"}
    return {**petition, "petitioners": [person], "request": f"{petition['request']} #{index}"}
