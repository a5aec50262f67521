"""The web process in tests: the API on a real system (nats-server, SQLite/PostgreSQL), its staff accounts, signing in.

``staff_accounts`` writes one account per role; ``signed_in`` gives a client's headers for one of them. A test that
needs a browser serves the same app with uvicorn on a free port (``Served``).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import uvicorn
from fastapi import FastAPI

from services.runtime.settings import Settings
from xinfang.web.app import create_app
from xinfang.web.users import UserFile, new_user

PASSWORD = "correct horse 9"


@dataclass(frozen=True)
class Account:
    username: str
    name: str
    role: str
    unit: str = ""
    leader: str = ""


ACCOUNTS = {
    "intake": Account("dengji", "王敏", "intake"),
    "assignment": Account("jiaoban", "李强", "assignment"),
    "supervision": Account("duban", "赵磊", "supervision"),
    "department": Account("zhujian", "陈静", "department", unit="990100ZJJ"),  # 区住房和城乡建设局
    "other_department": Account("renshe", "刘洋", "department", unit="990100RSJ"),  # 区人力资源和社会保障局
    "leader": Account("zhouliqun", "周立群", "leader", leader="L01"),
    "auditor": Account("shenji", "孙丽", "auditor"),
    "admin": Account("guanli", "管理员", "admin"),
}


def staff_accounts(settings: Settings) -> dict[str, Account]:
    """One account per role (and a second unit's), written to the district's users file."""
    users = UserFile(settings.users_path)
    for account in ACCOUNTS.values():
        if users.get(account.username) is None:
            users.add(new_user(account.username, account.name, account.role, PASSWORD, account.unit, account.leader))
    return ACCOUNTS


async def signed_in(client: httpx.AsyncClient, who: str) -> dict[str, str]:
    """Authorization headers for ACCOUNTS[who]."""
    answer = await client.post("/api/session", json={"username": ACCOUNTS[who].username, "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def api_client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://xinfang.test") as client:
        yield client
    await app.state.web.bridge.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    """The app behind a real uvicorn on a free port, in a thread with its own event loop (for a browser)."""

    def __init__(self, settings: Settings, **app_options: Any):
        self.app = create_app(settings, **app_options)
        self.port = free_port()
        config = uvicorn.Config(self.app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=lambda: asyncio.run(self.server.serve()), daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> Served:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise RuntimeError("uvicorn did not start")

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(10)
