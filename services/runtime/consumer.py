"""Exactly-once consumers: position kept with the effects, in order, poison messages dead-lettered."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import nats.errors
import sqlalchemy.exc
from eventsourcing import persistence
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy
from nats.js.errors import NotFoundError

from events import STREAM, CaseEvent, decode, is_known
from services.runtime.dbthread import DbThread
from services.runtime.errors import Unavailable
from services.runtime.lifecycle import stop_requested

log = logging.getLogger(__name__)

# An idle consumer's pull request waits this long on the server before it is asked again: the server delivers the
# moment a message comes, so this bounds only how soon a pull lost with a connection is renewed — and what idling costs.
IDLE_PULL_S = 5.0

TRANSIENT = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    persistence.OperationalError,
    persistence.InterfaceError,
    persistence.IntegrityError,
    ConnectionError,
    TimeoutError,
)


def is_transient(exc: BaseException) -> bool:
    """Faults of the infrastructure, worth retrying; anything else is the message's fault."""
    return isinstance(exc, TRANSIENT)


@dataclass
class Delivery:
    """One message of the case stream, decoded on first use."""

    seq: int
    subject: str
    data: bytes
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, msg: Msg) -> Delivery:
        return cls(msg.metadata.sequence.stream, msg.subject, msg.data, dict(msg.headers or {}))

    @cached_property
    def event(self) -> CaseEvent:
        return decode(self.subject, self.data)

    @cached_property
    def known(self) -> bool:
        """Whether its subject names an event type of this contract (``events.is_known``)."""
        return is_known(self.subject)


class Sink(Protocol):
    """Where a consumer applies events: it keeps its position in the same transaction as its effects."""

    name: str
    subjects: list[str]

    def position(self) -> int: ...

    def apply(self, deliveries: list[Delivery]) -> None: ...

    def dead_letter(self, delivery: Delivery, reason: str) -> None: ...


def apply_or_dead_letter(sink: Sink, deliveries: list[Delivery]) -> int:
    """Apply a batch in one transaction; if it fails, each half the same way, down to the single messages that fail,
    each dead-lettered in its place. A few bad messages among many cost a few transactions each (about log2 of the
    batch), not one per message of the batch; halves go in order, so the position only moves forward and a fault
    between two transactions loses nothing. Returns how many were dead-lettered; transient faults propagate (the
    consumer starts again from the position its sink saved)."""
    try:
        sink.apply(deliveries)
        return 0
    except Exception as exc:
        if is_transient(exc):
            raise
        if len(deliveries) == 1:
            _dead_letter(sink, deliveries[0], exc)
            return 1
    middle = len(deliveries) // 2
    return apply_or_dead_letter(sink, deliveries[:middle]) + apply_or_dead_letter(sink, deliveries[middle:])


def _dead_letter(sink: Sink, delivery: Delivery, exc: Exception) -> None:
    reason = f"{type(exc).__name__}: {exc}"[:2000]
    log.warning("%s: dead-lettering seq %s (%s): %s", sink.name, delivery.seq, delivery.subject, reason)
    sink.dead_letter(delivery, reason)


class EventConsumer:
    """A durable pull consumer on the case stream, positioned from the sink's own tracking record.

    On every start (and after any fault) the durable consumer is re-created at the sink's position + 1,
    so the database is the single truth of what was applied and nothing is skipped or applied out of
    order; messages at or below the position are acknowledged and ignored.
    """

    def __init__(self, sink: Sink, nc: Client, db: DbThread, batch: int = 256):
        self.sink = sink
        self.js = nc.jetstream()
        self.db = db
        self.batch = batch
        self.position = 0
        self.applied = 0
        self.dead_lettered = 0
        self.on_applied: Callable[[], None] = lambda: None

    async def run(self) -> None:
        while not stop_requested():
            try:
                await self._consume()
            except asyncio.CancelledError:
                raise
            except Unavailable as exc:  # writes paused (the lease lapsed): wait, then resume from the stored position
                log.warning("consumer %s paused at %s: %s", self.sink.name, self.position, exc.message)
                await asyncio.sleep(1.0)
            except Exception:
                log.exception("consumer %s failed at %s; repositioning", self.sink.name, self.position)
                await asyncio.sleep(1.0)

    async def _reposition(self) -> JetStreamPull:
        self.position = await self.db.run(self.sink.position)
        with contextlib.suppress(NotFoundError):
            await self.js.delete_consumer(STREAM, self.sink.name)
        subjects = self.sink.subjects
        config = ConsumerConfig(
            durable_name=self.sink.name,
            deliver_policy=DeliverPolicy.BY_START_SEQUENCE,
            opt_start_seq=self.position + 1,
            ack_policy=AckPolicy.ALL,
            ack_wait=120,
            max_deliver=-1,
            max_ack_pending=self.batch * 4,
            filter_subject=subjects[0] if len(subjects) == 1 else None,
            filter_subjects=subjects if len(subjects) > 1 else None,
        )
        await self.js.add_consumer(STREAM, config)
        return await self.js.pull_subscribe_bind(durable=self.sink.name, stream=STREAM)

    async def _next_batch(self, psub: JetStreamPull) -> list[Msg]:
        """Wait for one message, then take what else is already pending, up to a batch.

        A single fetch of a whole batch would linger until the batch fills or times out; asking for one
        and then only for what the server says is pending keeps latency low and batches large under load.
        """
        try:
            msgs = await psub.fetch(1, timeout=IDLE_PULL_S)
        except (TimeoutError, nats.errors.TimeoutError):  # nats-py raises the latter here
            return []
        pending = msgs[-1].metadata.num_pending
        if pending > 0 and self.batch > 1:
            with contextlib.suppress(TimeoutError, nats.errors.TimeoutError):
                msgs += await psub.fetch(min(pending, self.batch - 1), timeout=1.0)
        return msgs

    async def _consume(self) -> None:
        psub = await self._reposition()
        delivered = 0  # the consumer sequence of the last message this subscription received
        try:
            while not stop_requested():
                msgs = await self._next_batch(psub)
                if not msgs:
                    continue
                delivered = received_in_order(msgs, delivered, self.sink.name)
                fresh = [Delivery.of(m) for m in msgs if m.metadata.sequence.stream > self.position]
                if fresh:
                    self.dead_lettered += await self.db.run(apply_or_dead_letter, self.sink, fresh)
                    self.position = fresh[-1].seq
                    self.applied += len(fresh)
                    self.on_applied()
                await msgs[-1].ack()
        finally:
            with contextlib.suppress(Exception):  # the connection may already be closing
                await psub.unsubscribe()


class MissedDeliveries(ConnectionError):
    """The server delivered messages that this subscription never received."""


def received_in_order(msgs: list[Msg], delivered: int, name: str) -> int:
    """The consumer sequence after these messages, or ``MissedDeliveries`` when some were never received.

    JetStream numbers every delivery of a consumer, redeliveries too. Deliveries in flight when a connection breaks
    (the server restarted, the cluster node this client was on lost) are gone, yet counted as delivered: the next
    ones come first, and acknowledging them (AckPolicy.ALL) would acknowledge the lost ones too, which would never
    be applied. A jump in the numbering shows it; the consumer is then re-created at its saved position + 1, and
    nothing of the batch is applied before."""
    for msg in msgs:
        seq = msg.metadata.sequence.consumer
        if seq > delivered + 1:
            missed = f"{delivered + 1}..{seq - 1}"
            raise MissedDeliveries(f"consumer {name}: deliveries {missed} never arrived (a lost connection)")
        delivered = seq
    return delivered


JetStreamPull = nats.js.JetStreamContext.PullSubscription
