"""网上信访 in a real Chromium on a phone-sized screen: a petitioner submits online, keeps the code and secret, tracks
the case by them while staff move it on, and rates it once closed. Screenshots of each page are test artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, async_playwright

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem, eventually, table_rows
from tests.support.web import Served, signed_in, staff_accounts
from tests.web.test_public_api import in_ledger, until_done
from xinfang.scenario import REPLY

CHROMIUM = Path("/usr/bin/chromium")
PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("XF_SCREENSHOTS") or Path(__file__).parents[1] / "artifacts" / "screenshots")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"),
    pytest.mark.timeout(180),
]


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"public-{name}.png"), full_page=True)


async def fits_the_phone(page: Page) -> None:
    """Nothing wider than the screen: no sideways scrolling to read or fill the page."""
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width}px wide on a {PHONE['width']}px screen"


async def track(page: Page, url: str, code: str, secret: str) -> None:
    await page.goto(f"{url}/public/track")
    await page.fill("#f-query_code", code)
    await page.fill("#f-secret", secret)
    await page.click("button[type=submit]")


async def rate_once_supervision_knows(page: Page) -> None:
    """Send the rating; supervision learns of the closure from the stream a moment after the ledger may, and says
    so beside the form (not_closed_yet), as it would to a petitioner who then sends it again."""
    for _ in range(50):
        await page.click("#rate button[type=submit]")
        if await page.locator(".notice:not(.bad)").count():
            assert "已提交" in await page.locator(".notice:not(.bad)").inner_text()
            return
        await page.check("input[name=rating][value=satisfied]")
        await page.wait_for_timeout(100)
    raise AssertionError(await page.locator("main").inner_text())


async def test_a_petitioner_submits_on_a_phone_tracks_and_rates(settings: Settings, system: InProcessSystem) -> None:
    staff_accounts(settings)
    with Served(settings) as served:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            phone = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="zh-CN")
            page = await phone.new_page()
            try:
                await petitioner_and_staff(page, served, settings)
            finally:
                await browser.close()


async def petitioner_and_staff(page: Page, served: Served, settings: Settings) -> None:
    url = served.url
    await page.goto(f"{url}/public")
    await shot(page, "home")
    await fits_the_phone(page)
    await page.click("text=我要信访")
    await page.wait_for_url(f"{url}/public/submit")

    await page.click("button[type=submit]")  # nothing filled in: each field says what is missing, beside it
    assert await page.locator("#e-name").inner_text() == "不能为空"
    assert await page.locator("#e-category").is_visible()
    await shot(page, "submit-invalid")
    await fits_the_phone(page)

    await page.fill("#f-name", "李秀兰")
    await page.fill("#f-phone", "13900000002")
    await page.fill("#f-address", "清河街道河畔社区5幢")
    await page.select_option("#f-category", "urban_construction")
    await page.select_option("#f-locality", "990101001")
    await page.fill("#f-request", "请求修复小区门前破损道路")
    await page.fill("#f-facts", "道路破损已半年，雨天积水，老人出行困难。")
    await page.click("button[type=submit]")
    await page.wait_for_selector("#query-secret")
    assert "查询密码只显示这一次" in await page.locator(".keep").inner_text()
    case_no = await page.locator("#case-no").inner_text()
    code = await page.locator("#query-code").inner_text()
    secret = await page.locator("#query-secret").inner_text()
    await shot(page, "receipt")
    await fits_the_phone(page)

    async def tracked() -> bool:
        rows = table_rows(settings.db_url("projections"), "select case_no from tracking_case")
        return any(r["case_no"] == case_no for r in rows) and in_ledger(settings, case_no)

    await eventually(tracked, what="the online petition in the tracking view and the ledger")
    await track(page, url, code, "wrong-secret")
    assert "未查到该信访件" in await page.locator(".notice.bad").inner_text()
    await track(page, url, code, secret)
    await page.wait_for_selector("ol.timeline")
    assert "网上信访" in await page.locator("ol.timeline").inner_text()
    assert await page.locator("#rate").count() == 0  # not closed yet: nothing to rate
    await shot(page, "timeline")
    await fits_the_phone(page)

    async with httpx.AsyncClient(base_url=url) as api:
        intake, unit = await signed_in(api, "intake"), await signed_in(api, "department")
        await until_done(lambda: api.post(f"/api/cases/{case_no}/intake/accept", json={}, headers=intake))
        await until_done(lambda: api.post(f"/api/cases/{case_no}/assignment/acknowledge", json={}, headers=unit))
        await until_done(lambda: api.post(f"/api/cases/{case_no}/mediation/reply", json=REPLY, headers=unit))
        report = {"report": "办结"}
        await until_done(lambda: api.post(f"/api/cases/{case_no}/mediation/close", json=report, headers=unit))

    async def closed() -> bool:
        return in_ledger(settings, case_no, "closed")

    await eventually(closed, what="the case closed in the ledger")
    await track(page, url, code, secret)
    await page.wait_for_selector("#rate")
    assert "已办结" in await page.locator("ol.timeline").inner_text()
    await page.click("#rate button[type=submit]")  # no rating chosen: said beside the choices
    assert await page.locator("#rate .error").inner_text() == "请选择"
    await page.check("input[name=rating][value=satisfied]")
    await page.fill("#f-comment", "处理及时，谢谢")
    await shot(page, "rate")
    await fits_the_phone(page)
    await rate_once_supervision_knows(page)

    async def rated() -> bool:
        return in_ledger(settings, case_no, "rated")

    await eventually(rated, what="the rating in the ledger")
    await track(page, url, code, secret)
    assert "已评价" in await page.locator("ol.timeline").inner_text()
    assert await page.locator("#rate").count() == 0 and await page.locator("#review").count() == 1
    await shot(page, "rated")
    await fits_the_phone(page)
