"""Runs one component: its FastStream command routes, its outbox relay and its event consumer."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from faststream.nats import NatsBroker
from faststream.nats.security import NatsUserPassword
from nats.js.errors import NotFoundError

from events import STREAM
from services.runtime.bus import connect, ensure_stream
from services.runtime.commands import CommandRoutes
from services.runtime.consumer import EventConsumer, Sink
from services.runtime.dbthread import DbThread
from services.runtime.group_commit import GroupCommit
from services.runtime.lease import Lease, bucket_ttl, lease_bucket
from services.runtime.lifecycle import STOP_TIMEOUT_S, stop_tasks, within
from services.runtime.outbox import OutboxRelay
from services.runtime.reactions import ApplicationSink
from services.runtime.settings import Settings
from services.runtime.sidecar import Sidecar, make_engine
from services.runtime.store import ServiceApplication, store_env
from services.runtime.stored import to_public
from services.runtime.wiring import command_routes, reactions_of

log = logging.getLogger(__name__)


@dataclass
class ServiceDefinition:
    """What makes a service: its name and how to build its application (the composition root, ``service.py``).

    The commands it answers and the events it reacts to are read off the application's methods (``wiring``);
    what it publishes, off its aggregates' stored events (``stored``).
    """

    name: str
    application: Callable[[dict[str, str], Settings], ServiceApplication]
    # A loop the service runs beside its consumer (e.g. supervision's sweep): started with it, stopped with it.
    background: Callable[[Any, Settings, DbThread], Awaitable[None]] | None = None


broker_log = logging.getLogger("xinfang.broker")
broker_log.setLevel(logging.WARNING)


def make_broker(settings: Settings, name: str) -> NatsBroker:
    """A component's connection to every seed URL, as its own party when the district has NATS users (xinfang auth
    init). The user and password are options, not part of the URLs: the other nodes a cluster announces carry none,
    and a reconnect to one of them must still be this party."""
    creds = settings.credentials(name)
    return NatsBroker(
        settings.nats_url,
        security=NatsUserPassword(creds["user"], creds["password"]) if creds else None,
        inbox_prefix=creds["inbox_prefix"] if creds else "_INBOX",
        name=f"xinfang-{name}",
        max_reconnect_attempts=-1,
        reconnect_time_wait=1,
        log_level=logging.DEBUG,  # one line per command is noise at INFO
        logger=broker_log,
    )


def wake_from_any_thread(event: asyncio.Event) -> Callable[[], None]:
    """A callable that sets ``event`` on the running loop, safe to call from a database thread."""
    loop = asyncio.get_running_loop()

    def wake() -> None:
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile (stopping): nobody is waiting
            loop.call_soon_threadsafe(event.set)

    return wake


class Component:
    """Common lifecycle: connect, run background loops, stop cleanly."""

    name: str

    def __init__(self, settings: Settings):
        self.settings = settings
        self.broker = make_broker(settings, self.name)
        self.tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        raise NotImplementedError

    def fence(self, check: Callable[[], None]) -> None:
        """Every database call of the component first runs ``check`` (the lease): no write once it fails."""
        for thread in self.db_threads():
            thread.guard = check

    def db_threads(self) -> list[DbThread]:
        return [t for t in (getattr(self, "db", None), getattr(self, "relay_db", None)) if isinstance(t, DbThread)]

    async def stop(self) -> None:
        """Within a bound, whatever is in flight: background loops first, then the connection."""
        await stop_tasks(self.tasks)
        await within(self.broker.stop(), STOP_TIMEOUT_S, f"{self.name}: closing the NATS connection")


class ServiceHost(Component):
    """One of the four services."""

    def __init__(self, definition: ServiceDefinition, settings: Settings):
        self.name = definition.name
        super().__init__(settings)
        self.definition = definition
        self.db = DbThread(self.name)
        self.relay_db = DbThread(f"{self.name}-relay")
        self.committer: GroupCommit | None = None
        self.routes: CommandRoutes | None = None
        self.relay: OutboxRelay | None = None
        self.consumer: EventConsumer | None = None

    def _open_store(self) -> tuple[ServiceApplication, Sidecar]:
        url = self.settings.db_url(self.name)
        app = self.definition.application(store_env(self.name, url, self.settings.resolved_cipher_key), self.settings)
        return app, Sidecar(make_engine(url))

    async def start(self) -> None:
        app, sidecar = await self.db.run(self._open_store)
        self.app = app
        self.committer = GroupCommit(app, self.db, retention=self.settings.idempotency_retention)
        self.routes = routes = command_routes(self.name, app, self.committer, self.settings.max_command_bytes)
        self.broker.include_router(routes.router)
        await self.broker.start()
        nc = self.broker.connection
        await ensure_stream(nc, self.settings.stream_replicas, self.settings.duplicate_window_s)
        # The relay reads on its own thread (SQLite WAL and PostgreSQL let it read beside the writer).
        relay = OutboxRelay(self.name, app, to_public, nc, self.relay_db, sidecar, poll_s=self.settings.relay_poll_s)
        app.on_saved = wake_from_any_thread(relay.wake)  # every save wakes it, whichever path made it
        self.relay = relay
        self.tasks.append(asyncio.create_task(relay.run(), name=f"{self.name}-relay"))
        reactions = reactions_of(type(app))
        if reactions:
            sink = ApplicationSink(self.name, app, reactions, sidecar)
            self.consumer = EventConsumer(sink, nc, self.db, self.settings.batch_size)
            self.consumer.on_applied = self.committer.events_applied  # commands waiting for events are decided again
            self.tasks.append(asyncio.create_task(self.consumer.run(), name=f"{self.name}-consumer"))
        if self.definition.background is not None:
            loop = self.definition.background(app, self.settings, self.db)
            self.tasks.append(asyncio.create_task(loop, name=f"{self.name}-background"))  # type: ignore[arg-type]

    async def stop(self) -> None:
        await super().stop()
        if self.committer is not None:
            await self.committer.close()
        await self.db.close()
        await self.relay_db.close()


class ProjectionHost(Component):
    """The read side: every projection's consumer against its own database."""

    name = "projections"

    def __init__(
        self,
        settings: Settings,
        sinks: Callable[[Settings], Sequence[Sink]],
        background: Callable[[Any, Settings, DbThread, asyncio.Event], Awaitable[None]] | None = None,
        retired: Sequence[str] = (),
    ):
        super().__init__(settings)
        self.make_sinks = sinks
        self.retired = retired  # durable consumers an earlier version ran, removed from the stream on start
        self.background = background  # e.g. the relay of the department feeds, given ``applied`` to wait on
        self.applied = asyncio.Event()  # set whenever a consumer applied a batch
        self.db = DbThread(self.name)
        self.relay_db = DbThread(f"{self.name}-relay")
        self.consumers: list[EventConsumer] = []

    async def start(self) -> None:
        sinks = await self.db.run(self.make_sinks, self.settings)
        await self.broker.start()
        nc = self.broker.connection
        await ensure_stream(nc, self.settings.stream_replicas, self.settings.duplicate_window_s)
        for name in self.retired:
            with contextlib.suppress(NotFoundError):
                await nc.jetstream().delete_consumer(STREAM, name)
        for sink in sinks:
            consumer = EventConsumer(sink, nc, self.db, self.settings.batch_size)
            consumer.on_applied = self.applied.set
            self.consumers.append(consumer)
            self.tasks.append(asyncio.create_task(consumer.run(), name=f"projection-{sink.name}"))
        if self.background is not None:
            loop = self.background(nc, self.settings, self.relay_db, self.applied)
            self.tasks.append(asyncio.create_task(loop, name=f"{self.name}-background"))  # type: ignore[arg-type]

    async def stop(self) -> None:
        await super().stop()
        await self.db.close()
        await self.relay_db.close()


