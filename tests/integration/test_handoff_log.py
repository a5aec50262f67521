"""流转记录 as a view on the real pipeline: each handoff with who, when and why, per case and per unit."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from typing import Any

from tests.support.system import PETITION, Client, InProcessSystem, eventually, settle, table_rows


def handoffs(system: InProcessSystem, case_id: str) -> list[dict[str, Any]]:
    sql = f"select kind, from_unit, to_unit, decided_by, reason, n from handoff_log where case_id = '{case_id}'"
    return sorted(table_rows(system.settings.db_url("projections"), sql), key=lambda r: r["n"])


async def test_every_handoff_is_logged_with_who_when_and_why(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **{**PETITION, "category": "urban_management"}))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        objection = {"department": "990101", "reasons": "属住建部门职责", "proposed_department": "990100ZJJ"}
        await client.ready("assignment", "object", case_id, **objection)
        await client.cmd(
            "assignment", "decide_objection", case_id=case_id, agree=True, department="990100ZJJ", reason="异议成立"
        )
        await settle(system)

    async def logged() -> bool:
        return len(handoffs(system, case_id)) == 3

    await eventually(logged, what="three handoffs in the log")
    rows = handoffs(system, case_id)
    assert [(r["kind"], r["from_unit"], r["to_unit"]) for r in rows] == [
        ("交办", "", "990101"),
        ("异议", "990101", "990100ZJJ"),
        ("改派", "990101", "990100ZJJ"),
    ]
    assert (rows[1]["reason"], rows[2]["decided_by"], rows[2]["reason"]) == ("属住建部门职责", "990100XFJ", "异议成立")
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    done = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "xinfang", "handoffs", "--unit", "990100ZJJ", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    mine = [r for r in json.loads(done.stdout) if r["case_id"] == case_id]
    assert [r["kind"] for r in mine] == ["异议", "改派"]  # the handoffs from or to 住建局
