"""The event store every service stands on: an eventsourcing Application on SQLAlchemy, encrypted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, TypeVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError, Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    Notification,
    ProcessRecorder,
    Tracking,
    Transcoding,
)

from services.runtime import idempotency  # noqa: F401  (declares each service's command records before a log is read)
from services.runtime.clock import Clock
from services.runtime.effective import effective, not_in_future
from services.runtime.errors import ConcurrentChange, NotFound

A = TypeVar("A", bound=Aggregate)


class DateAsISO(Transcoding):
    """Stores ``datetime.date`` values as ISO strings."""

    type = dt.date
    name = "date_iso"

    def encode(self, obj: dt.date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> dt.date:
        return dt.date.fromisoformat(data)


AGGREGATE_CACHE_SIZE = 4096  # cases (and matters) per service: a few KB each


def store_env(name: str, url: str, cipher_key: str) -> dict[str, str]:
    """Environment for one service's event store: its own database, encrypted and compressed.

    Recently used aggregates stay in memory (``AGGREGATE_CACHE_MAXSIZE``): a case is read again for each command and
    reaction, and rebuilding it meant selecting, decrypting and decompressing all its events each time. The cache is
    the truth for what it holds, and is not fast-forwarded from the store on every read: only the one instance that
    holds the service's lease writes its store (every database call checks the lease first), a saved aggregate goes
    into the cache only once its events are committed, and an instance that lost its lease ends and starts again
    with an empty cache. Each read hands out a deep copy, so a command whose rules fail halfway leaves the cached
    case as it was."""
    env = {
        "PERSISTENCE_MODULE": "eventsourcing_sqlalchemy",
        "SQLALCHEMY_URL": url,
        "COMPRESSOR_TOPIC": "eventsourcing.compressor:ZlibCompressor",
        "CREATE_TABLE": "y",
        "AGGREGATE_CACHE_MAXSIZE": str(AGGREGATE_CACHE_SIZE),
        "AGGREGATE_CACHE_FASTFORWARD": "n",
    }
    if cipher_key:
        env["CIPHER_TOPIC"] = "services.runtime.cipher:StoreCipher"
        env["CIPHER_KEY"] = cipher_key
    return env


class ServiceApplication(Application[UUID]):
    """An application whose recorder also keeps a consumer's tracking position atomically with its events.

    "Today" comes from the injected clock, never from the machine: tests and "as of" runs pin it.
    """

    def __init__(self, env: dict[str, str], clock: Clock):
        super().__init__(env=env)
        self.clock = clock
        # Called after every save, on the thread that saved (commands, reactions, the sweep alike): the host wakes
        # the outbox relay with it, so the relay waits instead of polling the store.
        self.on_saved: Callable[[], None] = lambda: None

    def _notify(self, recordings: list[Any]) -> None:
        self.on_saved()

    def parties(self, case_id: UUID) -> frozenset[str]:
        """The units that may act on a case through their own department subjects; none unless a service says."""
        return frozenset()

    def effective(self, on: dt.date | None, field: str = "on") -> dt.date:
        """A command's effective date: the one it names (never in the future), else today."""
        return effective(on, self.clock.today(), field)

    def past(self, day: dt.date | None, field: str) -> dt.date | None:
        """A date a command names besides its effective date, refused when it lies in the future."""
        return not_in_future(day, self.clock.today(), field)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        transcoder.register(DateAsISO())

    def construct_recorder(self) -> ProcessRecorder:  # type: ignore[override]
        return self.factory.process_recorder()

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        """The aggregate, or None when it was never saved."""
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(aggregate, kind)
        return aggregate

    def load(self, aggregate_id: UUID, kind: type[A]) -> A:
        """The aggregate, or NotFound naming the case."""
        aggregate = self.find(aggregate_id, kind)
        if aggregate is None:
            raise NotFound(f"案件 {aggregate_id} 不存在 (no {kind.__name__} for this case)", "case_id")
        return aggregate

    def present(self, ids: Collection[UUID]) -> set[UUID]:
        """Which of these aggregates were ever saved: one query for them all on SQL stores (group commit asks
        this of a batch's idempotency keys, nearly all new), else one look-up each."""
        wanted = list(ids)
        record: Any = getattr(self.recorder, "events_record_cls", None)
        if record is None or not wanted:
            return {i for i in wanted if self.recorder.select_events(i, limit=1)}
        with self.recorder.transaction(commit=False) as session:  # type: ignore[attr-defined]
            rows = session.query(record.originator_id).filter(record.originator_id.in_(wanted)).distinct()
            return {r[0] if isinstance(r[0], UUID) else UUID(str(r[0])) for r in rows}

    _collecting: list[Aggregate] | None = None

    @contextmanager
    def collecting(self, into: list[Aggregate]) -> Iterator[None]:
        """While open, commit() gathers aggregates for one later save (group commit) instead of saving."""
        self._collecting = into
        try:
            yield
        finally:
            self._collecting = None

    def commit(self, *aggregates: Aggregate) -> None:
        """Save, turning an optimistic-concurrency clash into a clear conflict (nothing was saved)."""
        if self._collecting is not None:
            self._collecting.extend(aggregates)
            return
        try:
            self.save(*aggregates)
        except IntegrityError:
            self.forget(aggregates)
            raise ConcurrentChange(
                "案件已被他人同时修改，请刷新后重试 (the case changed meanwhile; reload and retry)"
            ) from None

    def forget(self, aggregates: Iterable[Any]) -> None:
        """Drop aggregates from the cache after the store refused their save (it holds newer events than they were
        decided on): the next read, and the command decided again, reconstruct them from the store. A cached case
        that is stale can thus only cost a retry, never a save on top of what it did not see."""
        cache = self.repository.cache
        if cache is None:
            return
        for aggregate in aggregates:
            with suppress(KeyError):
                cache.get(aggregate.id, evict=True)

    def record_reaction(self, aggregates: Iterable[Aggregate], tracking: Tracking) -> None:
        """Save the aggregates a consumed event changed, with the consumer's position, in one transaction."""
        processing = ProcessingEvent[UUID](tracking=tracking)
        processing.collect_events(*aggregates)
        try:
            recordings = self._record(processing)
        except IntegrityError:
            self.forget(processing.aggregates.values())
            raise
        if recordings:
            self._notify(recordings)  # the relay has new events to publish

    def position(self, consumer: str) -> int:
        return self.recorder.max_tracking_id(consumer) or 0  # type: ignore[attr-defined]

    def notifications(self, after: int, limit: int) -> Sequence[Notification]:
        return self.recorder.select_notifications(after + 1, limit)

    def stored_event(self, notification: Notification) -> Any:
        return self.mapper.to_domain_event(notification)

    def stored_events(self, after: int = 0, page: int = 500) -> Iterator[tuple[int, Any]]:
        """The service's own notification log after a position, as (position, stored event), a page at a time."""
        while True:
            notes = self.notifications(after, page)
            if not notes:
                return
            for notification in notes:
                yield notification.id, self.stored_event(notification)
            after = notes[-1].id
