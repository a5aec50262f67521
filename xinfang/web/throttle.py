"""网上信访的限流: requests per minute from one client address to the public API and pages, in a sliding window.

The window counts the moments of the requests it let through in the last 60 seconds, per address, read off a
monotonic clock (never the wall date: a clock set back must not forgive, nor one set forward punish). A request
over the limit answers 429 with ``Retry-After``: the seconds until the oldest counted request leaves the window.
The address is the connection's peer as the server sees it; a deployment behind a proxy runs uvicorn with
``--proxy-headers`` so that this is the petitioner's, not the proxy's.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable

from fastapi import Request

from xinfang.web.errors import RateLimited

WINDOW_S = 60.0
SWEEP_AT = 10_000  # addresses remembered before the quiet ones are forgotten


class Throttled(RateLimited):
    """Over the public pages' and API's per-address limit; ``retry_after`` in whole seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"请求过于频繁，请 {retry_after} 秒后再试")
        self.retry_after = retry_after


class SlidingWindow:
    """At most ``limit`` requests per ``window`` seconds for each key."""

    def __init__(self, limit: int, window: float = WINDOW_S, clock: Callable[[], float] = time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.seen: dict[str, deque[float]] = {}

    def hit(self, key: str) -> int | None:
        """Count one request; None when it may go on, else the seconds to wait (it is not counted then)."""
        now = self.clock()
        moments = self.seen.setdefault(key, deque())
        while moments and moments[0] <= now - self.window:
            moments.popleft()
        if len(moments) >= self.limit:
            return max(1, math.ceil(moments[0] + self.window - now))
        moments.append(now)
        if len(self.seen) > SWEEP_AT:
            self._sweep(now)
        return None

    def _sweep(self, now: float) -> None:
        for key in [k for k, m in self.seen.items() if not m or m[-1] <= now - self.window]:
            del self.seen[key]


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def check(request: Request) -> None:
    """FastAPI dependency of every public route: Throttled when this address is over the limit."""
    window: SlidingWindow = request.app.state.public_window
    wait = window.hit(client_address(request))
    if wait is not None:
        raise Throttled(wait)
