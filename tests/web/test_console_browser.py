"""The console in a real browser (Chromium at /usr/bin/chromium, headless) on a real system: a bureau user
registers a visit through the form and accepts it; the department finds it in its 待办, acknowledges, replies with
a 信访处理意见书 and closes it; another unit's user gets 404 on its page; the petitioner tracks and rates it; the
supervisor sees it on the board and in 考核. Each page is saved as a screenshot (test artifacts)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from services.runtime.settings import Settings
from tests.support.system import Client, InProcessSystem, eventually, ledger_rows
from tests.support.web import ACCOUNTS, PASSWORD, Served, staff_accounts
from xinfang.scenario import numbered

CHROMIUM = "/usr/bin/chromium"
ROOT = Path(__file__).parents[2]
SHOTS = Path(os.environ.get("XF_SCREENSHOTS") or ROOT / "tests" / "artifacts" / "screenshots")
README_SHOTS = {name: ROOT / "docs" / "screenshots" / f"{name}.png" for name in ("ledger", "case")}

EXAMPLE = json.loads((ROOT / "examples" / "petition.json").read_text(encoding="utf-8"))
BESIDE = (("labour_social_security", "letter"), ("education", "online"), ("urban_management", "hotline_12345"))

pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        expect.set_options(timeout=15_000)  # two cores shared with other runs: a page may take a while
        yield launched
        await launched.close()


async def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=SHOTS / f"{name}.png", full_page=True)
    if name in README_SHOTS and os.environ.get("XF_README_SHOTS"):  # refreshed on purpose only
        README_SHOTS[name].parent.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=README_SHOTS[name], full_page=True)


async def sign_in(page: Page, base: str, who: str) -> None:
    await page.context.clear_cookies()
    await page.goto(f"{base}/login")
    await page.fill("#username", ACCOUNTS[who].username)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit]")
    await expect(page.locator("header.top .who")).to_contain_text(ACCOUNTS[who].name)


async def act(page: Page, service: str, command: str, **fields: str) -> None:
    """Open an action's form on the case page, fill it and submit; the page comes back with its notice."""
    form = page.locator(f"#act-{service}-{command}")
    if await form.get_attribute("open") is None:
        await form.locator("summary").click()
    for name, value in fields.items():
        field = form.locator(f"[name='{name}']")
        if await field.evaluate("e => e.tagName") == "SELECT":
            await field.select_option(value)
        else:
            await field.fill(value)
    await form.locator("button[type=submit]").click()
    await expect(page.locator("p.notice[role=status]")).to_contain_text("已提交", timeout=15_000)


async def reload_until(page: Page, text: str, where: str = "main") -> None:
    """The ledger is eventually consistent: reload until the page shows what the last action did."""
    for _ in range(50):
        if text in await page.locator(where).inner_text():
            return
        await page.wait_for_timeout(200)
        await page.reload()
    raise AssertionError(f"the page never showed {text!r}")


async def _entered(settings: Settings, count: int) -> bool:
    return len(ledger_rows(settings)) == count


async def other_cases(settings: Settings) -> None:
    """A few other cases in the ledger, at other stages, so the ledger reads like a district's."""
    async with Client(settings) as client:
        await client.lifecycle(1)
        for index, (category, channel) in enumerate(BESIDE, start=2):
            petition = {**numbered(EXAMPLE, index), "category": category, "channel": channel, "repeat": False}
            registered = await client.cmd("intake", "register", **petition)
            if index != 3:
                await client.ready("intake", "accept", registered["case_id"])


