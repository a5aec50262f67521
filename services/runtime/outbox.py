"""The outbox relay: publishes a service's notification log to the case stream, in order, exactly once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from eventsourcing.persistence import Notification
from nats.aio.client import Client

from events import STREAM, CaseEvent
from services.runtime.bus import acknowledged
from services.runtime.chain import SOURCE, Heads
from services.runtime.dbthread import DbThread
from services.runtime.lifecycle import keep_passing
from services.runtime.sidecar import Sidecar
from services.runtime.store import ServiceApplication

log = logging.getLogger(__name__)

ToPublic = Callable[[Any], CaseEvent | None]


@dataclass(frozen=True)
class Outgoing:
    position: int
    event: CaseEvent | None


class OutboxRelay:
    """Reads the event store after its saved position and publishes with a stable Nats-Msg-Id.

    Idle, it waits to be woken (``wake``: set after every save of the application, ``ServiceApplication.on_saved``)
    and reads the store again only then, or after ``poll_s`` as a safety net — an idle service costs nothing.

    A crash between publish and saving the position re-sends; JetStream drops the re-send as a
    duplicate (same Nats-Msg-Id within the window) and consumers recognise the event id beyond it. Each event
    carries its link in the case's chain (``chain``); the heads are saved with the position, so a re-send
    carries the same links.
    """

    def __init__(
        self,
        name: str,
        app: ServiceApplication,
        to_public: ToPublic,
        nc: Client,
        db: DbThread,
        sidecar: Sidecar,
        batch: int = 512,
        poll_s: float = 10.0,
    ):
        self.name = name
        self.app = app
        self.to_public = to_public
        self.nc = nc
        self.js = nc.jetstream(publish_async_max_pending=batch * 2)
        self.db = db
        self.sidecar = sidecar
        self.batch = batch
        self.poll_s = poll_s
        self.wake = asyncio.Event()
        self.position = 0
        self.saved_position = 0
        self.saved_at = 0.0
        self.published = 0
        self.heads = Heads({})

    def _read(self, after: int) -> list[Outgoing]:
        notes: Sequence[Notification] = self.app.notifications(after, self.batch)
        return [Outgoing(n.id, self.to_public(self.app.stored_event(n))) for n in notes]

    async def run(self) -> None:
        self.position = self.saved_position = await self.db.run(self.sidecar.relay_position, self.name)
        self.heads = Heads(await self.db.run(self.sidecar.chain_heads, self.name))
        await keep_passing(self._pass, lambda: f"relay {self.name} failed at position {self.position}")

    async def _pass(self) -> None:
        self.wake.clear()  # before the read: a save landing after it sets it again, and the wait below returns at once
        outgoing = await self.db.run(self._read, self.position)
        if not outgoing:
            await self._save_position(force=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_s)
            return
        futures = []
        self.heads.discard()  # a pass that failed is linked again from the heads it started from
        for item in outgoing:
            if item.event is None:
                continue
            event, data = item.event, item.event.to_json()
            link = self.heads.extend(self.name, event.case_id, event.subject, data)
            headers = {"Nats-Msg-Id": event.event_id, SOURCE: self.name, **link.headers()}
            futures.append(await self.js.publish_async(event.subject, data, stream=STREAM, headers=headers))
        await acknowledged(self.nc, futures)
        self.heads.commit()
        self.position = outgoing[-1].position
        self.published += len(futures)
        await self._save_position(force=False)

    async def _save_position(self, force: bool) -> None:
        """Persist the position when idle or once a second: a re-send after a crash is deduplicated anyway,
        and saving after every publish would double the commits on the command path."""
        loop = asyncio.get_running_loop()
        if self.position == self.saved_position or (not force and loop.time() - self.saved_at < 1.0):
            return
        await self.db.run(self.sidecar.save_relay_position, self.name, self.position, self.heads.changed())
        self.heads.dirty.clear()
        self.saved_position, self.saved_at = self.position, loop.time()
