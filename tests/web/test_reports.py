"""督办 and 考核 over HTTP on a real system: the board, 领导包案, 关注, 考核 (with its charts), trends, 件件有着落 and
the annual report, per role — a unit sees its own rows only, a leader their own cases — with their exports; and the
administrator's accounts page."""

from __future__ import annotations

import io
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import openpyxl
import pytest

from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import InProcessSystem, eventually
from tests.support.web import ACCOUNTS, PASSWORD, api_client, signed_in, staff_accounts
from xinfang.web.app import create_app
from xinfang.web.users import UserFile, new_user

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "petition.json").read_text(encoding="utf-8"))
PETITION = {k: v for k, v in EXAMPLE.items() if k != "received_by"}
UNIT, UNIT_NAME = "990100ZJJ", "区住房和城乡建设局"
LATE_RECEIVED = TODAY - timedelta(days=34)  # its acceptance limit (15 days, Art 22) long past, still undecided
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
VIEWS = ("/api/board", "/api/leaders", "/api/watch", "/api/assessment", "/api/trends", "/api/unanswered",
         "/api/annual-report")  # fmt: skip
MAY_SEE = {
    "supervision": set(VIEWS),
    "auditor": set(VIEWS),
    "assignment": {"/api/board", "/api/leaders"},
    "department": {"/api/board", "/api/assessment", "/api/unanswered"},
    "leader": {"/api/leaders"},
    "admin": set(),
}


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings)):
        yield client


def sheet(body: dict[str, Any], starts: str) -> list[dict[str, Any]]:
    found = [s["rows"] for s in body["sheets"] if s["title"].startswith(starts)]
    assert found, [s["title"] for s in body["sheets"]]
    return found[0]


async def seeded(api: httpx.AsyncClient) -> tuple[str, str]:
    """A case received this month, accepted and assigned to 区住建局; one received 34 days ago, never decided."""
    intake = await signed_in(api, "intake")
    recent = await api.post("/api/intake/register", json={**PETITION, "received_on": TODAY.isoformat()}, headers=intake)
    assert recent.status_code == 200, recent.text
    accepted = await api.post(f"/api/cases/{recent.json()['case_id']}/intake/accept", json={}, headers=intake)
    assert accepted.status_code == 200, accepted.text
    late = {**PETITION, "repeat": False, "received_on": LATE_RECEIVED.isoformat()}
    overdue = await api.post("/api/intake/register", json=late, headers=intake)
    assert overdue.status_code == 200, overdue.text
    supervisor = await signed_in(api, "supervision")
    recent_no, overdue_no = recent.json()["case_no"], overdue.json()["case_no"]

    async def on_the_board() -> bool:
        body = (await api.get("/api/board", headers=supervisor)).json()
        units = {r["unit"] for r in sheet(body, "督办看板")}
        return UNIT in units and overdue_no in {r["case_no"] for r in sheet(body, "逾期事项")}

    await eventually(on_the_board, what="both cases on the board, the first assigned")
    return recent_no, overdue_no


async def test_each_role_sees_only_the_views_it_may(api: httpx.AsyncClient) -> None:
    await seeded(api)
    for who, allowed in MAY_SEE.items():
        headers = await signed_in(api, who)
        for path in VIEWS:
            answer = await api.get(path, headers=headers)
            expected = 200 if path in allowed else 403
            assert answer.status_code == expected, (who, path, answer.text)
            if expected == 403:
                assert answer.json()["code"] == "forbidden" and "无权" in answer.json()["message"]
    assert (await api.get("/api/board")).status_code == 401


async def test_the_board_shows_the_overdue_case_to_the_bureau_and_a_unit_its_own_rows(api: httpx.AsyncClient) -> None:
    _, overdue_no = await seeded(api)
    board = (await api.get("/api/board", headers=await signed_in(api, "supervision"))).json()
    counts = sheet(board, "督办看板")
    assert counts[-1]["unit"] == "全区" and counts[-1]["open"] >= 1 and counts[-1]["overdue"] == 1
    (late,) = sheet(board, "逾期事项")
    assert late["case_no"] == overdue_no and late["what"] == "受理告知期限" and late["days_overdue"] > 0

    unit = await signed_in(api, "department")
    own = (await api.get("/api/board", headers=unit)).json()
    assert {r["unit"] for r in sheet(own, "督办看板")} == {UNIT}  # no other unit's row, no district total
    assert sheet(own, "逾期事项") == []  # the undecided case is the bureau's, not the unit's
    assert {r["scope"] for r in sheet(own, "五快")} <= {UNIT}

    supervisor = await signed_in(api, "supervision")
    before = (await api.get("/api/board", params={"as_of": str(TODAY - timedelta(days=1))}, headers=supervisor)).json()
    assert sheet(before, "督办看板")[-1]["open"] == 0  # the day before, today's case was not there yet
    far = await api.get("/api/board", params={"as_of": "9999-12-31"}, headers=supervisor)
    assert far.status_code == 422 and far.json()["field"] == "as_of"
    found = (await api.get("/api/trends", headers=supervisor)).json()
    month = f"{TODAY:%Y-%m}"
    assert any(c["month"] == month and c["category"] == EXAMPLE["category"] for c in sheet(found, "分类×属地×月份"))


