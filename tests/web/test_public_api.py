"""网上信访 over HTTP on a real system: a petitioner submits, tracks, supplements, rates and asks for review with only a
查询码 and 查询密码; wrong secrets, lock-outs and floods answer 404 / 429; no staff route answers without a sign-in."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem, eventually, ledger_rows, table_rows
from tests.support.web import api_client, signed_in, staff_accounts
from xinfang.scenario import REPLY
from xinfang.tracking import NOT_FOUND
from xinfang.web.app import create_app
from xinfang.web.throttle import SlidingWindow

PETITION = {
    "name": "张建国",
    "phone": "13800000001",
    "id_number": "110101197001010011",
    "address": "清河街道清源社区3幢",
    "kind": "claim",
    "category": "urban_construction",
    "locality": "990101001",
    "request": "请求督促开发商修复小区地下车库渗漏",
    "facts": "2026年汛期以来地下车库多处渗水，多次向物业反映未果。",
}
NOT_YET = ("not_found", "not_ready", "not_closed_yet", "no_reply_yet")


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings)):
        yield client


async def submitted(api: httpx.AsyncClient, settings: Settings) -> dict[str, Any]:
    """A petition sent online, once the tracking view and the ledger hold it."""
    answer = await api.post("/api/public/petitions", json=PETITION)
    assert answer.status_code == 200, answer.text
    receipt = answer.json()
    url = settings.db_url("projections")

    async def known() -> bool:
        try:
            rows = table_rows(url, "select case_no from tracking_case")
        except Exception:
            return False
        return any(r["case_no"] == receipt["case_no"] for r in rows) and in_ledger(settings, receipt["case_no"])

    await eventually(known, what="the online petition in the tracking view and the ledger")
    return receipt


def in_ledger(settings: Settings, case_no: str, status: str | None = None) -> bool:
    return any(r["case_no"] == case_no and status in (None, r["status"]) for r in ledger_rows(settings))


async def until_done(send: Callable[[], Awaitable[httpx.Response]]) -> httpx.Response:
    """A staff step whose case may not have reached its service yet (the stream carries it there)."""
    answer = await send()

    async def done() -> bool:
        nonlocal answer
        if answer.status_code in (404, 409) and answer.json().get("reason", answer.json()["code"]) in NOT_YET:
            answer = await send()
            return False
        return True

    await eventually(done, what="the staff step to reach its service")
    assert answer.status_code == 200, answer.text
    return answer


def credentials(receipt: dict[str, Any]) -> dict[str, str]:
    return {"query_code": receipt["query_code"], "secret": receipt["secret"]}


async def test_an_online_petition_is_tracked_supplemented_moved_on_rated_and_reviewed(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    receipt = await submitted(api, settings)
    assert receipt["case_no"] and receipt["query_code"] and receipt["secret"] and "妥善保存" in receipt["notice"]
    mine = credentials(receipt)
    tracked = await api.post("/api/public/track", json=mine)
    assert tracked.status_code == 200, tracked.text
    first = tracked.json()["milestones"][0]
    assert first["milestone"] == "已收到" and "网上信访" in first["detail"]
    assert set(tracked.json()) == {"case_no", "milestones", "next_steps"}

    intake, unit = await signed_in(api, "intake"), await signed_in(api, "department")
    case = receipt["case_no"]
    materials = {"items": ["房屋产权证明"]}
    asked = await api.post(f"/api/cases/{case}/intake/request_materials", json=materials, headers=intake)
    assert asked.status_code == 200, asked.text

    async def supplement_offered() -> bool:
        answer = await api.post("/api/public/track", json=mine)
        return answer.json()["next_steps"] == ["supplement"]

    await eventually(supplement_offered, what="the supplement offered to the petitioner")
    supplied = await api.post("/api/public/supplement", json={**mine, "items": ["房屋产权证明复印件"]})
    assert supplied.status_code == 200, supplied.text

    await until_done(lambda: api.post(f"/api/cases/{case}/intake/accept", json={}, headers=intake))
    await until_done(lambda: api.post(f"/api/cases/{case}/assignment/acknowledge", json={}, headers=unit))
    await until_done(lambda: api.post(f"/api/cases/{case}/mediation/reply", json=REPLY, headers=unit))
    await until_done(lambda: api.post(f"/api/cases/{case}/mediation/close", json={"report": "办结"}, headers=unit))

    async def rate_offered() -> bool:
        return "rate" in (await api.post("/api/public/track", json=mine)).json()["next_steps"]

    await eventually(rate_offered, what="the rating offered once the case is closed")
    rated = await until_done(lambda: api.post("/api/public/rate", json={**mine, "rating": "satisfied"}))
    assert rated.json()["case_no"] == case

    async def rating_shown() -> bool:
        milestones = (await api.post("/api/public/track", json=mine)).json()["milestones"]
        return any(m["milestone"] == "已评价" for m in milestones)

    await eventually(rating_shown, what="the rating on the public timeline")
    shown = (await api.post("/api/public/track", json=mine)).text
    assert "陈静" not in shown and "王敏" not in shown and "已修复" not in shown  # no staff, no reply text

    review = {**mine, "stage": "review", "reasons": "对处理意见不服"}
    assert (await api.post("/api/public/review", json=review)).status_code == 200
    again = await api.post("/api/public/review", json=review)
    assert again.status_code == 409 and "每案一次" in again.json()["message"], again.text
    early = await api.post("/api/public/review", json={**review, "stage": "re_review"})
    assert early.status_code == 409 and "复查意见" in early.json()["message"], early.text

    rows = table_rows(settings.db_url("projections"), "select * from ledger")
    assert [r["channel"] for r in rows if r["case_no"] == case] == ["online"]


async def test_a_repeated_key_answers_its_own_address_only(settings: Settings, system: InProcessSystem) -> None:
    app = create_app(settings)
    here, there = (
        httpx.ASGITransport(app=app, client=("10.0.0.2", 1)),
        httpx.ASGITransport(app=app, client=("10.0.0.3", 1)),
    )
    headers = {"Idempotency-Key": "my-petition-1"}
    async with (
        httpx.AsyncClient(transport=here, base_url="http://x") as a,
        httpx.AsyncClient(transport=there, base_url="http://x") as b,
    ):
        first = await a.post("/api/public/petitions", json=PETITION, headers=headers)
        again = await a.post("/api/public/petitions", json=PETITION, headers=headers)
        other = await b.post("/api/public/petitions", json=PETITION, headers=headers)
    await app.state.web.bridge.close()
    assert first.status_code == again.status_code == other.status_code == 200, other.text
    assert first.json() == again.json()  # a lost answer asked again: the same case, nothing registered twice
    assert other.json()["case_no"] != first.json()["case_no"] and other.json()["secret"] != first.json()["secret"]


async def test_a_wrong_secret_answers_as_an_unknown_code(api: httpx.AsyncClient, settings: Settings) -> None:
    receipt = await submitted(api, settings)
    wrong = await api.post("/api/public/track", json={"query_code": receipt["query_code"], "secret": "000000"})
    unknown = await api.post("/api/public/track", json={"query_code": "ZZZZZZZZ", "secret": "000000"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json() == {"code": "not_found", "message": NOT_FOUND, "field": None}
    guess = {"query_code": receipt["query_code"], "secret": "1", "rating": "satisfied"}
    assert (await api.post("/api/public/rate", json=guess)).status_code == 404


async def test_a_code_locks_after_repeated_wrong_secrets(api: httpx.AsyncClient, settings: Settings) -> None:
    receipt = await submitted(api, settings)
    for _ in range(settings.track_max_failures):
        guess = await api.post("/api/public/track", json={"query_code": receipt["query_code"], "secret": "x"})
        assert guess.status_code == 404
    locked = await api.post("/api/public/track", json=credentials(receipt))  # the right secret, too late
    assert locked.status_code == 429 and locked.json()["code"] == "too_many_attempts"
    assert "分钟后再试" in locked.json()["message"] and locked.headers["Retry-After"]


async def test_too_many_requests_from_one_address_answer_429(settings: Settings) -> None:
    tight = settings.model_copy(update={"public_rate_per_minute": 3})
    async for api in api_client(create_app(tight)):
        for _ in range(3):
            page = await api.get("/public")
            assert page.status_code == 200
        over = await api.post("/api/public/track", json={"query_code": "ZZZZZZZZ", "secret": "0"})
        assert over.status_code == 429 and over.json()["code"] == "rate_limited", over.text
        assert 1 <= int(over.headers["Retry-After"]) <= 60
        assert (await api.get("/public/track")).status_code == 429  # the pages share the address's window


async def test_a_public_form_without_its_token_is_refused(settings: Settings) -> None:
    async for api in api_client(create_app(settings)):
        form = await api.get("/public/track")
        cookie = form.cookies["xf_public"]
        assert "HttpOnly" in form.headers["set-cookie"] and "SameSite=strict" in form.headers["set-cookie"]
        token = re.search(r'name="csrf" value="([0-9a-f]+)"', form.text)
        assert token is not None
        fields = {"query_code": "ZZZZZZZZ", "secret": "0"}
        api.cookies.clear()
        foreign = await api.post("/public/track", data={**fields, "csrf": token.group(1)})  # no cookie: another site
        assert foreign.status_code == 403 and "页面已过期" in foreign.text
        api.cookies.set("xf_public", "A" * 32, path="/public")  # a planted cookie does not match the token
        planted = await api.post("/public/track", data={**fields, "csrf": token.group(1)})
        assert planted.status_code == 403
        api.cookies.set("xf_public", cookie, path="/public")
        ours = await api.post("/public/track", data={**fields, "csrf": token.group(1)})
        assert ours.status_code == 404 and "未查到该信访件" in ours.text


def csrf_of(html: str) -> str:
    token = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert token is not None
    return token.group(1)


async def test_the_pages_submit_supplement_and_show_a_refusal_beside_its_form(
    api: httpx.AsyncClient, settings: Settings
) -> None:
    form = await api.get("/public/submit")
    command = re.search(r'name="command_id" value="([^"]+)"', form.text)
    assert command is not None
    posted = {**PETITION, "csrf": csrf_of(form.text), "command_id": command.group(1)}
    receipt = await api.post("/public/submit", data=posted)
    assert receipt.status_code == 200 and "查询密码只显示这一次" in receipt.text
    assert receipt.headers["cache-control"] == "no-store"
    found = {k: re.search(rf'id="{k}"[^>]*>([^<]+)<', receipt.text) for k in ("case-no", "query-code", "query-secret")}
    case_no, code, secret = (m.group(1) if m else "" for m in found.values())
    twice = await api.post("/public/submit", data=posted)  # sent again (a lost answer): the same case
    assert case_no and case_no in twice.text

    async def known() -> bool:
        return in_ledger(settings, case_no)

    await eventually(known, what="the case in the ledger")
    intake = await signed_in(api, "intake")
    materials = {"items": ["房屋产权证明"]}
    assert (await api.post(f"/api/cases/{case_no}/intake/request_materials", json=materials, headers=intake)).is_success
    mine = {"query_code": code, "secret": secret, "csrf": csrf_of(form.text)}

    async def offered() -> bool:
        return 'id="supplement"' in (await api.post("/public/track", data=mine)).text

    await eventually(offered, what="the supplement form on the case page")
    empty = await api.post("/public/supplement", data={**mine, "items": "  "})
    assert empty.status_code == 422 and 'id="e-items"' in empty.text
    supplied = await api.post("/public/supplement", data={**mine, "items": "房屋产权证明复印件\n租赁合同"})
    assert supplied.status_code == 200 and "已提交" in supplied.text
    early = await api.post("/public/review", data={**mine, "stage": "review", "reasons": "不服"})
    assert early.status_code == 409 and 'id="review"' in early.text and "尚未出具处理意见书" in early.text


def test_the_window_slides_and_says_how_long_to_wait() -> None:
    now = [100.0]
    window = SlidingWindow(2, 60, clock=lambda: now[0])
    assert window.hit("a") is None
    now[0] = 130.0
    assert window.hit("a") is None
    assert window.hit("a") == 30  # the first request leaves the window at 160
    assert window.hit("b") is None  # another address has its own window
    now[0] = 160.0
    assert window.hit("a") is None
    assert window.hit("a") == 30


async def test_no_staff_route_answers_without_a_sign_in(api: httpx.AsyncClient) -> None:
    paths = api._transport.app.openapi()["paths"]  # type: ignore[attr-defined]
    staff = {
        (method.upper(), path)
        for path, operations in paths.items()
        for method in operations
        if path.startswith("/api/") and not path.startswith(("/api/public/", "/api/session"))
    }
    assert len(staff) > 50
    for method, path in sorted(staff):
        url = path.replace("{case}", "XF000").replace("{case_id}", "XF000")
        url = url.replace("{", "").replace("}", "")
        answer = await api.request(method, url, json={} if method == "POST" else None)
        assert answer.status_code == 401, (method, path, answer.text)
