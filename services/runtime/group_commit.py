"""Group commit: commands that arrive while the store is busy are decided one by one, saved in one transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from eventsourcing.domain import Aggregate

from services.runtime.dbthread import DbThread
from services.runtime.errors import Conflict, Unavailable, XinfangError
from services.runtime.lifecycle import stop_requested, stop_tasks
from services.runtime.store import ServiceApplication

log = logging.getLogger(__name__)


@dataclass
class Pending:
    handler: Callable[[Any], Any]
    command: Any
    future: asyncio.Future[Any] = field(repr=False)


class GroupCommit:
    """Feeds queued commands to the application in batches on its database thread.

    Each command runs its rules against the stored state; the batch's new events are saved together, so one
    fsync serves many commands. If two commands in a batch touched the same case, the batch's save fails on
    the version check and every command is run again alone: the rules, not the batching, decide.
    """

    def __init__(self, app: ServiceApplication, db: DbThread, max_batch: int = 128):
        self.app = app
        self.db = db
        self.max_batch = max_batch
        self.queue: asyncio.Queue[Pending] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.closed = False

    async def submit(self, handler: Callable[[Any], Any], command: Any) -> Any:
        if self.closed:
            raise Unavailable("服务正在停止，请稍后重试 (the service is stopping)")
        if self.task is None:
            self.task = asyncio.create_task(self._work(), name="group-commit")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        await self.queue.put(Pending(handler, command, future))
        return await future

    async def close(self) -> None:
        """Stop taking commands; those still queued hear that the service is stopping (the client may retry)."""
        self.closed = True
        if self.task is not None:
            await stop_tasks([self.task])
        while not self.queue.empty():
            pending = self.queue.get_nowait()
            if not pending.future.done():
                pending.future.set_exception(Unavailable("服务正在停止，请稍后重试 (the service is stopping)"))

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
                if isinstance(outcome, BaseException):
                    pending.future.set_exception(outcome)
                else:
                    pending.future.set_result(outcome)

    def _decide_and_save(self, batch: list[Pending]) -> list[Any]:
        if len(batch) == 1:
            return [self._alone(batch[0])]
        collected: list[Aggregate] = []
        outcomes: list[Any] = []
        with self.app.collecting(collected):
            for pending in batch:
                try:
                    outcomes.append(pending.handler(pending.command))
                except XinfangError as exc:
                    outcomes.append(exc)
        if not collected:
            return outcomes
        try:
            self.app.commit(*collected)
        except Conflict:
            log.debug("batch of %d touched one case twice; deciding alone", len(batch))
            return [self._alone(p) for p in batch]
        return outcomes

    def _alone(self, pending: Pending) -> Any:
        try:
            return pending.handler(pending.command)
        except XinfangError as exc:
            return exc
