"""Staff actions over HTTP on a real system: the signed-in person is the 经办人, a unit acts on its own cases."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from services.runtime.settings import Settings
from tests.support.system import InProcessSystem, eventually, ledger_rows
from tests.support.web import api_client, signed_in, staff_accounts
from xinfang.web.app import create_app

EXAMPLE = json.loads((Path(__file__).parents[2] / "examples" / "petition.json").read_text(encoding="utf-8"))
PETITION = {k: v for k, v in EXAMPLE.items() if k != "received_by"}  # the signed-in person registers it


@pytest.fixture
async def api(settings: Settings, system: InProcessSystem) -> AsyncIterator[httpx.AsyncClient]:
    staff_accounts(settings)
    async for client in api_client(create_app(settings)):
        yield client


async def registered_and_assigned(api: httpx.AsyncClient, settings: Settings) -> str:
    intake = await signed_in(api, "intake")
    answer = await api.post("/api/intake/register", json=PETITION, headers=intake)
    assert answer.status_code == 200, answer.text
    case_no, case_id = answer.json()["case_no"], answer.json()["case_id"]
    accepted = await api.post(f"/api/cases/{case_id}/intake/accept", json={}, headers=intake)
    assert accepted.status_code == 200, accepted.text

    async def assigned() -> bool:
        return any(r["case_no"] == case_no and r["department"] for r in ledger_rows(settings))

    await eventually(assigned, what="the case assigned to its department")
    return case_no


async def test_a_unit_acknowledges_its_case_as_the_signed_in_person(api: httpx.AsyncClient, settings: Settings) -> None:
    case_no = await registered_and_assigned(api, settings)
    unit = await signed_in(api, "department")
    answer = await api.post(f"/api/cases/{case_no}/assignment/acknowledge", json={}, headers=unit)
    assert answer.status_code == 200, answer.text
    again = await api.post(f"/api/cases/{case_no}/assignment/acknowledge", json={}, headers=unit)
    assert again.status_code == 409 and again.json()["reason"] == "already_acknowledged"
    assert "陈静" in again.json()["message"]  # the signed-in person is who did it


async def test_another_units_case_answers_404(api: httpx.AsyncClient, settings: Settings) -> None:
    case_no = await registered_and_assigned(api, settings)
    other = await signed_in(api, "other_department")
    answer = await api.post(f"/api/cases/{case_no}/assignment/acknowledge", json={}, headers=other)
    assert answer.status_code == 404 and answer.json()["code"] in ("not_found", "not_your_case")


async def test_a_role_may_not_send_another_services_command(api: httpx.AsyncClient, settings: Settings) -> None:
    unit = await signed_in(api, "department")
    answer = await api.post("/api/intake/register", json=PETITION, headers=unit)
    assert answer.status_code == 403 and answer.json()["code"] == "forbidden"
    nobody = await api.post("/api/intake/register", json=PETITION)
    assert nobody.status_code == 401


async def test_a_repeated_idempotency_key_registers_one_case(api: httpx.AsyncClient, settings: Settings) -> None:
    intake = await signed_in(api, "intake")
    headers = {**intake, "Idempotency-Key": "web-register-1"}
    first = await api.post("/api/intake/register", json=PETITION, headers=headers)
    second = await api.post("/api/intake/register", json=PETITION, headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json()["case_id"] == second.json()["case_id"]
    reused = await api.post("/api/intake/register", json={**PETITION, "request": "另一件事"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"


async def test_bad_input_names_the_field_in_chinese(api: httpx.AsyncClient, settings: Settings) -> None:
    intake = await signed_in(api, "intake")
    missing = await api.post("/api/intake/register", json={**PETITION, "petitioners": []}, headers=intake)
    assert missing.status_code == 422 and missing.json()["field"] == "petitioners"
    typo = await api.post("/api/intake/register", json={**PETITION, "chanel": "visit"}, headers=intake)
    assert typo.status_code == 422 and typo.json()["field"] == "chanel"
    broken = await api.post("/api/intake/register", content=b"{not json", headers=intake)
    assert broken.status_code == 400 and "Traceback" not in broken.text
    unknown = await api.post("/api/cases/XF000/intake/accept", json={}, headers=intake)
    assert unknown.status_code == 404 and unknown.json()["field"] == "case"
