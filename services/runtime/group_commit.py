"""Group commit: commands that arrive while the store is busy are decided one by one, saved in one transaction."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from pydantic_core import to_jsonable_python

from services.runtime.dbthread import DbThread
from services.runtime.errors import ConcurrentChange, Unavailable, XinfangError
from services.runtime.idempotency import CommandKey, CommandRecord, kept, record_class
from services.runtime.lifecycle import stop_requested, stop_tasks
from services.runtime.store import ServiceApplication

log = logging.getLogger(__name__)

RETENTION = timedelta(days=30)
DECIDE_TRIES = 3  # a command whose save another instance beat is decided again on what that one saved
# A command refused for events this service has not consumed yet (``awaits_events``: the case was just assigned, or
# closed, elsewhere) is decided again each time the service's consumer applies events, for this long at most, before
# the refusal is answered and kept for its key: a client acting on a case it has just heard of does not poll.
AWAIT_EVENTS_S = 2.0
STOPPING = "服务正在停止，请稍后重试 (the service is stopping)"


@dataclass
class Pending:
    handler: Callable[[Any], Any]
    command: Any
    future: asyncio.Future[Any] = field(repr=False)
    key: CommandKey | None = None
    wait_until: float = 0.0  # ``time.monotonic()`` until which a refusal that ``awaits_events`` is not answered yet


class Later:
    """The outcome of a refusal that may lift once the service consumed more events: not answered, not kept, the
    command decided again."""


LATER = Later()


class GroupCommit:
    """Feeds queued commands to the application in batches on its database thread.

    Each command runs its rules against the stored state; the batch's new events are saved together, so one
    fsync serves many commands. If two commands in a batch touched the same case, the batch's save fails on
    the version check and every command is run again alone: the rules, not the batching, decide. Alone, a save
    that fails on the version check (another instance of the service saved the case meanwhile) is decided again on
    the case as it now is, so the loser hears the rule it met (``already_replied`` …) naming what the winner did.

    A command sent with a key (``command_id``, ``services.runtime.idempotency``) is first looked up: a key recorded
    within the retention answers its first outcome, and nothing runs. Otherwise its outcome is recorded under the
    key in the same save as its effects (a refused command's record alone). Two commands of one batch with the same
    key make two first records of one id: the save fails on the version check like any other clash, and run alone,
    the second finds the first's record.
    """

    def __init__(
        self,
        app: ServiceApplication,
        db: DbThread,
        max_batch: int = 128,
        retention: timedelta = RETENTION,
        await_events_s: float = AWAIT_EVENTS_S,
    ):
        self.app = app
        self.db = db
        self.max_batch = max_batch
        self.retention = retention
        self.await_events_s = await_events_s
        self.consumed = asyncio.Event()  # set (and replaced) each time the service's consumer applied events
        self.waiting: set[asyncio.Task[None]] = set()
        self.records: type[CommandRecord] = record_class(app.name)
        self.queue: asyncio.Queue[Pending] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    async def submit(self, handler: Callable[[Any], Any], command: Any, key: CommandKey | None = None) -> Any:
        if self.closed:
            raise Unavailable(STOPPING)
        if self.task is None:
            self.task = asyncio.create_task(self._work(), name="group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self.queue.put(Pending(handler, command, future, key, time.monotonic() + self.await_events_s))
        return await future

    def events_applied(self) -> None:
        """The service's consumer applied events: commands waiting for them are decided again."""
        self.consumed.set()
        self.consumed = asyncio.Event()

    async def _again_after_events(self, pending: Pending) -> None:
        """Queue the command again once the consumer applied events, or once its wait is over."""
        remaining = pending.wait_until - time.monotonic()
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.consumed.wait(), max(0.0, remaining))
        except asyncio.CancelledError:  # the service is stopping: the caller hears it and may retry
            if not pending.future.done():
                pending.future.set_exception(Unavailable(STOPPING))
            raise
        await self.queue.put(pending)

    async def close(self) -> None:
        """Stop taking commands; those still queued hear that the service is stopping (the client may retry)."""
        self.closed = True
        if self.task is not None or self.waiting:
            await stop_tasks([t for t in (self.task, *self.waiting) if t is not None])
        while not self.queue.empty():
            pending = self.queue.get_nowait()
            if not pending.future.done():
                pending.future.set_exception(Unavailable(STOPPING))

    async def _work(self) -> None:
        while not stop_requested():
            batch = [await self.queue.get()]
            while not self.queue.empty() and len(batch) < self.max_batch:
                batch.append(self.queue.get_nowait())
            try:
                outcomes = await self.db.run(self._decide_and_save, batch)
            except Exception as exc:  # the store itself failed: every caller hears it
                outcomes = [exc] * len(batch)
            for pending, outcome in zip(batch, outcomes, strict=True):
                if pending.future.done():
                    continue
                if isinstance(outcome, Later):
                    waiting = asyncio.create_task(self._again_after_events(pending), name="group-commit-later")
                    self.waiting.add(waiting)
                    waiting.add_done_callback(self.waiting.discard)
                    continue
                if isinstance(outcome, BaseException):
                    pending.future.set_exception(outcome)
                else:
                    pending.future.set_result(outcome)

    def _decide_and_save(self, batch: list[Pending]) -> list[Any]:
        if len(batch) == 1:
            return [self._alone(batch[0])]
        collected: list[Aggregate] = []
        recorded = self._recorded(batch)
        with self.app.collecting(collected):
            outcomes = [self._decide(pending, collected, recorded) for pending in batch]
        if not collected:
            return outcomes
        try:
            self.app.commit(*collected)
        except ConcurrentChange:
            log.debug("batch of %d touched one case (or key) twice; deciding alone", len(batch))
            return [self._alone(p) for p in batch]
        return outcomes

    def _alone(self, pending: Pending) -> Any:
        clash: ConcurrentChange | None = None
        for _ in range(DECIDE_TRIES):
            collected: list[Aggregate] = []
            recorded = self._recorded([pending])
            with self.app.collecting(collected):
                outcome = self._decide(pending, collected, recorded)
            if not collected:
                return outcome
            try:
                self.app.commit(*collected)
                return outcome
            except ConcurrentChange as exc:
                # Another instance of the service (one queue group, one database) may have just recorded the key;
                # else it changed the case: decide again on what it saved.
                clash = exc
                key = pending.key
                record = self._record(key) if key is not None else None
                if key is not None and record is not None:
                    return record.answer(key)
        return clash

    def _recorded(self, batch: list[Pending]) -> set[UUID]:
        """The ids of the batch's keys that have a record, in one query (a key is nearly always new)."""
        return self.app.present({p.key.record_id for p in batch if p.key is not None})

    def _decide(self, pending: Pending, collected: list[Aggregate], recorded: set[UUID]) -> Any:
        """The command's outcome (its result, or the named error refusing it); what it changed is in ``collected``,
        with its key's record when it has a key. ``recorded``: which keys of its batch have a record."""
        key = pending.key
        known = key is not None and key.record_id in recorded
        record = self.app.find(key.record_id, self.records) if key is not None and known else None
        if key is not None and record is not None and record.current(self.app.clock.now(), self.retention):
            return record.answer(key)
        start = len(collected)
        try:
            outcome = pending.handler(pending.command)
        except XinfangError as exc:
            del collected[start:]  # a refused command changes nothing (but its key's record)
            outcome = exc
            if exc.awaits_events and pending.wait_until > time.monotonic():
                return LATER
        if key is None or not kept(outcome):
            return outcome
        if not isinstance(outcome, XinfangError):
            outcome = to_jsonable_python(outcome)  # the first answer as its repeats will read it back
        now = self.app.clock.now()
        if record is None:
            record = self.records.first(key, outcome, now)
        else:  # recorded before the retention: the key is decided anew
            record.again(key, outcome, now)
        collected.append(record)
        return outcome

    def _record(self, key: CommandKey) -> CommandRecord | None:
        """The key's record while it still answers (within the retention), else None."""
        record = self.app.find(key.record_id, self.records)
        if record is None or not record.current(self.app.clock.now(), self.retention):
            return None
        return record
