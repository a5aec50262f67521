"""What each role may and may not do over the API, commands and reads, on a real system: the bureau reads every
case, a unit its own (another unit's is not there: 404), a leader their own, the auditor reads and verifies but
never acts, an administrator reads no case, and nobody without a token gets anything (401). A report's content and
reporter never reach a unit."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem, eventually, ledger_rows
from tests.support.web import PASSWORD, api_client, signed_in, staff_accounts
from xinfang.web.app import create_app
from xinfang.web.users import UserFile, new_user

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "petition.json").read_text(encoding="utf-8"))
PETITION = {k: v for k, v in EXAMPLE.items() if k != "received_by"}
LABOUR = {"category": "labour_social_security", "locality": "990103001", "repeat": False}  # 区人社局, 区住建局 helps
MARKET = {"category": "market_regulation", "locality": "990103001", "repeat": False}  # 区市场监管局 alone
STREET = {"category": "urban_management", "locality": "990101001"}  # 清河街道's; repeat, so major: led by L01
READS = ("", "/history", "/handoffs")
DISCIPLINE = "990100JWJ"  # 区纪委监委: where reports go


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    UserFile(settings.users_path).add(new_user("jiwei", "吴刚", "department", PASSWORD, unit=DISCIPLINE))
    async for client in api_client(create_app(settings)):
        yield client


async def as_discipline(api: httpx.AsyncClient) -> dict[str, str]:
    answer = await api.post("/api/session", json={"username": "jiwei", "password": PASSWORD})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['token']}"}


async def accepted(api: httpx.AsyncClient, settings: Settings, **fields: Any) -> dict[str, str]:
    """A case registered and accepted by intake, once the ledger shows it assigned."""
    intake = await signed_in(api, "intake")
    answer = await api.post("/api/intake/register", json={**PETITION, **fields}, headers=intake)
    assert answer.status_code == 200, answer.text
    case = answer.json()
    done = await api.post(f"/api/cases/{case['case_id']}/intake/accept", json={}, headers=intake)
    assert done.status_code == 200, done.text

    async def assigned() -> bool:
        return any(r["case_no"] == case["case_no"] and r["department"] for r in ledger_rows(settings))

    await eventually(assigned, what="the case assigned")
    return {"case_id": case["case_id"], "case_no": case["case_no"]}


@pytest.fixture
async def cases(api: httpx.AsyncClient, settings: Settings) -> dict[str, dict[str, str]]:
    """A housing case (区住建局 leads), a labour one (区人社局 leads, 区住建局 co-handles), a market one (neither)."""
    return {
        "housing": await accepted(api, settings),
        "labour": await accepted(api, settings, **LABOUR),
        "market": await accepted(api, settings, **MARKET),
    }


async def read_all(api: httpx.AsyncClient, headers: dict[str, str], case: str) -> list[int]:
    return [(await api.get(f"/api/cases/{case}{path}", headers=headers)).status_code for path in READS]


async def listed(api: httpx.AsyncClient, headers: dict[str, str]) -> set[str]:
    answer = await api.get("/api/cases", headers=headers)
    assert answer.status_code == 200, answer.text
    return {item["case_no"] for item in answer.json()["items"]}


async def test_nobody_without_a_token_gets_anything(api: httpx.AsyncClient, cases: dict[str, dict[str, str]]) -> None:
    case = cases["housing"]["case_no"]
    for path in ("/api/cases", "/api/cases/export", "/api/inbox", *(f"/api/cases/{case}{p}" for p in READS)):
        answer = await api.get(path)
        assert answer.status_code == 401 and answer.json()["code"] == "unauthenticated", path
        assert answer.headers["www-authenticate"] == "Bearer"
    forged = await api.get("/api/cases", headers={"Authorization": "Bearer not.a-token"})
    assert forged.status_code == 401
    acted = await api.post(f"/api/cases/{case}/assignment/acknowledge", json={})
    assert acted.status_code == 401


async def test_the_bureau_reads_every_case_and_acts_in_its_own_service_only(
    api: httpx.AsyncClient, cases: dict[str, dict[str, str]]
) -> None:
    both = {c["case_no"] for c in cases.values()}
    housing = cases["housing"]["case_no"]
    for role in ("intake", "assignment", "supervision"):
        headers = await signed_in(api, role)
        assert await listed(api, headers) == both, role
        assert await read_all(api, headers, cases["labour"]["case_no"]) == [200, 200, 200], role
        assert (await api.get("/api/inbox", headers=headers)).status_code == 403, role
    intake = await signed_in(api, "intake")
    order = {"department": "990100ZJJ", "grounds": ["overdue"], "text": "请按期办理"}
    refused = await api.post(f"/api/cases/{housing}/supervision/issue_order", json=order, headers=intake)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert (await api.get(f"/api/cases/{housing}/verify", headers=intake)).status_code == 403
    supervision = await signed_in(api, "supervision")
    assert (await api.post("/api/intake/register", json=PETITION, headers=supervision)).status_code == 403
    assert (await api.get(f"/api/cases/{housing}/verify", headers=supervision)).json()["ok"] is True
    assert (await api.post("/api/supervision/sweep", json={}, headers=supervision)).status_code == 200


async def test_a_unit_reads_and_acts_on_its_own_cases_only(
    api: httpx.AsyncClient, cases: dict[str, dict[str, str]]
) -> None:
    housing, labour, market = cases["housing"], cases["labour"], cases["market"]
    unit = await signed_in(api, "department")  # 区住建局
    assert await listed(api, unit) == {housing["case_no"], labour["case_no"]}
    assert await read_all(api, unit, housing["case_no"]) == [200, 200, 200]
    assert await read_all(api, unit, labour["case_no"]) == [200, 200, 200]  # as co-handler
    assert await read_all(api, unit, market["case_no"]) == [404, 404, 404]
    assert await read_all(api, unit, market["case_id"]) == [404, 404, 404]  # by id too: not there, for this unit
    gone = await api.get(f"/api/cases/{market['case_no']}", headers=unit)
    assert gone.json()["message"] == (await api.get("/api/cases/XF-NONE", headers=unit)).json()["message"]
    exported = await api.get("/api/cases/export", params={"format": "csv"}, headers=unit)
    assert housing["case_no"] in exported.text and market["case_no"] not in exported.text
    inbox = await api.get("/api/inbox", headers=unit)
    assert {item["case_no"] for item in inbox.json()} == {housing["case_no"], labour["case_no"]}

    acted = await api.post(f"/api/cases/{market['case_no']}/assignment/acknowledge", json={}, headers=unit)
    assert acted.status_code == 404
    mine = await api.post(f"/api/cases/{housing['case_no']}/assignment/acknowledge", json={}, headers=unit)
    assert mine.status_code == 200, mine.text
    assert (await api.post("/api/intake/register", json=PETITION, headers=unit)).status_code == 403
    assert (await api.get(f"/api/cases/{housing['case_no']}/verify", headers=unit)).status_code == 403

    other = await signed_in(api, "other_department")  # 区人社局
    assert await listed(api, other) == {labour["case_no"]}
    assert await read_all(api, other, housing["case_no"]) == [404, 404, 404]


async def test_a_leader_reads_their_own_cases_and_acts_on_none(
    api: httpx.AsyncClient, settings: Settings, cases: dict[str, dict[str, str]]
) -> None:
    street = (await accepted(api, settings, **STREET))["case_no"]
    owned = {r["case_no"]: r["owning_leader"] for r in ledger_rows(settings)}
    assert owned[street] == "L01" and owned[cases["housing"]["case_no"]] == "L05"  # 郑国栋 oversees 区住建局
    leader = await signed_in(api, "leader")  # 周立群, L01
    assert await listed(api, leader) == {street}
    assert await read_all(api, leader, street) == [200, 200, 200]
    assert await read_all(api, leader, cases["housing"]["case_no"]) == [404, 404, 404]
    acted = await api.post(f"/api/cases/{street}/assignment/acknowledge", json={}, headers=leader)
    assert acted.status_code == 403
    assert (await api.get("/api/inbox", headers=leader)).status_code == 403


async def test_the_auditor_reads_and_verifies_every_case_but_cannot_act(
    api: httpx.AsyncClient, cases: dict[str, dict[str, str]]
) -> None:
    auditor = await signed_in(api, "auditor")
    assert await listed(api, auditor) == {c["case_no"] for c in cases.values()}
    for case in cases.values():
        assert await read_all(api, auditor, case["case_no"]) == [200, 200, 200]
        verified = await api.get(f"/api/cases/{case['case_no']}/verify", headers=auditor)
        assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
    housing = cases["housing"]["case_no"]
    for path, body in (
        (f"/api/cases/{housing}/assignment/acknowledge", {}),
        ("/api/intake/register", PETITION),
        ("/api/supervision/sweep", {}),
    ):
        refused = await api.post(path, json=body, headers=auditor)
        assert refused.status_code == 403 and refused.json()["code"] == "forbidden", path


async def test_the_administrator_reads_no_case(api: httpx.AsyncClient, cases: dict[str, dict[str, str]]) -> None:
    admin = await signed_in(api, "admin")
    housing = cases["housing"]["case_no"]
    for path in ("/api/cases", "/api/cases/export", f"/api/cases/{housing}/verify", "/api/inbox"):
        answer = await api.get(path, headers=admin)
        assert answer.status_code == 403 and answer.json()["code"] == "forbidden", path
    assert await read_all(api, admin, housing) == [403, 403, 403]
    assert (await api.post(f"/api/cases/{housing}/assignment/acknowledge", json={}, headers=admin)).status_code == 403


async def test_a_unit_never_sees_a_reports_content_or_reporter(api: httpx.AsyncClient, settings: Settings) -> None:
    content = "举报区住建局某科长收受开发商财物"
    report = await accepted(
        api, settings, kind="report", category="discipline", request=content, facts="2026年10月在某茶楼", repeat=False,
        reported_unit="990100ZJJ",
    )  # fmt: skip
    case = report["case_no"]
    reported_on = await signed_in(api, "department")  # the unit reported on never sees it
    assert await read_all(api, reported_on, case) == [404, 404, 404]
    assert case not in await listed(api, reported_on)

    discipline = await as_discipline(api)  # the unit that handles it
    assert case in await listed(api, discipline)
    shown = await api.get(f"/api/cases/{case}", headers=discipline)
    assert shown.status_code == 200, shown.text
    assert shown.json()["case"]["withheld"] is True and shown.json()["case"]["request"] == "（检举控告内容另行保管）"
    history = await api.get(f"/api/cases/{case}/history", headers=discipline)
    assert history.status_code == 200 and history.json()
    seen = shown.text + history.text + (await api.get(f"/api/cases/{case}/handoffs", headers=discipline)).text
    seen += (await api.get("/api/cases", params={"q": case}, headers=discipline)).text
    seen += (await api.get("/api/cases/export", params={"format": "csv", "q": case}, headers=discipline)).text
    for secret in (content, "茶楼", "张建国", "13800000001", "被反映单位", "区住房和城乡建设局"):
        assert secret not in seen, secret

    bureau = await api.get(f"/api/cases/{case}/history", headers=await signed_in(api, "intake"))
    assert "被反映单位 区住房和城乡建设局" in bureau.text  # the bureau reads what the bus carries; the unit does not
    assert content not in bureau.text  # and the content never left intake
