"""The console's pages over HTTP on a real system: sign-in and its cookie, CSRF, validation next to the field, a
unit's view of another unit's case, and the security headers every page carries."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem, eventually, ledger_rows
from tests.support.web import ACCOUNTS, PASSWORD, api_client, staff_accounts
from xinfang.web.app import create_app

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "petition.json").read_text(encoding="utf-8"))
PETITIONER = EXAMPLE["petitioners"][0]
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.fixture
async def console(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings)):
        yield client


async def sign_in(client: httpx.AsyncClient, who: str) -> str:
    """Sign in through the form; the CSRF token of the next page."""
    client.cookies.clear()
    answer = await client.post("/login", data={"username": ACCOUNTS[who].username, "password": PASSWORD})
    assert answer.status_code == 303, answer.text
    home = await client.get("/cases/new")
    found = CSRF.search(home.text)
    assert found, home.text
    return found.group(1)


def registration(csrf: str, **changes: str) -> dict[str, str]:
    form = {
        "csrf": csrf, "channel": "visit", "kind": "claim", "category": EXAMPLE["category"],
        "locality": EXAMPLE["locality"], "request": EXAMPLE["request"], "facts": EXAMPLE["facts"],
        "petitioners.0.name": PETITIONER["name"], "petitioners.0.phone": PETITIONER["phone"],
    }  # fmt: skip
    return {**form, **changes}


async def test_sign_in_sets_an_http_only_strict_cookie_and_goes_back(console: httpx.AsyncClient) -> None:
    asked = await console.get("/cases/new?channel=visit")
    assert asked.status_code == 303 and asked.headers["location"] == "/login?next=/cases/new%3Fchannel%3Dvisit"
    form = {"username": ACCOUNTS["intake"].username, "password": PASSWORD, "next": "/cases/new?channel=visit"}
    answer = await console.post("/login", data=form)
    assert answer.status_code == 303 and answer.headers["location"] == "/cases/new?channel=visit"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("xf_session=") and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Secure" not in cookie  # only behind HTTPS (XF_SECURE_COOKIES)
    elsewhere = await console.post("/login", data={**form, "next": "//evil.example/"})
    assert elsewhere.headers["location"] == "/"


async def test_a_wrong_password_is_told_on_the_form(console: httpx.AsyncClient) -> None:
    answer = await console.post("/login", data={"username": ACCOUNTS["intake"].username, "password": "nope"})
    assert answer.status_code == 401 and "用户名或密码错误" in answer.text and "set-cookie" not in answer.headers


async def test_a_post_without_the_csrf_token_is_refused(console: httpx.AsyncClient) -> None:
    csrf = await sign_in(console, "intake")
    answer = await console.post("/cases/new", data={k: v for k, v in registration(csrf).items() if k != "csrf"})
    assert answer.status_code == 403 and "CSRF" in answer.text
    wrong = await console.post("/logout", data={"csrf": "forged"})
    assert wrong.status_code == 403


async def test_a_missing_field_is_named_next_to_it_and_the_input_kept(console: httpx.AsyncClient) -> None:
    csrf = await sign_in(console, "intake")
    answer = await console.post("/cases/new", data=registration(csrf, request=""))
    assert answer.status_code == 422
    assert re.search(r'id="reg-request-error"[^>]*>必填<', answer.text), answer.text
    assert PETITIONER["name"] in answer.text  # what was typed is still there


async def test_security_headers_on_every_page(console: httpx.AsyncClient) -> None:
    for path in ("/login", "/cases/new"):
        answer = await console.get(path)
        assert answer.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"
