"""运行检查 (probes): ``/healthz`` says the process is up; ``/readyz`` that it can serve — NATS answers on the staff
line, the projections database answers, and the projections are within ``XF_READY_MAX_LAG`` events of the case
stream. Open to operators' probes without signing in, so they say which check failed and nothing more."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from nats.js.errors import NotFoundError
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Engine, inspect, select, text

from events import STREAM
from projections.registry import PROJECTIONS
from projections.store import positions
from xinfang.web.errors import RETRY_AFTER_S
from xinfang.web.wiring import Web

log = logging.getLogger(__name__)
PROBE_TIMEOUT_S = 2.0
TAG = "运行检查 ops"


class OpsSettings(BaseSettings):
    """What the probes and the request log are held to (``XF_`` environment variables)."""

    model_config = SettingsConfigDict(env_prefix="XF_", extra="ignore")

    ready_max_lag: int = Field(1000, ge=0, description="就绪: the projections may trail the case stream by this many")
    log_json: bool = Field(False, description="one JSON line per request on stderr (also `serve api --log-json`)")


class Check(BaseModel):
    """一项检查: whether it passed and, if not, why (in Chinese, without addresses or secrets)."""

    ok: bool = Field(title="是否通过", description="ok: the check passed")
    message: str = Field("", title="说明", description="message: why it failed")
    lag: int | None = Field(None, title="落后事件数", description="lag: events the slowest projection trails by")


class Readiness(BaseModel):
    """就绪状态: each check by name."""

    status: str = Field(title="状态", description="status: ready or not_ready")
    checks: dict[str, Check] = Field(title="各项检查", description="checks: nats, database, consumers")


class Health(BaseModel):
    """存活: the process answers."""

    status: str = Field("ok", title="状态", description="status: ok")


@dataclass(frozen=True)
class StreamState:
    last_seq: int


async def stream_state(web: Web) -> StreamState:
    """The case stream's last sequence over the staff line (0 before the first event), within the probe's bound."""

    async def ask() -> StreamState:
        nc = await web.bridge.staff_client()
        await nc.flush(timeout=int(PROBE_TIMEOUT_S))
        try:
            info = await nc.jetstream(timeout=PROBE_TIMEOUT_S).stream_info(STREAM)
        except NotFoundError:
            return StreamState(0)
        return StreamState(int(info.state.last_seq))

    return await asyncio.wait_for(ask(), PROBE_TIMEOUT_S * 2)


def projection_positions(engine: Engine) -> dict[str, int]:
    """Each projection's saved stream position (0 for one that has not saved yet, or before the table exists)."""
    names = {f"projection-{name}": 0 for name in PROJECTIONS}
    with engine.connect() as conn:
        conn.execute(text("select 1"))
        if not inspect(conn).has_table(positions.name):
            return names
        rows = conn.execute(select(positions.c.projection, positions.c.position))
        for name, position in rows:
            if name in names:
                names[name] = int(position)
    return names


async def readiness(web: Web, max_lag: int) -> Readiness:
    checks: dict[str, Check] = {}
    last_seq: int | None = None
    try:
        last_seq = (await stream_state(web)).last_seq
        checks["nats"] = Check(ok=True)
    except Exception as exc:  # refused, timed out, closed, denied: NATS did not answer
        log.warning("readyz: NATS unreachable: %s", type(exc).__name__)
        checks["nats"] = Check(ok=False, message="NATS 不可达")
    found: dict[str, int] | None = None
    try:
        found = await run_in_threadpool(projection_positions, web.engine)
        checks["database"] = Check(ok=True)
    except Exception as exc:
        log.warning("readyz: projections database unreachable: %s", type(exc).__name__)
        checks["database"] = Check(ok=False, message="台账数据库不可达")
    if last_seq is None or found is None:
        checks["consumers"] = Check(ok=False, message="无法比较消费进度 (NATS 或数据库不可达)")
    else:
        lag = max(0, last_seq - min(found.values()))
        ok = lag <= max_lag
        checks["consumers"] = Check(ok=ok, lag=lag, message="" if ok else f"台账落后 {lag} 条事件 (上限 {max_lag})")
    ready = all(check.ok for check in checks.values())
    return Readiness(status="ready" if ready else "not_ready", checks=checks)


NOT_READY: dict[int | str, dict[str, Any]] = {
    503: {"model": Readiness, "description": "未就绪: which check failed (see Retry-After)"}
}


def install(app: FastAPI) -> None:
    options = OpsSettings()

    @app.get("/healthz", tags=[TAG], summary="存活检查 (liveness)", response_model=Health)
    async def healthz() -> Health:
        """The process is up and answers; it checks nothing else."""
        return Health()

    @app.get("/readyz", tags=[TAG], summary="就绪检查 (readiness)", response_model=Readiness, responses=NOT_READY)
    async def readyz(request: Request) -> Any:
        """NATS reachable, the projections database reachable, projections caught up within XF_READY_MAX_LAG."""
        found = await readiness(Web.of(request), options.ready_max_lag)
        if found.status == "ready":
            return found
        return JSONResponse(found.model_dump(), 503, {"Retry-After": str(RETRY_AFTER_S)})
