"""监控指标 (``/metrics``, Prometheus text format 0.0.4) and the request log.

One pure-ASGI middleware times every request (by route template and status) and counts the staff commands sent
over the API by service, command and outcome (``ok`` or the error's code); with ``XF_LOG_JSON=1`` (``serve api
--log-json``) it writes one JSON line per request. The scrape adds what the bus and the databases say at that
moment: each consumer's lag (JetStream's pending count for its durable), each projection's saved position against
the case stream's last sequence, and the dead letters of every component database this process is configured with.
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from nats.js.errors import NotFoundError
from sqlalchemy import Engine, func, inspect, select
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events import STREAM
from projections.store import ReadSide
from services.runtime.settings import COMPONENTS, Settings
from services.runtime.sidecar import dead_letters, make_engine
from xinfang.web.auth import signed_in
from xinfang.web.catalogue import actions
from xinfang.web.ops import PROBE_TIMEOUT_S, TAG, projection_positions, stream_state
from xinfang.web.wiring import Web

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONSUMERS = (ReadSide.name, "intake", "assignment", "mediation", "supervision")
requests_log = logging.getLogger("xinfang.web.requests")
log = logging.getLogger(__name__)


def _labels(**labels: str) -> str:
    escaped = (f'{k}="{v.replace(chr(92), chr(92) * 2).replace(chr(34), chr(92) + chr(34)).replace(chr(10), " ")}"'
               for k, v in labels.items())  # fmt: skip
    return "{" + ",".join(escaped) + "}"


class Histogram:
    """Request durations by (method, route, status): cumulative buckets, a sum and a count, as Prometheus reads."""

    def __init__(self) -> None:
        self.counts: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0] * (len(BUCKETS) + 1))
        self.sums: dict[tuple[str, str, str], float] = defaultdict(float)

    def observe(self, key: tuple[str, str, str], seconds: float) -> None:
        slots = self.counts[key]
        for i, bound in enumerate(BUCKETS):
            if seconds <= bound:
                slots[i] += 1
        slots[-1] += 1
        self.sums[key] += seconds

    def lines(self, name: str) -> Iterable[str]:
        for (method, route, status), slots in sorted(self.counts.items()):
            labels = {"method": method, "route": route, "status": status}
            for bound, count in zip((*map(str, BUCKETS), "+Inf"), slots, strict=True):
                yield f"{name}_bucket{_labels(**labels, le=bound)} {count}"
            yield f"{name}_sum{_labels(**labels)} {self.sums[(method, route, status)]:.6f}"
            yield f"{name}_count{_labels(**labels)} {slots[-1]}"


class Registry:
    """What the process counted since it started."""

    def __init__(self) -> None:
        self.latency = Histogram()
        self.commands: dict[tuple[str, str, str], int] = defaultdict(int)

    def record_command(self, service: str, command: str, outcome: str) -> None:
        self.commands[(service, command, outcome)] += 1


def outcome_of(status: int, body: bytes) -> str:
    """``ok`` for a 2xx, else the error body's code (``conflict``, ``invalid_input``, ``unavailable`` …)."""
    if 200 <= status < 300:
        return "ok"
    try:
        code = json.loads(body).get("code")
    except (ValueError, AttributeError):
        code = None
    return str(code) if isinstance(code, str) and code.isidentifier() else f"http_{status}"