INSIST_AFTER_S = 2.0
LEASE_LOST_EXIT = 75  # EX_TEMPFAIL: started again, the process waits as a standby


async def run_until_signalled(component: Component) -> None:
    """Start, log readiness, and stop on SIGINT or SIGTERM within a bound; asked again later, exit at once."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    first: list[float] = []

    def on_signal() -> None:
        # One request to stop often arrives twice (a terminal's Ctrl-C and the supervisor's SIGTERM); a signal
        # that comes again after a while means the operator insists.
        if first and loop.time() - first[0] > INSIST_AFTER_S:
            log.warning("%s: asked again to stop, exiting now", component.name)
            os._exit(1)
        first[:] = first or [loop.time()]
        stop.set()

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal)
    settings = component.settings
    nc = await connect(settings.nats_url, f"xinfang-{component.name}-lease", creds=settings.credentials(component.name))
    bucket = await lease_bucket(nc, settings.lease_ttl_s, settings.stream_replicas)
    lease = Lease(bucket, component.name, await bucket_ttl(bucket, settings.lease_ttl_s))
    acquiring = asyncio.create_task(lease.acquire())
    stopping = asyncio.create_task(stop.wait())
    await asyncio.wait({acquiring, stopping}, return_when=asyncio.FIRST_COMPLETED)
    if stop.is_set():  # stopped while a standby
        acquiring.cancel()
        await nc.close()
        return
    component.fence(lease.check)
    keeping = asyncio.create_task(lease.keep(), name=f"{component.name}-lease")
    await component.start()
    log.info("%s ready", component.name)
    print(f"[xinfang] {component.name} ready", flush=True)
    losing = asyncio.create_task(lease.lost.wait())
    await asyncio.wait({stopping, losing}, return_when=asyncio.FIRST_COMPLETED)
    if lease.lost.is_set() and not stop.is_set():
        # Another instance may be active now: write nothing more, leave at once (the supervisor restarts us).
        log.error("%s: lease lost, exiting", component.name)
        print(f"[xinfang] {component.name} lost its lease, exiting", flush=True)
        os._exit(LEASE_LOST_EXIT)
    await within(component.stop(), 3 * STOP_TIMEOUT_S, f"stopping {component.name}")
    keeping.cancel()
    await lease.release()
    await nc.close()
    log.info("%s stopped", component.name)
