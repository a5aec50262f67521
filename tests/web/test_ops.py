"""运行与监控 on a real system: liveness, readiness (and its 503 when NATS is gone or the projections trail), the
Prometheus families after real commands and a real dead letter, and the JSON request log."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import uuid
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from events import STREAM
from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import Settings
from tests.support.system import Client, InProcessSystem, eventually
from tests.support.web import api_client, signed_in, staff_accounts
from tests.web.test_api_actions import PETITION
from xinfang.web.app import create_app
from xinfang.web.metrics import log_requests_as_json, requests_log


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings.model_copy(update={"api_deadline_s": 1.0}))):
        yield client


async def ready(api: httpx.AsyncClient) -> bool:
    return (await api.get("/readyz")).status_code == 200


async def caught_up(api: httpx.AsyncClient) -> bool:
    """No lag, three readings in a row: a registration's reactions (the acceptance clock …) follow it on the stream a
    moment later, and a single reading between the two sees no lag yet."""
    for _ in range(3):
        probe = await api.get("/readyz")
        if probe.status_code != 200 or probe.json()["checks"]["consumers"]["lag"] != 0:
            return False
        await asyncio.sleep(0.2)
    return True


async def test_healthz_answers_ok_to_anyone(settings: Settings) -> None:
    async for api in api_client(create_app(settings)):
        answer = await api.get("/healthz")
        assert answer.status_code == 200 and answer.json() == {"status": "ok"}


async def test_readyz_is_ready_on_a_running_system_and_says_each_check(api: httpx.AsyncClient) -> None:
    intake = await signed_in(api, "intake")
    assert (await api.post("/api/intake/register", json=PETITION, headers=intake)).status_code == 200
    await eventually(lambda: caught_up(api), what="the projections to catch up")
    body = (await api.get("/readyz")).json()
    assert body["status"] == "ready"
    assert {name: check["ok"] for name, check in body["checks"].items()} == {
        "nats": True,
        "database": True,
        "consumers": True,
    }
    assert body["checks"]["consumers"]["lag"] == 0


async def test_nats_gone_readyz_and_a_command_answer_503_with_retry_after(
    api: httpx.AsyncClient, nats_server: EmbeddedNats
) -> None:
    intake = await signed_in(api, "intake")
    await eventually(lambda: ready(api), what="ready before the outage")
    nats_server.stop()
    try:
        probe = await api.get("/readyz")
        assert probe.status_code == 503 and probe.headers["Retry-After"].isdigit()
        checks = probe.json()["checks"]
        assert checks["nats"] == {"ok": False, "message": "NATS 不可达", "lag": None}
        assert checks["database"]["ok"] and not checks["consumers"]["ok"]
        assert nats_server.url.rsplit(":", 1)[1] not in probe.text  # no address for an unsigned probe
        command = await api.post("/api/intake/register", json=PETITION, headers=intake)
        assert command.status_code == 503 and command.headers["Retry-After"].isdigit()
        assert command.json()["code"] == "unavailable" and "Traceback" not in command.text
        assert (await api.get("/healthz")).status_code == 200  # the process itself is up
        scrape = (await api.get("/metrics")).text
        assert "\nxinfang_nats_up 0\n" in scrape
    finally:
        nats_server.start()
    await eventually(lambda: ready(api), 30, "ready again once NATS is back")


async def test_readyz_fails_while_the_projections_trail_the_stream(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the services run: the events they publish wait in the stream, and the projections fall behind."""
    monkeypatch.setenv("XF_READY_MAX_LAG", "0")
    services = InProcessSystem(settings)
    await services.start(("intake", "assignment", "mediation", "supervision"))
    try:
        async with Client(settings) as client:
            await client.cmd("intake", "register", **{**PETITION, "received_by": "王敏"})
        async for api in api_client(create_app(settings)):
            probe = await api.get("/readyz")
            assert probe.status_code == 503 and probe.headers["Retry-After"]
            consumers = probe.json()["checks"]["consumers"]
            assert not consumers["ok"] and consumers["lag"] >= 1 and "上限 0" in consumers["message"]
            assert probe.json()["checks"]["nats"]["ok"] and probe.json()["checks"]["database"]["ok"]
    finally:
        await services.stop()


