"""The scaled-out topology: each component its own `xinfang serve` process, one NATS, PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import COMPONENTS, Settings
from tests.conftest import CIPHER_KEY
from tests.support.system import Client, ProcessSystem, case_count, eventually, table_rows

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


async def test_each_component_as_its_own_process_on_postgres(
    tmp_path: Path, nats_server: EmbeddedNats, postgres_databases: dict[str, str]
) -> None:
    env = {f"XF_{name.upper()}_DB": url for name, url in postgres_databases.items()}
    env |= {
        "XF_NATS_URL": nats_server.url,
        "XF_CIPHER_KEY": CIPHER_KEY,
        "XF_DATA_DIR": str(tmp_path / "unused"),
    }
    system = ProcessSystem(env, tmp_path / "serve.log")
    system.serve_all()
    try:
        system.wait_ready(len(COMPONENTS))
        settings = Settings(nats_url=nats_server.url, projections_db=postgres_databases["projections"])
        async with Client(settings) as client:
            await asyncio.gather(*(client.lifecycle(i, major=i % 2 == 0) for i in range(40)))

        async def all_rated() -> bool:
            return await case_count(settings, "rated") == 40

        await eventually(all_rated, 120, "40 rated cases in the PostgreSQL ledger")
        leaders = table_rows(postgres_databases["projections"], "select * from leader_cases where leader_id = 'L05'")
        assert len(leaders) == 20
        for name in COMPONENTS[:-1]:
            events = table_rows(postgres_databases[name], f"select count(*) as n from {name}_events")
            assert events[0]["n"] > 0, f"{name} stored nothing in its own database"
        assert not (tmp_path / "unused").exists() or not list((tmp_path / "unused").glob("*.db"))
    finally:
        system.stop()
