"""受理 staff actions from the CLI against a running system: materials, acceptance rules, legal route, merge."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support.system import PETITION, InProcessSystem, eventually, ledger_rows


def xinfang(system: InProcessSystem, *args: str) -> dict[str, Any]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    done = subprocess.run(
        [sys.executable, "-m", "xinfang", *args, "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert "Traceback" not in done.stderr, done.stderr
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


async def cli(system: InProcessSystem, *args: str) -> dict[str, Any]:
    return await asyncio.to_thread(xinfang, system, *args)


async def test_staff_run_the_intake_rules_from_the_cli(system: InProcessSystem, tmp_path: Path) -> None:
    petition = tmp_path / "petition.json"
    petition.write_text(json.dumps(PETITION, ensure_ascii=False), encoding="utf-8")
    first = (await cli(system, "submit", str(petition)))["result"]
    again = (await cli(system, "submit", str(petition)))["result"]
    assert again["repeat"] is True
    first_id, again_id = first["case_id"], again["case_id"]

    requested = await cli(system, "request-materials", first_id, "--item", "身份证复印件", "--item", "购房合同")
    assert requested["ok"], requested
    refused = await cli(system, "accept", first_id)
    assert refused["error"]["code"] == "materials_outstanding"
    assert (await cli(system, "supplement", first_id, "--item", "购房合同"))["ok"]
    assert (await cli(system, "accept", first_id, "--major"))["ok"]
    assert (await cli(system, "accept", again_id))["error"]["code"] == "duplicate_of_open_case"

    async def first_in_ledger() -> bool:
        return any(r["case_id"] == first_id for r in ledger_rows(system.settings))

    await eventually(first_in_ledger, what="the first case in the ledger")
    merged = await cli(system, "merge", again_id, "--into", first["case_no"])
    assert merged["ok"] and merged["result"]["merged_into_no"] == first["case_no"], merged

    other = tmp_path / "other.json"
    other.write_text(json.dumps({**PETITION, "category": "labour_social_security"}, ensure_ascii=False))
    third_id = (await cli(system, "submit", str(other)))["result"]["case_id"]
    no_route = await cli(system, "decline", third_id, "--reason", "legal_procedure")
    assert no_route["error"]["code"] == "route_required" and no_route["error"]["field"] == "routed_to"
    routed = await cli(system, "decline", third_id, "--reason", "legal_procedure", "--routed-to", "arbitration")
    assert routed["ok"], routed
