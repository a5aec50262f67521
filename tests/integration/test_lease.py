"""租约 on a real nats-server: one holder at a time, a standby takes over when the active stops renewing, a holder
that cannot renew stops writing (its database calls are refused) before anyone else can hold the lease, and one that
can renew again before its key expired writes again without a restart (a NATS leader election)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from typing import Any

import pytest

from services.runtime.bus import connect
from services.runtime.dbthread import DbThread
from services.runtime.lease import Lease, LeaseLapsed, LeaseLost, bucket_ttl, lease_bucket
from services.runtime.nats_server import EmbeddedNats

TTL = 1.5


async def test_a_standby_waits_then_takes_over_when_the_active_stops_renewing(nats_server: EmbeddedNats) -> None:
    nc = await connect(nats_server.url, "lease-test")
    try:
        kv = await lease_bucket(nc, TTL)
        active, standby = Lease(kv, "intake", TTL, "host-a:1:aa"), Lease(kv, "intake", TTL, "host-b:2:bb")
        await active.acquire()
        keeping = asyncio.create_task(active.keep())
        waiting = asyncio.create_task(standby.acquire(poll_s=0.1))
        await asyncio.sleep(TTL * 2)  # the active renews: the standby keeps waiting
        assert not waiting.done() and await standby.current_holder() == "host-a:1:aa"
        active.check()
        keeping.cancel()  # the active dies (it renews no more)
        await asyncio.wait_for(waiting, TTL * 3)
        assert await standby.current_holder() == "host-b:2:bb"
        with pytest.raises(LeaseLost):
            active.check()  # by now the old active had stopped writing
    finally:
        await nc.close()


async def test_a_holder_that_cannot_renew_refuses_every_database_call(nats_server: EmbeddedNats) -> None:
    nc = await connect(nats_server.url, "lease-test")
    db = DbThread("fenced")
    try:
        lease = Lease(await lease_bucket(nc, TTL), "projections", TTL)
        await lease.acquire()
        db.guard = lease.check
        assert await db.run(lambda: "written") == "written"
        await asyncio.sleep(TTL)  # no renewal: the lease runs out locally before it can on the server
        with pytest.raises(LeaseLost):
            await db.run(lambda: "written again")
    finally:
        await db.close()
        await nc.close()


async def test_a_holder_on_this_machine_whose_process_is_gone_is_taken_over_at_once(nats_server: EmbeddedNats) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    import socket

    nc = await connect(nats_server.url, "lease-test")
    try:
        kv = await lease_bucket(nc, 60.0)  # a long ttl: only the dead-holder check can free it quickly
        dead = Lease(kv, "mediation", 60.0, f"{socket.gethostname()}:{gone.stdout.strip()}:dead")
        await dead.acquire()
        fresh = Lease(kv, "mediation", 60.0)
        await asyncio.wait_for(fresh.acquire(poll_s=0.1), 5)
        assert await fresh.current_holder() == fresh.holder
        alive = Lease(kv, "mediation", 60.0)
        waiting = asyncio.create_task(alive.acquire(poll_s=0.1))
        await asyncio.sleep(1)
        assert not waiting.done()  # a live holder (this process) is never taken over
        waiting.cancel()
    finally:
        await nc.close()


class Unreachable:
    """The bucket, but its updates time out while ``down`` (the server cannot be reached, a leader being elected)."""

    def __init__(self, kv: Any):
        self.kv, self.down = kv, False

    async def update(self, *args: Any, **kwargs: Any) -> int:
        if self.down:
            raise TimeoutError("no leader")
        return int(await self.kv.update(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.kv, name)


async def test_a_lapsed_lease_pauses_writes_and_resumes_them_when_renewed_in_time(nats_server: EmbeddedNats) -> None:
    nc = await connect(nats_server.url, "lease-test")
    db = DbThread("paused")
    try:
        kv = Unreachable(await lease_bucket(nc, 4.0))
        lease = Lease(kv, "assignment", 4.0)  # type: ignore[arg-type]
        await lease.acquire()
        db.guard = lease.check
        keeping = asyncio.create_task(lease.keep())
        kv.down = True
        await asyncio.sleep(4.0 * 0.8 + 0.3)  # past the local validity, within the key's ttl on the server
        with pytest.raises(LeaseLapsed):
            await db.run(lambda: "written while lapsed")
        kv.down = False
        await asyncio.sleep(0.6)  # a lapsed lease is tried again every RETRY_S: it still holds its revision
        assert await db.run(lambda: "written again") == "written again"
        assert not lease.lost.is_set() and not keeping.done()
        keeping.cancel()
    finally:
        await db.close()
        await nc.close()


async def test_a_lease_that_expired_while_unreachable_is_lost(nats_server: EmbeddedNats) -> None:
    nc = await connect(nats_server.url, "lease-test")
    try:
        kv = Unreachable(await lease_bucket(nc, TTL))
        lease = Lease(kv, "supervision", TTL)  # type: ignore[arg-type]
        await lease.acquire()
        keeping = asyncio.create_task(lease.keep())
        kv.down = True
        await asyncio.sleep(TTL * 2.5)  # the key expired on the server meanwhile: a standby may have taken it
        kv.down = False
        await asyncio.wait_for(lease.lost.wait(), 5)
        with pytest.raises(LeaseLost):
            lease.check()
        await keeping
    finally:
        await nc.close()


async def test_fencing_counts_with_the_ttl_the_bucket_was_made_with(
    nats_server: EmbeddedNats, caplog: pytest.LogCaptureFixture
) -> None:
    nc = await connect(nats_server.url, "lease-test")
    try:
        made = await lease_bucket(nc, TTL)  # the first component made it with 1.5 s
        again = await lease_bucket(nc, 10.0)  # a later one configured 10 s finds it
        assert await bucket_ttl(made, TTL) == TTL
        assert await bucket_ttl(again, 10.0) == TTL  # a lease counted with 10 s would outlive its key
        assert "not the 10.0 s configured" in caplog.text
    finally:
        await nc.close()
