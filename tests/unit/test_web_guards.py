"""What every HTTP response carries and every request is held to, without a running system."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.runtime.settings import Settings
from xinfang.web.app import create_app


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(data_dir=tmp_path, max_request_bytes=2048))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://xinfang.test") as c:
        yield c


async def test_security_headers_on_every_answer(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/me")
    assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated"
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]


async def test_an_oversized_body_is_refused_413_unread(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/session", content=b"x" * 5000, headers={"content-type": "application/json"})
    assert answer.status_code == 413 and answer.json()["code"] == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(10):
            yield b"x" * 1000  # no Content-Length: counted as it arrives

    streamed = await client.post("/api/session", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


async def test_unknown_routes_and_methods_answer_an_error_body(client: httpx.AsyncClient) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json() == {
        "code": "not_found",
        "message": "没有这个地址",
        "field": None,
    }
    wrong = await client.get("/api/session")
    assert wrong.status_code == 405 and wrong.json()["code"] == "method_not_allowed"


async def test_a_wrong_password_and_an_unknown_user_answer_alike(client: httpx.AsyncClient, tmp_path: Path) -> None:
    from xinfang.web.users import UserFile, new_user

    UserFile(tmp_path / "users.json").add(new_user("dengji", "王敏", "intake", "correct horse 9"))
    wrong = await client.post("/api/session", json={"username": "dengji", "password": "nope nope"})
    unknown = await client.post("/api/session", json={"username": "nobody", "password": "nope nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    right = await client.post("/api/session", json={"username": "dengji", "password": "correct horse 9"})
    assert right.status_code == 200
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {right.json()['token']}"})
    assert me.json()["name"] == "王敏" and me.json()["role_label"] == "登记受理"


async def test_a_page_with_a_malformed_parameter_answers_a_page(client: httpx.AsyncClient, tmp_path: Path) -> None:
    from xinfang.web.users import UserFile, new_user

    UserFile(tmp_path / "users.json").add(new_user("duban", "赵磊", "supervision", "correct horse 9"))
    signed = await client.post("/login", data={"username": "duban", "password": "correct horse 9"})
    assert signed.status_code in (200, 303)
    answer = await client.get("/annual?year=abc", headers={"accept": "text/html"})
    assert answer.status_code == 400 and "text/html" in answer.headers["content-type"]
    assert "请求有误" in answer.text and "year" in answer.text


async def test_the_read_side_not_made_yet_answers_503_with_retry_after(
    client: httpx.AsyncClient, tmp_path: Path
) -> None:
    from xinfang.web.users import UserFile, new_user

    UserFile(tmp_path / "users.json").add(new_user("duban", "赵磊", "supervision", "correct horse 9"))
    token = (await client.post("/api/session", json={"username": "duban", "password": "correct horse 9"})).json()
    answer = await client.get("/api/cases", headers={"Authorization": f"Bearer {token['token']}"})
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert answer.json()["code"] == "unavailable"