class Instrument:
    """Pure ASGI: times each request, counts API commands by outcome, and logs the request as JSON when asked."""

    def __init__(self, app: ASGIApp, registry: Registry, commands: dict[str, tuple[str, str]]):
        self.app, self.registry, self.commands = app, registry, commands

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status, body = 500, bytearray()

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            elif message["type"] == "http.response.body" and status >= 400 and len(body) < 4096:
                body.extend(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            self._record(scope, status, bytes(body), time.perf_counter() - started)

    def _record(self, scope: Scope, status: int, body: bytes, seconds: float) -> None:
        route = scope.get("route")
        template = str(getattr(route, "path", "")) or "unmatched"  # unknown paths share one series
        method = str(scope.get("method", ""))
        self.registry.latency.observe((method, template, str(status)), seconds)
        command = self.commands.get(str(getattr(route, "name", ""))) if method == "POST" else None
        if command is not None:
            self.registry.record_command(*command, outcome_of(status, body))
        if requests_log.isEnabledFor(logging.INFO):
            requests_log.info(json.dumps(
                {"method": method, "path": template, "status": status, "ms": round(seconds * 1000, 1),
                 "user": _username(scope)},
                ensure_ascii=False,
            ))  # fmt: skip


def _username(scope: Scope) -> str | None:
    if "app" not in scope:
        return None
    try:
        user = signed_in(Request(scope))
    except Exception:  # a request cut short (a 413 before routing) may lack what sign-in reads
        return None
    return user.username if user is not None else None


class JsonLines(logging.Formatter):
    """The request record as it is (already JSON), with the time it was written in UTC in front."""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        return json.dumps({"time": when, **json.loads(record.getMessage())}, ensure_ascii=False)


def log_requests_as_json(stream: Any = None) -> None:
    """One JSON line per request (``--log-json``) on stderr; uvicorn's own access log is off then."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonLines())
    requests_log.handlers[:] = [handler]
    requests_log.setLevel(logging.INFO)
    requests_log.propagate = False


class DeadLetterCounts:
    """Dead letters per component and consumer, read from each component database that this process can reach."""

    def __init__(self, settings: Settings, projections: Engine):
        self.settings, self.engines = settings, {"projections": projections}

    def engine(self, component: str) -> Engine | None:
        if component not in self.engines:
            url = self.settings.db_url(component)
            database = make_url(url).database
            if url.startswith("sqlite") and not (database and Path(database).exists()):
                return None  # not configured here, and no file of an embedded run: nothing to read
            self.engines[component] = make_engine(url)
        return self.engines[component]

    def counts(self) -> dict[tuple[str, str], int]:
        found: dict[tuple[str, str], int] = {}
        for component in COMPONENTS:
            try:
                engine = self.engine(component)
                if engine is None:
                    continue
                with engine.connect() as conn:
                    if not inspect(conn).has_table(dead_letters.name):
                        continue
                    query = select(dead_letters.c.consumer, func.count()).group_by(dead_letters.c.consumer)
                    for consumer, count in conn.execute(query):
                        found[(component, str(consumer))] = int(count)
            except Exception as exc:  # one unreachable database leaves the others' figures
                log.warning("metrics: dead letters of %s unreadable: %s", component, type(exc).__name__)
        return found


async def consumer_lags(web: Web) -> dict[str, int]:
    """Each durable consumer's undelivered and unacknowledged messages, as JetStream counts them."""
    nc = await web.bridge.staff_client()
    js = nc.jetstream(timeout=PROBE_TIMEOUT_S)
    lags: dict[str, int] = {}
    for name in CONSUMERS:
        try:
            info = await js.consumer_info(STREAM, name)
        except NotFoundError:
            continue  # not started yet, or a service with no reactions
        lags[name] = int(info.num_pending or 0) + int(info.num_ack_pending or 0)
    return lags


def family(name: str, kind: str, text: str) -> list[str]:
    return [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]


async def exposition(web: Web, registry: Registry, dead: DeadLetterCounts) -> str:
    lines = family("xinfang_commands_total", "counter", "staff commands sent over the API, by outcome")
    for (service, command, outcome), count in sorted(registry.commands.items()):
        lines.append(f"xinfang_commands_total{_labels(service=service, command=command, outcome=outcome)} {count}")
    lines += family("xinfang_http_request_duration_seconds", "histogram", "HTTP requests by route and status")
    lines += registry.latency.lines("xinfang_http_request_duration_seconds")
    try:
        last_seq = (await stream_state(web)).last_seq
        lags = await asyncio.wait_for(consumer_lags(web), PROBE_TIMEOUT_S * 2)
        nats_up = 1
    except Exception as exc:  # NATS unreachable: its figures are left out, and nats_up says why
        log.warning("metrics: NATS unreachable: %s", type(exc).__name__)
        last_seq, lags, nats_up = None, {}, 0
    lines += family("xinfang_nats_up", "gauge", "1 when NATS answered this scrape")
    lines.append(f"xinfang_nats_up {nats_up}")
    lines += family("xinfang_consumer_lag", "gauge", "messages a durable consumer has not yet applied")
    lines += [f"xinfang_consumer_lag{_labels(consumer=name)} {lag}" for name, lag in sorted(lags.items())]
    lines += family("xinfang_stream_last_seq", "gauge", "the case stream's last sequence")
    if last_seq is not None:
        lines.append(f"xinfang_stream_last_seq {last_seq}")
    lines += family("xinfang_projection_position", "gauge", "the stream sequence each projection has applied")
    try:
        found = await run_in_threadpool(projection_positions, web.engine)
    except Exception as exc:
        log.warning("metrics: projections database unreachable: %s", type(exc).__name__)
        found = {}
    lines += [f"xinfang_projection_position{_labels(projection=n)} {p}" for n, p in sorted(found.items())]
    lines += family("xinfang_dead_letters", "gauge", "messages set aside with their reason, by component and consumer")
    for (component, consumer), count in sorted((await run_in_threadpool(dead.counts)).items()):
        lines.append(f"xinfang_dead_letters{_labels(component=component, consumer=consumer)} {count}")
    return "\n".join(lines) + "\n"


def install(app: FastAPI) -> None:
    web: Web = app.state.web
    registry = app.state.metrics = Registry()
    dead = DeadLetterCounts(web.settings, web.engine)
    commands = {f"{a.service}.{a.name}": (a.service, a.name) for a in actions().values()}
    app.add_middleware(Instrument, registry=registry, commands=commands)

    @app.get("/metrics", tags=[TAG], summary="监控指标 (Prometheus)", response_class=PlainTextResponse)
    async def metrics() -> PlainTextResponse:
        """Prometheus text format: commands by outcome, request latency, consumer lag, positions, dead letters."""
        body = await exposition(web, registry, dead)
        return PlainTextResponse(body, media_type="text/plain; version=0.0.4; charset=utf-8")