async def test_assessment_marks_small_samples_and_a_unit_sees_only_its_figures(api: httpx.AsyncClient) -> None:
    await seeded(api)
    month = f"{TODAY:%Y-%m}"
    supervisor = await signed_in(api, "supervision")
    body = (await api.get("/api/assessment", params={"month": month}, headers=supervisor)).json()
    repeats = [r for r in sheet(body, "重复信访") if r["figure"] == "repeat_rate"]
    ours = next(r for r in repeats if r["scope"] == UNIT)
    assert (ours["numerator"], ours["denominator"], ours["rate"]) == (1, 1, 1.0)
    assert ours["insufficient"] and ours["rank"] is None and "样本不足" in ours["note"]
    district = (await api.get("/api/assessment", params={"period": month, "by": "district"}, headers=supervisor)).json()
    acceptance = next(r for r in sheet(district, "受理告知") if r["figure"] == "timely_acceptance")
    assert acceptance["scope"] == "全区" and acceptance["denominator"] >= 1  # the late case's limit fell this month

    unit = await signed_in(api, "department")
    own = (await api.get("/api/assessment", params={"period": month, "by": "district"}, headers=unit)).json()
    scopes = {r["scope"] for s in own["sheets"][:-1] for r in s["rows"]}
    assert scopes == {UNIT}  # a unit is assessed as itself whatever it asks for

    months = (await api.get("/api/assessment/months", params={"figure": "repeat_rate"}, headers=supervisor)).json()
    assert [m["month"] for m in months][-1] == month and months[-1]["numerator"] >= 1
    assert all(m["scope"] == "全区" for m in months) and len(months) == 6
    wrong = await api.get("/api/assessment", params={"period": "2026-13"}, headers=supervisor)
    assert wrong.status_code == 422 and wrong.json()["field"] == "period"
    not_a_rate = await api.get("/api/assessment/months", params={"figure": "speed_closure"}, headers=supervisor)
    assert not_a_rate.status_code == 422 and not_a_rate.json()["field"] == "figure"


async def test_leaders_a_leader_sees_only_their_own_cases(api: httpx.AsyncClient, settings: Settings) -> None:
    recent_no, _ = await seeded(api)
    UserFile(settings.users_path).add(new_user("zhengguodong", "郑国栋", "leader", PASSWORD, leader="L05"))
    # The catalogue lists this matter as major: 区住建局's district leader (L05) owns it from assignment.
    bureau = await signed_in(api, "assignment")

    async def owned() -> bool:
        rows = sheet((await api.get("/api/leaders", headers=bureau)).json(), "领导包案")
        return any(r["case_no"] == recent_no and r["leader_id"] == "L05" for r in rows)

    await eventually(owned, what="the major case owned by its leader")
    session = await api.post("/api/session", json={"username": "zhengguodong", "password": PASSWORD})
    owner = {"Authorization": f"Bearer {session.json()['token']}"}
    mine = sheet((await api.get("/api/leaders", headers=owner)).json(), "我的包案")
    assert [r["case_no"] for r in mine] == [recent_no]
    other = sheet((await api.get("/api/leaders", headers=await signed_in(api, "leader"))).json(), "我的包案")
    assert other == []  # L01 owns nothing here: another leader's case is not on their list


