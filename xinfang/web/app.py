"""The web process: the HTTP API (``/api``, OpenAPI at ``/openapi.json``, docs at ``/docs``) and the console."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.runtime.settings import Settings
from xinfang.web import (
    api_actions,
    api_public,
    api_reads,
    api_session,
    console_pages,
    errors,
    guards,
    openapi,
    pages,
    public_pages,
)
from xinfang.web.admin_pages import install as install_admin_pages
from xinfang.web.api_reports import install as install_api_reports
from xinfang.web.bridge import Bridge
from xinfang.web.metrics import install as install_metrics
from xinfang.web.ops import install as install_ops
from xinfang.web.report_pages import install as install_report_pages
from xinfang.web.wiring import Web

DESCRIPTION = """信访工作平台 HTTP API: the CLI's commands, over NATS to the four services; the same views.

Sign in with `POST /api/session` (username and password) and send the token as `Authorization: Bearer …`. Each
change may carry an `Idempotency-Key` (请求标识): sent again, it answers the first outcome and applies nothing twice.
Errors answer `{"code", "message", "field"}`: 400 malformed, 401 not signed in, 403 not this role, 404 no such
case (or another unit's), 409 a rule refused it or someone did it first, 413 too large, 422 a field is invalid,
429 too many requests, 503 the services are unreachable (see `Retry-After`)."""


def create_app(settings: Settings, bridge: Bridge | None = None) -> FastAPI:
    web = Web.build(settings, bridge)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await web.bridge.close()

    app = FastAPI(title="xinfang 信访", version="1", description=DESCRIPTION, lifespan=lifespan)
    app.state.web = web
    app.state.sessions = web.sessions
    errors.install(app)
    guards.install(app, settings)
    api_session.install(app)
    api_actions.install(app)
    api_public.install(app)
    public_pages.install(app)
    api_reads.install(app)
    pages.install(app)
    console_pages.install(app)
    install_api_reports(app)  # C2: 督办与考核 API
    install_report_pages(app)  # C2: 督办与考核 pages
    install_admin_pages(app)  # C2: 账号管理
    openapi.install(app)
    install_ops(app)
    install_metrics(app)  # last: its middleware is the outermost, so it times and logs every answer
    return app
