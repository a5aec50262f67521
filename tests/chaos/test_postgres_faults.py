"""混沌 on PostgreSQL: the demo district through `xinfang up` with every component on its own PostgreSQL database,
while every connection to those databases is dropped (``pg_terminate_backend``) every 1–3 s, as a database
failover or a network cut would; the run goes on, and every check after it holds."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import CIPHER_KEY, POSTGRES_URL
from tests.support.chaos import Faults, demo_under, pause

pytestmark = [pytest.mark.slow, pytest.mark.postgres, pytest.mark.timeout(900)]
CASES = 500  # four runs: two thousand cases in all


def terminate_backends(databases: list[str]) -> int:
    """Drop every connection to the databases (but this one); how many there were."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            dropped = conn.execute(
                text(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where datname = any(:names) and pid <> pg_backend_pid()"
                ),
                {"names": databases},
            ).all()
        return sum(1 for (ok,) in dropped if ok)
    finally:
        admin.dispose()


async def test_the_demo_completes_while_postgres_connections_are_dropped(
    tmp_path: Path, postgres_databases: dict[str, str]
) -> None:
    names = [url.rsplit("/", 1)[1] for url in postgres_databases.values()]
    rng = random.Random(23)

    async def drop_connections(up_pid: int, stop: asyncio.Event, faults: Faults) -> None:
        while await pause(stop, rng.uniform(1.0, 3.0)):
            faults.kills["pg-connections"] += await asyncio.to_thread(terminate_backends, names)
            faults.kills["pg-rounds"] += 1

    env = {f"XF_{name.upper()}_DB": url for name, url in postgres_databases.items()} | {"XF_CIPHER_KEY": CIPHER_KEY}
    faults = await demo_under(tmp_path, drop_connections, 29, "postgres connection drops", CASES, env)
    assert faults.kills["pg-rounds"] >= 10 and faults.kills["pg-connections"] >= 10
