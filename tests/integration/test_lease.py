"""租约 on a real nats-server: one holder at a time, a standby takes over when the active stops renewing, and a
holder that cannot renew stops writing (its database calls are refused) before anyone else can hold the lease."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest

from services.runtime.bus import connect
from services.runtime.dbthread import DbThread
from services.runtime.lease import Lease, LeaseLost, lease_bucket
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
