"""`xinfang serve api`: the HTTP API and the console under uvicorn, on ``XF_API_HOST``:``XF_API_PORT``."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import uvicorn

from services.runtime.settings import Settings
from xinfang.web.app import create_app
from xinfang.web.metrics import log_requests_as_json
from xinfang.web.ops import OpsSettings


def shown_host(host: str) -> str:
    """Where a person on this machine opens it: an address that listens on every interface is reached locally."""
    return "127.0.0.1" if host in ("0.0.0.0", "::", "") else host


def address(host: str, port: int) -> str:
    host = shown_host(host)
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class AnnouncedServer(uvicorn.Server):
    """Says ``[xinfang] api (网页工作台) ready <address>`` once it listens, as the components say they are ready."""

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started:
            return  # the port was taken: uvicorn said why and exits
        port = self.config.port
        for server in getattr(self, "servers", []):
            for bound in server.sockets:
                port = int(bound.getsockname()[1])  # the port picked when XF_API_PORT=0
        # "api (网页工作台) ready": up's supervisor sees it ready; a count of "<component> ready" lines stays five
        print(f"[xinfang] api (网页工作台) ready {address(self.config.host, port)}", flush=True)

    async def main_loop(self) -> None:
        """uvicorn's loop wakes ten times a second to refresh its Date header (once a second) and look for a stop;
        an idle console should cost nothing, so it wakes once a second, a tick that refreshes the header each time."""
        ticks = 0
        while not await self.on_tick(ticks * 10):
            ticks = (ticks + 1) % 86400
            await asyncio.sleep(1.0)


def config(settings: Settings, app: Any | None = None) -> uvicorn.Config:
    return uvicorn.Config(
        app or create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_level="warning",
        access_log=False,  # the request log is ours (--log-json), one line per request
        server_header=False,
        lifespan="on",
        timeout_graceful_shutdown=5,
    )


def serve_api(settings: Settings, log_json: bool = False) -> None:
    """Run until SIGINT or SIGTERM (uvicorn stops gracefully on either)."""
    if log_json or OpsSettings().log_json:
        log_requests_as_json()
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)
    asyncio.run(AnnouncedServer(config(settings)).serve())
