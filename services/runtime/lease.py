"""租约 (lease): one active instance of each component; a second one waits as a standby and takes over.

The lease is a key per component in a JetStream key-value bucket (``XF_LEASES``) whose entries live ``ttl``
seconds: the active instance creates the key and renews it (an update against the revision it holds) every
``ttl / 3``; when it dies, the key expires and a standby's create succeeds. Fencing: the active counts its lease
valid only until ``ttl`` minus a margin after the last renewal *it sent*, and every database call of the
component checks that first (``DbThread`` guard) — so by the time the key can have expired on the server and a
standby can hold it, the old active has stopped writing. A renewal that cannot reach the server in time (a NATS
node lost, the bucket's leader being elected anew) pauses the writes (``LeaseLapsed``: commands answer unavailable,
consumers wait) and keeps trying; a renewal that then still finds its own revision resumes them, since nobody else
can have held the key in between. A renewal that finds another holder's revision, or no key at all (it expired
meanwhile), ends the process (the supervisor starts it again, as a standby).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

import nats.errors
from nats.aio.client import Client
from nats.js.api import KeyValueConfig, StorageType
from nats.js.errors import BucketNotFoundError, KeyWrongLastSequenceError, NotFoundError
from nats.js.kv import KeyValue

from services.runtime.errors import Unavailable

log = logging.getLogger(__name__)

BUCKET = "XF_LEASES"
MARGIN = 0.8  # of the ttl: the active stops writing well before its key can expire on the server
RETRY_S = 0.25  # how often a lapsed lease is tried again


class LeaseLost(Unavailable):
    """The component no longer holds its lease: another instance may be active; nothing more is written."""

    code = "unavailable"


class LeaseLapsed(LeaseLost):
    """The lease could not be renewed in time: nothing is written until a renewal finds it still this process's."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def holder_id() -> str:
    """Who holds a lease: host, pid and a random tail (a restarted process is a new holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


async def lease_bucket(nc: Client, ttl_s: float, replicas: int = 1) -> KeyValue:
    """The bucket, created by whichever component asks first (on a cluster, two creating it at once may see the
    loser's create refused: it then finds the bucket the winner made)."""
    js = nc.jetstream()
    try:
        return await js.key_value(BUCKET)
    except BucketNotFoundError:
        config = KeyValueConfig(bucket=BUCKET, history=1, ttl=ttl_s, storage=StorageType.FILE, replicas=replicas)
        try:
            return await js.create_key_value(config)
        except nats.errors.Error:
            with contextlib.suppress(BucketNotFoundError):
                return await js.key_value(BUCKET)
            raise


async def bucket_ttl(kv: KeyValue, wanted_s: float) -> float:
    """The ttl the bucket's entries really live (set when the bucket was made, by whichever component came first):
    the one fencing must count with. A setting that differs is reported, not trusted."""
    found = (await kv.status()).ttl
    if found and abs(found - wanted_s) > 1e-6:
        log.warning("lease bucket %s keeps entries %.1f s, not the %.1f s configured; using %.1f s", BUCKET, found,
                    wanted_s, found)  # fmt: skip
    return float(found or wanted_s)


class Lease:
    """One component's lease, held by this process once ``acquire`` returns."""

    def __init__(self, kv: KeyValue, name: str, ttl_s: float, holder: str | None = None,
                 monotonic: Callable[[], float] = time.monotonic):  # fmt: skip
        self.kv = kv
        self.name = name
        self.ttl_s = ttl_s
        self.holder = holder or holder_id()
        self.monotonic = monotonic
        self.revision = 0
        self.valid_until = 0.0
        self.lost = asyncio.Event()

    async def current_holder(self) -> str:
        with contextlib.suppress(NotFoundError, KeyError):
            entry = await self.kv.get(self.name)
            return (entry.value or b"").decode()
        return ""

    async def acquire(self, poll_s: float | None = None) -> None:
        """Wait until this process holds the lease (at once when nobody does)."""
        waited = False
        while True:
            sent = self.monotonic()
            try:
                self.revision = await self.kv.create(self.name, self.holder.encode())
            except KeyWrongLastSequenceError:
                if await self._holder_died_here():
                    continue
                if not waited:
                    log.warning("%s: standby, %s holds the lease", self.name, await self.current_holder())
                    print(f"[xinfang] {self.name} standby (waiting for the lease)", flush=True)
                    waited = True
                await asyncio.sleep(poll_s or self.ttl_s / 4)
                continue
            self.valid_until = sent + self.ttl_s * MARGIN
            if waited:
                print(f"[xinfang] {self.name} took over the lease", flush=True)
            return

    async def _holder_died_here(self) -> bool:
        """A holder on this machine whose process is gone (killed, then restarted by the supervisor) is released
        at once instead of after the ttl."""
        with contextlib.suppress(NotFoundError, KeyError):
            entry = await self.kv.get(self.name)
            host, _, rest = (entry.value or b"").decode().partition(":")
            pid = rest.partition(":")[0]
            if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
                with contextlib.suppress(KeyWrongLastSequenceError):
                    await self.kv.delete(self.name, last=entry.revision)
                    log.warning("%s: the holder's process %s is gone; taking over", self.name, pid)
                    return True
        return False

    def lapsed(self) -> bool:
        return self.monotonic() > self.valid_until

    def check(self) -> None:
        """Raise unless the lease is surely still this process's (called before every database call)."""
        if self.lost.is_set():
            raise LeaseLost(f"{self.name}: 租约已失效，停止写入 (lease lost)")
        if self.lapsed():
            raise LeaseLapsed(f"{self.name}: 租约未能按时续期，暂停写入 (lease not renewed in time; writes paused)")

    async def keep(self) -> None:
        """Renew every ttl/3 (a lapsed lease every RETRY_S) until cancelled; on a lost lease set ``lost`` and
        return."""
        paused = False
        while not self.lost.is_set():
            await asyncio.sleep(RETRY_S if self.lapsed() else self.ttl_s / 3)
            sent = self.monotonic()
            try:
                self.revision = await self.kv.update(self.name, self.holder.encode(), last=self.revision)
                self.valid_until = sent + self.ttl_s * MARGIN
                if paused:
                    log.warning("%s: lease renewed; writing again", self.name)
                    paused = False
            except KeyWrongLastSequenceError:
                log.error("%s: the lease was taken or expired (holder now %r)", self.name, await self.current_holder())
                self.lost.set()
            except (nats.errors.Error, TimeoutError, OSError) as exc:
                if self.lapsed() and not paused:
                    log.warning("%s: could not renew the lease in time (%s); writes paused", self.name, exc)
                    paused = True

    async def release(self) -> None:
        """Give the lease up on a clean stop, so a standby takes over at once instead of after the ttl."""
        with contextlib.suppress(Exception):
            await self.kv.delete(self.name, last=self.revision)
