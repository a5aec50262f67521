"""Latency of the read side: a command acknowledged → its row visible in the ledger (台账), at a fixed offered load.

The load is an open loop: the ``i``-th registration is sent at ``i / rate`` seconds whether or not the ones before it
were answered, as petitions arrive in life (a closed loop would slow its offers down exactly when the system is slow,
and hide the queueing). A watcher on its own thread asks the ledger every few milliseconds which of the acknowledged
cases it shows; a case's latency runs from its acknowledgement to the first read that shows its row.
"""

from __future__ import annotations

import asyncio
import statistics
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from projections.ledger import ledger
from services.runtime.client import call
from services.runtime.sidecar import make_engine
from xinfang.scenario import numbered

WATCH_EVERY_S = 0.002  # the resolution of the measurement
SETTLE_S = 30.0  # how long after the last acknowledgement a row may take before the run is called failed


@dataclass(frozen=True)
class Latency:
    """Milliseconds from acknowledgement to visibility, over ``count`` commands offered at ``rate`` per second."""

    p50: float
    p99: float
    max: float
    count: int
    rate: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class LedgerWatcher:
    """Notes when each awaited case first shows in the ledger."""

    def __init__(self, ledger_url: str):
        self.engine = make_engine(ledger_url)
        self.lock = threading.Lock()
        self.awaited: dict[str, float] = {}  # case id → when it was acknowledged (perf_counter)
        self.seen: dict[str, float] = {}  # case id → milliseconds from acknowledgement to visibility
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="ledger-watcher", daemon=True)

    def expect(self, case_id: str, acknowledged: float) -> None:
        with self.lock:
            self.awaited[case_id] = acknowledged

    def _watch(self) -> None:
        while not self.done.is_set():
            with self.lock:
                asked = list(self.awaited)
            if asked:
                with self.engine.connect() as conn:
                    found = conn.execute(select(ledger.c.case_id).where(ledger.c.case_id.in_(asked))).scalars().all()
                now = time.perf_counter()
                with self.lock:
                    for case_id in found:
                        self.seen[case_id] = max(0.0, now - self.awaited.pop(case_id)) * 1000
            time.sleep(WATCH_EVERY_S)

    def __enter__(self) -> LedgerWatcher:
        self.thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.done.set()
        self.thread.join(10)
        self.engine.dispose()


async def ack_to_ledger(nc: Any, ledger_url: str, petition: dict[str, Any], rate: float, seconds: float,
                        first: int = 900_000) -> Latency:  # fmt: skip
    """Offer ``rate`` registrations a second for ``seconds``; the latency of each from its answer to its ledger row."""
    count = max(1, round(rate * seconds))
    with LedgerWatcher(ledger_url) as watcher:

        async def one(i: int) -> None:
            answer = await call(nc, "intake", "register", numbered(petition, first + i))
            watcher.expect(str(answer["case_id"]), time.perf_counter())

        started = time.perf_counter()
        sent: list[asyncio.Task[None]] = []
        for i in range(count):
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
            sent.append(asyncio.create_task(one(i)))
        await asyncio.gather(*sent)
        deadline = time.perf_counter() + SETTLE_S
        while len(watcher.seen) < count:
            if time.perf_counter() > deadline:
                shown = len(watcher.seen)
                raise RuntimeError(f"the ledger showed {shown} of {count} cases {SETTLE_S:.0f} s after the last")
            await asyncio.sleep(0.01)
    values = list(watcher.seen.values())
    return Latency(statistics.median(values), percentile(values, 0.99), max(values), count, rate)