async def test_views_download_as_excel_and_csv_with_names(api: httpx.AsyncClient) -> None:
    _, overdue_no = await seeded(api)
    supervisor = await signed_in(api, "supervision")
    workbook = await api.get("/api/board", params={"format": "xlsx"}, headers=supervisor)
    assert workbook.status_code == 200 and "attachment" in workbook.headers["content-disposition"]
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    units = [row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert UNIT_NAME in units and "全区" in units  # names, not codes, in a file for people
    late = [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert late == [overdue_no]
    table = await api.get("/api/assessment", params={"format": "csv"}, headers=supervisor)
    assert table.status_code == 200 and table.headers["content-type"].startswith("text/csv")
    assert table.text.startswith("\ufeff考核对象,指标,分子,分母,比率")
    report = await api.get("/api/annual-report", params={"year": TODAY.year, "format": "xlsx"}, headers=supervisor)
    assert report.status_code == 200 and len(openpyxl.load_workbook(io.BytesIO(report.content)).worksheets) >= 7
    for path in ("/api/watch", "/api/trends", "/api/unanswered", "/api/leaders"):
        answer = await api.get(path, params={"format": "csv"}, headers=supervisor)
        assert answer.status_code == 200 and answer.text.startswith("\ufeff"), path


async def cookie(api: httpx.AsyncClient, who: str) -> None:
    api.cookies.clear()
    answer = await api.post("/login", data={"username": ACCOUNTS[who].username, "password": PASSWORD})
    assert answer.status_code == 303, answer.text


async def test_pages_show_the_board_and_the_charts_in_chinese(api: httpx.AsyncClient) -> None:
    _, overdue_no = await seeded(api)
    assert (await api.get("/board")).status_code == 303  # not signed in: off to /login
    await cookie(api, "supervision")
    board = await api.get("/board")
    assert board.status_code == 200 and "督办看板" in board.text and f'href="/cases/{overdue_no}"' in board.text
    assert "/api/board?format=xlsx" in board.text
    shown = await api.get("/assessment", params={"figure": "repeat_rate"})
    assert shown.status_code == 200 and shown.text.count("<svg") == 2
    assert UNIT_NAME in shown.text and "1/1件" in shown.text and "样本不足" in shown.text
    assert ">100%</text>" in shown.text  # rates on a percentage axis
    assert 'id="unanswered"' in board.text
    trend = await api.get("/trends")
    assert trend.status_code == 200 and "各月登记件数" in trend.text
    assert ">100%</text>" not in trend.text  # counts, not rates: no percentage axis
    late = f"{LATE_RECEIVED:%Y-%m}"
    assert f"<title>{late}: 1件</title>" in trend.text and f"<title>{TODAY:%Y-%m}: 1件</title>" in trend.text
    for path, title in (("/leaders", "领导包案"), ("/watch", "信访排查"), ("/annual", "年度信访工作报告")):
        page = await api.get(path)
        assert page.status_code == 200 and title in page.text, path
    bad = await api.get("/assessment", params={"period": "2026-13"})
    assert bad.status_code == 200 and "考核期间" in bad.text  # told on the page, this month shown instead

    await cookie(api, "department")
    own = await api.get("/board")
    assert own.status_code == 200 and overdue_no not in own.text and UNIT_NAME in own.text
    refused = await api.get("/watch", headers={"Accept": "text/html"})  # as a browser asks
    assert refused.status_code == 403 and "无权" in refused.text and "<html" in refused.text
    await cookie(api, "leader")
    assert "我的包案" in (await api.get("/leaders")).text
    assert (await api.get("/assessment")).status_code == 403


async def test_the_administrator_adds_and_removes_an_account(api: httpx.AsyncClient) -> None:
    await cookie(api, "admin")
    page = await api.get("/users")
    assert page.status_code == 200 and ACCOUNTS["department"].username in page.text
    csrf = CSRF.search(page.text)
    assert csrf
    form = {"csrf": csrf.group(1), "username": "wanggang", "name": "王刚", "role": "department", "unit": "",
            "leader": "", "password": "long enough 1"}  # fmt: skip
    missing = await api.post("/users", data=form)
    assert missing.status_code == 422 and 'id="e-unit"' in missing.text and "须指定单位" in missing.text
    assert 'value="wanggang"' in missing.text  # what was typed is kept
    assert (await api.post("/users", data={**form, "unit": UNIT, "csrf": "forged"})).status_code == 403
    added = await api.post("/users", data={**form, "unit": UNIT})
    assert added.status_code == 303 and added.headers["location"].startswith("/users?done=added")
    again = await api.post("/users", data={**form, "unit": UNIT})
    assert again.status_code == 422 and "已存在" in again.text
    token = await api.post("/api/session", json={"username": "wanggang", "password": "long enough 1"})
    assert token.status_code == 200
    removed = await api.post("/users/wanggang/remove", data={"csrf": csrf.group(1)})
    assert removed.status_code == 303
    gone = await api.post("/api/session", json={"username": "wanggang", "password": "long enough 1"})
    assert gone.status_code == 401
    self_removal = await api.post(f"/users/{ACCOUNTS['admin'].username}/remove", data={"csrf": csrf.group(1)})
    assert self_removal.status_code == 409 and "不能删除自己" in self_removal.text
    await cookie(api, "supervision")
    assert (await api.get("/users")).status_code == 403
