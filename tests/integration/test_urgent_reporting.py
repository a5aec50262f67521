"""重大、紧急信访 (Art 25) from the staff CLI against a running system: reported, then on the ledger and history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.integration.test_intake_cli import cli
from tests.support.system import PETITION, Client, InProcessSystem, eventually, ledger_rows
from xinfang.history import case_history


async def test_an_urgent_matter_reaches_the_ledger_with_its_time_and_recipients_art_25(
    system: InProcessSystem, tmp_path: Path
) -> None:
    crowd = {**PETITION, "petitioners": [{"name": f"业主{i}", "address": "滨江路1号"} for i in range(8)]}
    petition = tmp_path / "crowd.json"
    petition.write_text(json.dumps(crowd, ensure_ascii=False), encoding="utf-8")
    case = (await cli(system, "submit", str(petition)))["result"]
    bad = await cli(system, "report-urgent", case["case_id"], "--summary", "聚集", "--at", "25:00")
    assert bad["error"]["field"] == "at", bad
    reported = await cli(
        system, "report-urgent", case["case_no"], "--summary", "8名业主在区政府门前聚集", "--measures", "已安排接谈",
        "--department", "990100ZJJ", "--at", "00:00",
    )  # fmt: skip
    assert reported["ok"], reported
    assert "滨江市信访局" in reported["result"]["recipients"] and "国家信访局" in reported["result"]["recipients"]

    def row() -> dict[str, Any]:
        return next(r for r in ledger_rows(system.settings) if r["case_id"] == case["case_id"])

    async def on_the_ledger() -> bool:
        return any(r["case_id"] == case["case_id"] and r["urgent_reports"] for r in ledger_rows(system.settings))

    await eventually(on_the_ledger, what="the urgent report on the ledger")
    assert row()["urgent_reports"] == 1 and row()["urgent_reported_at"] is not None
    assert (
        "中共清河区委、清河区人民政府" in row()["urgent_recipients"]
        and "区住房和城乡建设局" in row()["urgent_recipients"]
    )
    async with Client(system.settings) as client:
        history = await case_history(client.nc, case["case_id"])
    (event,) = [e["event"] for e in history if e["type"] == "urgent_matter_reported"]
    assert event["reported_at"].endswith("00:00:00+08:00") and event["summary"] == "8名业主在区政府门前聚集"
