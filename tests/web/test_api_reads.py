"""The cases' read side over HTTP on a real system: the ledger's filters, paging, sort and search, its exports, one
case with its clocks and handoffs, its history from the stream, a unit's inbox and the verification of a case."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from openpyxl import load_workbook

from services.runtime import access
from services.runtime.cipher import StoreCipher as AESCipher
from services.runtime.nats_server import EmbeddedNats
from services.runtime.organisation import organisation
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import InProcessSystem, eventually, ledger_rows
from tests.support.web import api_client, signed_in, staff_accounts
from xinfang.web.app import create_app

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "petition.json").read_text(encoding="utf-8"))
PETITION = {k: v for k, v in EXAMPLE.items() if k != "received_by"}


@dataclass
class Registered:
    case_id: str
    case_no: str
    query_code: str


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings)):
        yield client


async def register(api: httpx.AsyncClient, accept: bool = True, **fields: Any) -> Registered:
    intake = await signed_in(api, "intake")
    answer = await api.post("/api/intake/register", json={**PETITION, **fields}, headers=intake)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    if accept:
        accepted = await api.post(f"/api/cases/{body['case_id']}/intake/accept", json={}, headers=intake)
        assert accepted.status_code == 200, accepted.text
    return Registered(body["case_id"], body["case_no"], body["query_code"])


async def in_ledger(settings: Settings, case_nos: set[str], assigned: frozenset[str] | set[str] = frozenset()) -> None:
    async def there() -> bool:
        rows = {r["case_no"]: r for r in ledger_rows(settings)}
        return case_nos <= set(rows) and all(rows[n]["department"] for n in assigned)

    await eventually(there, what=f"the ledger holding {sorted(case_nos)}")


@pytest.fixture
async def three(api: httpx.AsyncClient, settings: Settings) -> dict[str, Registered]:
    """Three cases: a housing one (assigned to 区住建局), a labour one (to 区人社局), one registered only."""
    cases = {
        "housing": await register(api, received_on=str(TODAY - timedelta(days=3))),
        "labour": await register(
            api, received_on=str(TODAY - timedelta(days=5)), category="labour_social_security", channel="online"
        ),
        "waiting": await register(api, accept=False, received_on=str(TODAY - timedelta(days=40)), category="education"),
    }
    await in_ledger(settings, {c.case_no for c in cases.values()}, {cases["housing"].case_no, cases["labour"].case_no})
    return cases


async def listed(api: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    answer = await api.get("/api/cases", params=params, headers=headers)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def numbers(page: dict[str, Any]) -> list[str]:
    return [item["case_no"] for item in page["items"]]


async def test_the_ledger_filters_pages_sorts_and_finds_by_number_or_query_code(
    api: httpx.AsyncClient, three: dict[str, Registered]
) -> None:
    staff = await signed_in(api, "assignment")
    housing, labour, waiting = three["housing"], three["labour"], three["waiting"]
    everything = await listed(api, staff)
    assert everything["total"] == 3 and numbers(everything) == [housing.case_no, labour.case_no, waiting.case_no]
    oldest_first = await listed(api, staff, sort="received_on")
    assert numbers(oldest_first) == [waiting.case_no, labour.case_no, housing.case_no]
    by_number = await listed(api, staff, sort="-case_no")
    assert numbers(by_number) == sorted(numbers(everything), reverse=True)

    second = await listed(api, staff, page=2, size=1, sort="received_on")
    assert (second["total"], second["page"], second["size"], numbers(second)) == (3, 2, 1, [labour.case_no])
    beyond = await listed(api, staff, page=9, size=2)
    assert beyond["total"] == 3 and beyond["items"] == []

    assert numbers(await listed(api, staff, unit="990100RSJ")) == [labour.case_no]
    assert numbers(await listed(api, staff, category="education")) == [waiting.case_no]
    assert numbers(await listed(api, staff, channel="online")) == [labour.case_no]
    assert numbers(await listed(api, staff, status="registered")) == [waiting.case_no]
    days = {"received_from": str(TODAY - timedelta(days=6)), "received_to": str(TODAY - timedelta(days=4))}
    window = await listed(api, staff, **days)
    assert numbers(window) == [labour.case_no]
    assert numbers(await listed(api, staff, locality="990101001")) == numbers(everything)

    assert numbers(await listed(api, staff, q=housing.case_no)) == [housing.case_no]
    assert numbers(await listed(api, staff, q=f"  {labour.query_code.lower()} ")) == [labour.case_no]
    assert (await listed(api, staff, q="no-such-code"))["total"] == 0

    for bad, field in ((dict(sort="petitioner_name"), "sort"), (dict(size=201), "size"), (dict(page=0), "page")):
        refused = await api.get("/api/cases", params=bad, headers=staff)
        assert refused.status_code == 422 and refused.json()["field"] == field, refused.text
    bad_date = await api.get("/api/cases", params={"received_from": "23/11/2026"}, headers=staff)
    assert bad_date.status_code == 422 and bad_date.json()["field"] == "received_from"


async def test_overdue_filter_follows_the_sweep(
    api: httpx.AsyncClient, settings: Settings, three: dict[str, Registered]
) -> None:
    staff = await signed_in(api, "supervision")
    assert (await listed(api, staff, overdue="true"))["total"] == 0
    swept = await api.post("/api/supervision/sweep", json={}, headers=staff)
    assert swept.status_code == 200, swept.text
    waiting = three["waiting"].case_no  # received 40 days ago and never accepted: its acceptance limit has passed

    async def marked() -> bool:
        return any(r["case_no"] == waiting and r["overdue_clocks"] for r in ledger_rows(settings))

    await eventually(marked, what="the acceptance clock marked overdue")
    assert numbers(await listed(api, staff, overdue="true")) == [waiting]
    assert waiting not in numbers(await listed(api, staff, overdue="false"))


async def test_exports_download_the_filtered_ledger_as_csv_and_xlsx(
    api: httpx.AsyncClient, three: dict[str, Registered]
) -> None:
    staff = await signed_in(api, "supervision")
    as_csv = await api.get("/api/cases/export", params={"format": "csv", "unit": "990100ZJJ"}, headers=staff)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert as_csv.content.startswith("\ufeff".encode())
    disposition = as_csv.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "台账" in unquote(disposition.split("filename*=UTF-8''")[1])
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["信访件编号", "渠道", "来信来访日期"] and "主办单位" in rows[0]
    assert [r[0] for r in rows[1:]] == [three["housing"].case_no]
    assert rows[1][rows[0].index("主办单位")] == "区住房和城乡建设局"

    as_xlsx = await api.get("/api/cases/export", params={"format": "xlsx", "sort": "received_on"}, headers=staff)
    assert as_xlsx.status_code == 200
    assert as_xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert unquote(as_xlsx.headers["content-disposition"].split("filename*=UTF-8''")[1]).endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert table[0][0] == "信访件编号" and len(table) == 4
    assert [r[0] for r in table[1:]] == [three[k].case_no for k in ("waiting", "labour", "housing")]
    received = table[1][table[0].index("来信来访日期")]
    assert isinstance(received, datetime) and received.date() == TODAY - timedelta(days=40)  # a date cell, not text

    unknown = await api.get("/api/cases/export", params={"format": "pdf"}, headers=staff)
    assert unknown.status_code == 422 and unknown.json()["field"] == "format"


async def test_one_case_with_its_clocks_handoffs_and_history(
    api: httpx.AsyncClient, three: dict[str, Registered]
) -> None:
    staff = await signed_in(api, "assignment")
    housing = three["housing"]
    shown = await api.get(f"/api/cases/{housing.case_no}", headers=staff)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["case"]["case_id"] == housing.case_id and body["case"]["department_name"] == "区住房和城乡建设局"
    clocks = {c["clock"]: c for c in body["clocks"]}
    handling = clocks["handling"]
    assert handling["state"] == "running" and handling["unit"] == "990100ZJJ" and not handling["overdue"]
    assert handling["days_left"] == (date.fromisoformat(handling["due"]) - TODAY).days > 0
    assert clocks["acceptance"]["state"] == "stopped" and clocks["acceptance"]["on_time"] is True
    assigned = body["handoffs"][0]
    assert assigned["kind"] == "交办" and assigned["to_unit_name"].startswith("区住房和城乡建设局")
    by_id = await api.get(f"/api/cases/{housing.case_id}/handoffs", headers=staff)
    assert by_id.status_code == 200 and by_id.json() == body["handoffs"]

    history = await api.get(f"/api/cases/{housing.case_no}/history", headers=staff)
    assert history.status_code == 200, history.text
    events = history.json()
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)
    first = events[0]
    assert first["type"] == "petition_registered" and first["title"] == "信访事项已登记" and first["actor"] == "王敏"
    assert "请求督促开发商修复小区地下车库渗漏" in first["text"] and first["time"]
    assert "查询码索引" not in first["text"] and "查询密码摘要" not in first["text"]
    assert any(e["type"] == "case_assigned" for e in events)

    for path in ("", "/history", "/handoffs"):
        missing = await api.get(f"/api/cases/XF-NO-SUCH{path}", headers=staff)
        assert missing.status_code == 404 and missing.json()["field"] == "case", (path, missing.text)


async def test_a_units_inbox_and_a_cases_verification(api: httpx.AsyncClient, three: dict[str, Registered]) -> None:
    unit = await signed_in(api, "department")
    inbox = await api.get("/api/inbox", headers=unit)
    assert inbox.status_code == 200, inbox.text
    mine = {(item["case_no"], item["action"]) for item in inbox.json()}
    assert (three["housing"].case_no, "签收") in mine  # lead: acknowledge
    assert any(no == three["labour"].case_no for no, _ in mine)  # co-handler of the labour case
    assert (await api.get("/api/inbox", headers=await signed_in(api, "intake"))).status_code == 403

    auditor = await signed_in(api, "auditor")
    verified = await api.get(f"/api/cases/{three['housing'].case_no}/verify", headers=auditor)
    assert verified.status_code == 200, verified.text
    body = verified.json()
    assert body["ok"] is True and body["findings"] == [] and body["messages"] >= 3
    assert body["case_no"] == three["housing"].case_no


async def test_a_stream_read_in_an_outage_answers_503_and_the_ledger_still_reads(
    api: httpx.AsyncClient, nats_server: EmbeddedNats, three: dict[str, Registered]
) -> None:
    auditor = await signed_in(api, "auditor")
    case = three["housing"].case_no
    assert (await api.get(f"/api/cases/{case}/history", headers=auditor)).status_code == 200  # the line is dialled
    nats_server.stop()
    try:
        for path in (f"/api/cases/{case}/history", f"/api/cases/{case}/verify"):
            answer = await api.get(path, headers=auditor)
            assert answer.status_code == 503 and answer.headers["Retry-After"].isdigit(), (path, answer.text)
            assert answer.json()["code"] == "unavailable" and "Traceback" not in answer.text
        assert (await api.get(f"/api/cases/{case}", headers=auditor)).status_code == 200  # the projections stay
    finally:
        nats_server.start()


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[tuple[Settings, httpx.AsyncClient]]:
    """The system behind a NATS server that knows the district's users and their permissions (as `xinfang up`)."""
    data = tmp_path / "guarded"
    granted = access.init(data / "access", sorted(organisation(None).units))
    server = EmbeddedNats(tmp_path / "guarded-js", authorization=granted.directory / access.AUTHORIZATION)
    server.start()
    settings = Settings(data_dir=data, nats_url=server.url, cipher_key=AESCipher.create_key(32), today=TODAY)
    system = InProcessSystem(settings)
    await system.start()
    try:
        staff_accounts(settings)
        async for client in api_client(create_app(settings)):
            yield settings, client
    finally:
        await system.stop()
        server.stop()


async def test_history_and_verify_read_the_stream_with_the_staff_users_permissions(
    guarded: tuple[Settings, httpx.AsyncClient],
) -> None:
    settings, api = guarded
    case = await register(api, received_on=str(TODAY - timedelta(days=1)))
    await in_ledger(settings, {case.case_no}, {case.case_no})
    auditor = await signed_in(api, "auditor")
    history = await api.get(f"/api/cases/{case.case_no}/history", headers=auditor)
    assert history.status_code == 200 and history.json()[0]["type"] == "petition_registered", history.text
    verified = await api.get(f"/api/cases/{case.case_no}/verify", headers=auditor)
    assert verified.status_code == 200 and verified.json()["ok"] is True, verified.text
    unit = await signed_in(api, "department")
    assert (await api.get(f"/api/cases/{case.case_no}/history", headers=unit)).status_code == 200
