"""Deliveries lost in transit (a broken connection: the server restarted, the cluster node a client was on killed) are
fetched again, never skipped: JetStream counts them delivered, sends the next ones, and acknowledging those
(AckPolicy.ALL) would acknowledge the lost ones too. The consumer sees the jump in delivery numbers and repositions."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from events import STREAM
from services.runtime.bus import connect, ensure_stream
from services.runtime.consumer import Delivery, EventConsumer
from services.runtime.dbthread import DbThread
from services.runtime.nats_server import EmbeddedNats
from tests.support.system import eventually

DURABLE = "lost-deliveries"


class Recorded:
    """A sink that keeps what it applied in memory, its position with it."""

    name = DURABLE
    subjects = ["xf.case.>"]

    def __init__(self) -> None:
        self.applied: list[int] = []

    def position(self) -> int:
        return self.applied[-1] if self.applied else 0

    def apply(self, deliveries: list[Delivery]) -> None:
        self.applied += [d.seq for d in deliveries if d.seq > self.position()]

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        raise AssertionError(f"nothing here is poison: {delivery.seq} {reason}")


def applied(sink: Recorded, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return len(sink.applied) >= count

    return check


async def test_deliveries_lost_in_transit_are_fetched_again_not_skipped(nats_server: EmbeddedNats, tmp_path: Path):
    nc = await connect(nats_server.url, "consumer")
    elsewhere = await connect(nats_server.url, "lost-connection")
    await ensure_stream(nc)
    db = DbThread("lost")
    sink = Recorded()
    consumer = EventConsumer(sink, nc, db, batch=16)
    task = asyncio.create_task(consumer.run())
    try:
        js = nc.jetstream()
        for i in range(10):
            await js.publish(f"xf.case.c{i}.petition_registered", b"{}", stream=STREAM)
        await eventually(applied(sink, 10), 30, "the first ten applied")

        # A pull request on the same consumer that takes messages and is then gone, as the deliveries in flight on
        # a connection that breaks are: the server counts them delivered and never sends them again by itself.
        lost = await elsewhere.jetstream().pull_subscribe_bind(durable=DURABLE, stream=STREAM)
        taking = asyncio.create_task(lost.fetch(5, timeout=10))
        await asyncio.sleep(0.5)  # its request waits at the server beside the consumer's own
        for i in range(10, 30):
            await js.publish(f"xf.case.c{i}.petition_registered", b"{}", stream=STREAM)
        taken = [m.metadata.sequence.stream for m in await taking]
        await elsewhere.close()
        assert taken, "the lost connection took none: nothing was tested"

        await eventually(applied(sink, 30), 30, "all thirty applied")
        await asyncio.sleep(1.5)  # and nothing more
        assert sink.applied == list(range(1, 31)), f"taken in transit: {taken}"
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await db.close()
        await nc.close()
        if elsewhere.is_connected:
            await elsewhere.close()