def sample(scrape: str, name: str, **labels: str) -> float | None:
    """The value of one series of a Prometheus text scrape (labels in any order), or None."""
    for line in scrape.splitlines():
        found = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if found is None:
            continue
        pairs = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', found.group(1) or ""))
        if all(pairs.get(k) == v for k, v in labels.items()):
            return float(found.group(2))
    return None


async def test_metrics_expose_commands_latency_lag_positions_and_dead_letters(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    intake = await signed_in(api, "intake")
    assert (await api.post("/api/intake/register", json=PETITION, headers=intake)).status_code == 200
    missing = await api.post("/api/cases/XF000/intake/accept", json={}, headers=intake)
    assert missing.status_code == 404
    async with Client(settings) as client:  # poison on the bus: every consumer of the type sets it aside
        await client.nc.jetstream().publish(f"xf.case.{uuid.uuid4()}.petition_accepted", b"{not json", stream=STREAM)

    scraped: list[str] = []

    async def settled() -> bool:
        """The poison set aside, and the ledger's consumer with nothing left to apply or acknowledge."""
        answer = await api.get("/metrics")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4")
        scraped[:] = [answer.text]
        letters = sample(answer.text, "xinfang_dead_letters", component="projections", consumer="projection-ledger")
        return (letters or 0) >= 1 and sample(answer.text, "xinfang_consumer_lag", consumer="projections") == 0

    await eventually(settled, what="the poison in the projections' dead letters, and the ledger caught up")
    scrape = scraped[0]
    for family, kind in (
        ("xinfang_commands_total", "counter"),
        ("xinfang_http_request_duration_seconds", "histogram"),
        ("xinfang_consumer_lag", "gauge"),
        ("xinfang_stream_last_seq", "gauge"),
        ("xinfang_projection_position", "gauge"),
        ("xinfang_dead_letters", "gauge"),
        ("xinfang_nats_up", "gauge"),
    ):
        assert f"# TYPE {family} {kind}\n" in scrape, family
    assert sample(scrape, "xinfang_commands_total", service="intake", command="register", outcome="ok") == 1
    assert sample(scrape, "xinfang_commands_total", service="intake", command="accept", outcome="not_found") == 1
    route = "/api/intake/register"
    assert sample(scrape, "xinfang_http_request_duration_seconds_count", route=route, status="200") == 1
    assert sample(scrape, "xinfang_http_request_duration_seconds_bucket", route=route, status="200", le="+Inf") == 1
    accept = "/api/cases/{case}/intake/accept"  # by template: one series however many cases
    assert sample(scrape, "xinfang_http_request_duration_seconds_count", route=accept, status="404") == 1
    last_seq = sample(scrape, "xinfang_stream_last_seq")
    assert last_seq is not None and last_seq >= 2
    assert sample(scrape, "xinfang_projection_position", projection="projection-ledger") == last_seq
    assert sample(scrape, "xinfang_consumer_lag", consumer="assignment") is not None
    assert sample(scrape, "xinfang_nats_up") == 1


@pytest.fixture
def request_log() -> Iterator[io.StringIO]:
    lines = io.StringIO()
    log_requests_as_json(lines)
    yield lines
    requests_log.handlers.clear()
    requests_log.setLevel(logging.NOTSET)
    requests_log.propagate = True


async def test_json_request_log_one_line_per_request(api: httpx.AsyncClient, request_log: io.StringIO) -> None:
    intake = await signed_in(api, "intake")
    await api.get("/healthz")
    await api.post("/api/cases/XF000/intake/accept", json={}, headers=intake)
    await api.get("/no/such/page")
    logged = [json.loads(line) for line in request_log.getvalue().splitlines()]
    assert [(e["method"], e["path"], e["status"], e["user"]) for e in logged] == [
        ("POST", "/api/session", 200, None),
        ("GET", "/healthz", 200, None),
        ("POST", "/api/cases/{case}/intake/accept", 404, "dengji"),
        ("GET", "unmatched", 404, None),
    ]
    for entry in logged:
        assert set(entry) == {"time", "method", "path", "status", "ms", "user"}
        assert isinstance(entry["ms"], float) and entry["ms"] >= 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", entry["time"])
