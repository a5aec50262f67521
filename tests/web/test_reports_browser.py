"""督办 and 考核 in a real Chromium: a supervisor signs in, finds the overdue case on 督办看板 and the unit's figures
on 考核 (its charts drawn), opens 领导包案, 关注 and the annual report; the administrator adds an account, told what
is missing beside the field. Screenshots of each page are test artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, async_playwright

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem
from tests.support.web import ACCOUNTS, PASSWORD, Served, staff_accounts
from tests.web.test_reports import UNIT, UNIT_NAME, seeded

CHROMIUM = Path("/usr/bin/chromium")
DESK = {"width": 1366, "height": 900}
SHOTS = Path(os.environ.get("XF_SCREENSHOTS") or Path(__file__).parents[1] / "artifacts" / "screenshots")

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium (/usr/bin/chromium) is not installed"),
    pytest.mark.timeout(180),
]


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"reports-{name}.png"), full_page=True)


async def sign_in(browser: Browser, url: str, who: str, then: str) -> Page:
    page = await (await browser.new_context(viewport=DESK, locale="zh-CN")).new_page()
    await page.goto(f"{url}{then}")  # not signed in: the sign-in page, then back here
    await page.fill("#username", ACCOUNTS[who].username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{url}{then}")
    return page


async def test_a_supervisor_sees_the_overdue_case_and_the_units_figures(
    settings: Settings, system: InProcessSystem
) -> None:
    staff_accounts(settings)
    with Served(settings) as served:
        async with httpx.AsyncClient(base_url=served.url, timeout=30) as api:
            _, overdue_no = await seeded(api)
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            try:
                page = await sign_in(browser, served.url, "supervision", "/board")
                await supervisor(page, served.url, overdue_no)
                await administrator(await sign_in(browser, served.url, "admin", "/users"))
            finally:
                await browser.close()


async def supervisor(page: Page, url: str, overdue_no: str) -> None:
    late = page.locator("#overdue tbody tr", has_text=overdue_no)
    assert await late.count() == 1 and "受理告知期限" in await late.inner_text()
    assert "1 项" in await page.locator("#overdue h2").inner_text()
    await shot(page, "board")

    await page.click("header nav >> text=考核")
    await page.select_option("#figure", "repeat_rate")
    await page.click("form.filters button[type=submit]")
    await page.wait_for_url("**/assessment?*figure=repeat_rate*")
    chart = page.locator("#by-unit svg.chart")
    assert await chart.count() == 1
    bar = chart.locator("g.row", has_text=UNIT_NAME)
    drawn = await bar.text_content() or ""
    assert "100.0% （1/1件）" in drawn and "样本不足" in drawn
    assert await bar.locator("rect.bar.thin").get_attribute("width") == "300.0"  # the whole width: 100%
    unit_row = page.locator("#by-unit tbody tr", has_text=UNIT_NAME)
    assert "样本不足" in await unit_row.inner_text()
    assert await page.locator("#by-month svg.chart g.row").count() == 6
    await shot(page, "assessment")

    for path, name, heading in (("/leaders", "leaders", "领导包案"), ("/watch", "watch", "关注（信访排查）"),
                                ("/trends", "trends", "趋势"), ("/annual", "annual", "年度信访工作报告")):  # fmt: skip
        await page.goto(f"{url}{path}")
        assert heading in await page.locator("h1").inner_text()
        await shot(page, name)
    assert await page.locator("main section.card").count() == 8  # five tables of (一), then (二) (三) (四)
    await page.emulate_media(media="print")
    assert not await page.locator("header.top").is_visible()  # printable: no menus on paper
    await page.emulate_media(media="screen")


async def administrator(page: Page) -> None:
    await page.fill("#f-username", "wanggang")
    await page.fill("#f-name", "王刚")
    await page.select_option("#f-role", "department")
    await page.fill("#f-password", "long enough 1")
    await page.click("form[action='/users'] button[type=submit]")
    assert "须指定单位" in await page.locator("#e-unit").inner_text()
    await page.select_option("#f-unit", UNIT)
    await page.fill("#f-password", "long enough 1")
    await page.click("form[action='/users'] button[type=submit]")
    await page.wait_for_url("**/users?done=added*")
    assert "已添加账号 wanggang" in await page.locator(".notice").inner_text()
    assert await page.locator("#accounts tbody tr", has_text="wanggang").count() == 1
    await shot(page, "users")
