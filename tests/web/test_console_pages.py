"""The console's pages over HTTP on a real system: sign-in and its cookie, CSRF, validation next to the field, a
unit's view of another unit's case, and the security headers every page carries."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.datastructures import FormData

from services.runtime.organisation import organisation
from services.runtime.settings import Settings
from tests.support.system import Client, InProcessSystem, eventually, ledger_rows, table_rows
from tests.support.web import ACCOUNTS, PASSWORD, api_client, free_port, staff_accounts
from xinfang.web.app import create_app
from xinfang.web.bridge import Bridge
from xinfang.web.catalogue import actions
from xinfang.web.forms import fields_of, read_form, title_of

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
    home = await client.get("/")
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
    from_a_form = await console.post("/login", data={**form, "next": "/cases/XF1/act/intake/accept"})
    assert from_a_form.headers["location"] == "/cases/XF1"  # back to the case page, not a GET of the form's address


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
    for path in ("/login", "/", "/ledger"):
        answer = await console.get(path)
        assert answer.headers["x-frame-options"] == "DENY"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
        assert answer.headers["x-content-type-options"] == "nosniff"


async def registered_through_the_form(console: httpx.AsyncClient, settings: Settings) -> tuple[str, str]:
    csrf = await sign_in(console, "intake")
    answer = await console.post("/cases/new", data=registration(csrf, key="page-register-1"))
    assert answer.status_code == 200 and "仅此一次显示" in answer.text, answer.text
    case_no = re.search(r'id="case-no">([^<]+)<', answer.text).group(1)  # type: ignore[union-attr]
    again = await console.post("/cases/new", data=registration(csrf, key="page-register-1"))
    assert case_no in again.text  # a double submit registers once

    async def entered() -> bool:
        return [r["case_no"] for r in ledger_rows(settings)] == [case_no]

    await eventually(entered, what="the registered case in the ledger")
    page = await console.get(f"/cases/{case_no}")
    csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    accepted = await console.post(f"/cases/{case_no}/act/intake/accept", data={"csrf": csrf})
    assert accepted.status_code == 303, accepted.text
    assert "已提交：受理信访事项" in (await console.get(accepted.headers["location"])).text

    async def assigned() -> bool:
        return any(r["case_no"] == case_no and r["department"] for r in ledger_rows(settings))

    await eventually(assigned, what="the case assigned to its department")
    await eventually(lambda: unit_reads(settings, case_no), what="the unit's feed and inbox to have the case")
    return case_no, csrf


async def unit_reads(settings: Settings, case_no: str) -> bool:
    """The unit's own views (its feed, which lets it see the case; the case files its 待办 is read from) follow the
    stream apart from the ledger."""
    url = settings.db_url("projections")
    case_id = next(r["case_id"] for r in ledger_rows(settings) if r["case_no"] == case_no)
    fed = table_rows(url, f"select case_id from feed_member where case_id = '{case_id}' and department = '990100ZJJ'")
    filed = table_rows(url, f"select state from case_file where case_id = '{case_id}'")
    return bool(fed) and bool(filed) and '"lead":"990100ZJJ"' in str(filed[0]["state"]).replace(" ", "")


async def test_the_case_page_shows_its_clocks_timeline_and_actions(
    console: httpx.AsyncClient, settings: Settings
) -> None:
    case_no, _ = await registered_through_the_form(console, settings)
    page = await console.get(f"/cases/{case_no}")
    assert page.status_code == 200
    assert "受理信访事项" in page.text and "流转记录" in page.text and "信访事项已登记" in page.text
    assert "王敏" in page.text  # the 经办人 is the signed-in person
    await sign_in(console, "department")
    unit = await console.get(f"/cases/{case_no}")
    assert unit.status_code == 200 and "签收" in unit.text
    assert re.search(r'<details class="card act" id="act-assignment-acknowledge" open>', unit.text)


async def test_a_rule_refusal_is_shown_on_the_form(console: httpx.AsyncClient, settings: Settings) -> None:
    case_no, _ = await registered_through_the_form(console, settings)
    csrf = await sign_in(console, "department")
    first = await console.post(f"/cases/{case_no}/act/assignment/acknowledge", data={"csrf": csrf, "handler": "陈静"})
    assert first.status_code == 303
    again = await console.post(f"/cases/{case_no}/act/assignment/acknowledge", data={"csrf": csrf})
    assert again.status_code == 409 and "已" in again.text
    wrong = await console.post(f"/cases/{case_no}/act/mediation/approve_extension", data={"csrf": csrf, "days": "x"})
    assert wrong.status_code == 422
    assert re.search(r'id="mediation-approve_extension-days-error"[^>]*>须为整数<', wrong.text), wrong.text


async def test_another_units_case_page_is_not_found(console: httpx.AsyncClient, settings: Settings) -> None:
    case_no, _ = await registered_through_the_form(console, settings)
    csrf = await sign_in(console, "other_department")
    page = await console.get(f"/cases/{case_no}")
    assert page.status_code == 404 and case_no not in page.text.replace(f"/cases/{case_no}", "")
    acted = await console.post(f"/cases/{case_no}/act/assignment/acknowledge", data={"csrf": csrf})
    assert acted.status_code == 404
    inbox = await console.get("/inbox")
    assert inbox.status_code == 200 and case_no not in inbox.text
    ledger = await console.get("/ledger")
    assert ledger.status_code == 200 and case_no not in ledger.text


async def test_the_ledger_filters_searches_and_exports_what_is_filtered(
    console: httpx.AsyncClient, settings: Settings
) -> None:
    case_no, _ = await registered_through_the_form(console, settings)
    await sign_in(console, "supervision")
    found = await console.get(
        "/ledger", params={"q": case_no[-6:], "status": "assigned", "category": "urban_construction"}
    )
    assert found.status_code == 200 and f">{case_no}</a>" in found.text and "共 1 件" in found.text
    none = await console.get("/ledger", params={"status": "closed"})
    assert "共 0 件" in none.text and "没有符合条件的案件" in none.text
    bad = await console.get("/ledger", params={"received_from": "2026-13-01"})
    assert bad.status_code == 422 and "来信来访日期起：须为日期 YYYY-MM-DD" in bad.text
    link = re.search(r'href="(/api/cases/export\?[^"]*format=csv[^"]*)"', found.text).group(1)  # type: ignore[union-attr]
    exported = await console.get(link.replace("&amp;", "&"))  # the console's cookie is enough for a GET
    assert exported.status_code == 200 and case_no in exported.text
    ascending = await console.get("/ledger", params={"sort": "case_no"})
    assert "信访件编号 ▲" in ascending.text


async def test_each_role_has_its_home_and_the_unit_its_inbox(console: httpx.AsyncClient, settings: Settings) -> None:
    case_no, _ = await registered_through_the_form(console, settings)
    await sign_in(console, "department")
    home = await console.get("/")
    assert "今日待办" in home.text and case_no in home.text
    inbox = await console.get("/inbox")
    assert inbox.status_code == 200 and case_no in inbox.text and "签收" in inbox.text
    await sign_in(console, "intake")
    assert "已登记待受理（0）" in (await console.get("/")).text
    assert (await console.get("/inbox")).status_code == 403
    await sign_in(console, "admin")
    assert 'href="/users"' in (await console.get("/")).text
    assert (await console.get("/ledger")).status_code == 403


async def test_sign_out_ends_the_console_session(console: httpx.AsyncClient) -> None:
    csrf = await sign_in(console, "intake")
    out = await console.post("/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert 'xf_session=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    assert (await console.get("/cases/new")).status_code == 303


async def test_a_case_not_yet_in_the_ledger_says_so(console: httpx.AsyncClient) -> None:
    await sign_in(console, "intake")
    page = await console.get("/cases/00000000-0000-4000-8000-000000000000")
    assert page.status_code == 404 and "正在入账" in page.text and "刷新" in page.text


async def test_the_services_unreachable_is_told_on_the_form_with_the_input_kept(
    settings: Settings, system: InProcessSystem
) -> None:
    staff_accounts(settings)  # the views are there; only the API's line to the services leads nowhere
    nowhere = settings.model_copy(update={"nats_url": [f"nats://127.0.0.1:{free_port()}"], "api_deadline_s": 1.0})
    async for console in api_client(create_app(settings, bridge=Bridge(nowhere))):
        csrf = await sign_in(console, "intake")
        answer = await console.post("/cases/new", data=registration(csrf))
        assert answer.status_code == 503 and "不可用" in answer.text and PETITIONER["name"] in answer.text
        async with Client(settings) as client:
            case_id = (await client.cmd("intake", "register", **EXAMPLE))["case_id"]
        await eventually(lambda c=case_id: _in_ledger(settings, c), what="the case in the ledger")
        page = await console.get(f"/cases/{case_id}")  # the ledger's part is shown, the stream's said to be unread
        assert page.status_code == 200 and "流转记录暂时无法读取" in page.text and "期限" in page.text


async def _in_ledger(settings: Settings, case_id: str) -> bool:
    return any(r["case_id"] == case_id for r in ledger_rows(settings))


def test_every_action_has_a_chinese_form_with_a_field_per_body_field() -> None:
    org = organisation()
    for action in actions().values():
        fields = fields_of(action, org)
        assert sorted(f.name for f in fields) == sorted(action.body.model_fields), action.name
        assert re.search(r"[\u4e00-\u9fff]", title_of(action)) and not re.search(r"[A-Za-z]{3,}", title_of(action))
        for f in fields:
            assert re.search(r"[\u4e00-\u9fff]", f.label), (action.name, f.name, f.label)
            if f.kind in ("select", "multi"):
                assert f.choices and all(re.search(r"[\u4e00-\u9fff]", text) for _, text in f.choices), f.name


def test_a_form_becomes_the_body_lists_by_line_records_by_bar() -> None:
    register = actions()[("intake", "register")]
    data = FormData(
        [("channel", "visit"), ("category", "urban_construction"), ("locality", "990101001"), ("request", "修复渗漏"),
         ("petitioners.0.name", "张建国"), ("petitioners.__more", "李梅 | 13900000002\n\n王五"), ("collective", "true")]
    )  # fmt: skip
    filled = read_form(register, data)
    assert not filled.errors and filled.body["collective"] is True and filled.body["repeat"] is False
    assert [p["name"] for p in filled.body["petitioners"]] == ["张建国", "李梅", "王五"]
    assert filled.body["petitioners"][1]["phone"] == "13900000002"
    items = FormData([("items", "身份证复印件\n\n房产证明 ")])
    materials = read_form(actions()[("intake", "request_materials")], items)
    assert materials.body["items"] == ["身份证复印件", "房产证明"]
    order = read_form(actions()[("supervision", "issue_order")], FormData([("reason", "逾期"), ("grounds", "delay")]))
    assert order.body["grounds"] == ["delay"] and not order.errors
    wrong = read_form(actions()[("mediation", "reply")], FormData([("opinion", "maybe"), ("text", "")]))
    assert wrong.errors["opinion"] == "不在可选值中" and wrong.errors["text"] == "必填"