async def test_a_visit_from_registration_to_closing_in_the_browser(
    settings: Settings, system: InProcessSystem, browser: Browser
) -> None:
    staff_accounts(settings)
    await other_cases(settings)
    with Served(settings) as served:
        base = served.url
        page = await browser.new_page(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        page.set_default_timeout(30_000)
        await page.goto(f"{base}/ledger")
        await expect(page).to_have_url(re.compile(r"/login\?next=/ledger$"))
        await shot(page, "01-login")

        await sign_in(page, base, "intake")
        await shot(page, "02-home-intake")
        await page.goto(f"{base}/cases/new")
        await page.select_option("[name=channel]", "visit")
        await page.select_option("[name=category]", "urban_construction")
        await page.select_option("[name=locality]", "990101001")
        await page.fill("[name='petitioners.0.name']", "张建国")
        await page.fill("[name='petitioners.0.phone']", "13800000001")
        await page.fill("[name=request]", "请求督促开发商修复小区地下车库渗漏")
        await page.fill("[name=facts]", "2026年汛期以来地下车库多处渗水，多次向物业反映未果。")
        await shot(page, "03-register-form")
        await page.click("form.act-form button[type=submit]")
        await expect(page.locator("h1")).to_contain_text("已登记")
        case_no = (await page.locator("#case-no").inner_text()).strip()
        query_code = (await page.locator("#query-code").inner_text()).strip()
        secret = (await page.locator("#secret").inner_text()).strip()
        assert await page.locator("#secret").inner_text() and "仅此一次显示" in await page.content()
        await shot(page, "04-registered")

        await page.click("#to-case")
        await reload_until(page, "受理信访事项")
        await shot(page, "05-case-registered")
        await act(page, "intake", "accept")

        async def assigned() -> bool:
            return any(r["case_no"] == case_no and r["department"] == "990100ZJJ" for r in ledger_rows(settings))

        await eventually(assigned, what="the case assigned to 区住建局")
        await page.goto(f"{base}/ledger?q={case_no}")
        await expect(page.locator("table.cases")).to_contain_text(case_no)
        await eventually(lambda: _entered(settings, 5), what="every case in the ledger")
        await page.goto(f"{base}/ledger")
        await shot(page, "ledger")

        await sign_in(page, base, "department")
        await reload_until(page, case_no)  # due today, on the unit's home page (the case files follow the stream)
        await shot(page, "06-home-department")
        await page.goto(f"{base}/inbox")
        await reload_until(page, case_no, "table.inbox")
        await shot(page, "07-inbox")
        await page.click(f"table.inbox a:text('{case_no}')")
        await act(page, "assignment", "acknowledge", handler="陈静")
        await reload_until(page, "案件已签收")
        await act(
            page, "mediation", "reply", opinion="supported", text="经调查核实，责成开发商于三十日内修复地下车库渗漏。",
            legal_basis="《信访工作条例》第三十二条；《建设工程质量管理条例》第四十一条", disposition="resolved",
        )  # fmt: skip
        await reload_until(page, "信访处理意见书已出具")
        await act(page, "mediation", "close", report="开发商已完成修复，信访人确认。")
        await reload_until(page, "已办结", "h1")
        await shot(page, "case")

        await sign_in(page, base, "other_department")
        answer = await page.goto(f"{base}/cases/{case_no}")
        assert answer is not None and answer.status == 404
        await expect(page.locator("h1")).to_contain_text("未找到")
        await shot(page, "08-other-unit-404")

        await page.context.clear_cookies()  # the petitioner, on the public pages
        await page.goto(f"{base}/public/track")
        await page.fill("[name=query_code]", query_code)
        await page.fill("[name=secret]", secret)
        await page.click("main form button[type=submit]")
        await page.check("#rate [name=rating][value=satisfied]")
        await shot(page, "09-public-track")
        await page.click("#rate button[type=submit]")

        async def rated() -> bool:
            return any(r["case_no"] == case_no and r["rating"] == "satisfied" for r in ledger_rows(settings))

        await eventually(rated, what="the petitioner's rating in the ledger")

        await sign_in(page, base, "supervision")  # the walked case and the one beside it, both rated 满意
        await page.goto(f"{base}/board")
        await reload_until(page, "区住房和城乡建设局")
        await shot(page, "10-board")
        await page.goto(f"{base}/assessment?figure=satisfaction")
        await reload_until(page, "2/2件")
        await shot(page, "11-assessment")
