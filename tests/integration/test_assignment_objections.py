"""Objections (Art 23) and disputes (Art 24) on the real pipeline and from the staff CLI."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from typing import Any

import pytest

from services.runtime.errors import DomainError
from tests.support.system import PETITION, Client, InProcessSystem, eventually
from xinfang.history import case_history
from xinfang.scenario import when_ready


async def test_an_objection_is_agreed_and_the_new_lead_acknowledges(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        objection = {"department": "990100ZJJ", "reasons": "车库渗漏属物业维修", "proposed_department": "990100CGJ"}
        await when_ready(
            client.nc, "assignment", "object", {"case_id": case_id, **objection}, time.monotonic() + 30, 30
        )
        with pytest.raises(DomainError) as pending:
            await client.cmd("assignment", "acknowledge", case_id=case_id, department="990100ZJJ")
        assert pending.value.code == "objection_pending"
        await client.cmd(
            "assignment", "decide_objection", case_id=case_id, agree=True, department="990100CGJ", reason="同意"
        )
        await client.cmd("assignment", "acknowledge", case_id=case_id, department="990100CGJ", handler="赵")

        async def acknowledged() -> bool:
            history = await case_history(client.nc, case_id)
            return any(e["type"] == "case_acknowledged" for e in history)

        await eventually(acknowledged, what="the acknowledgement on the stream")
        history = await case_history(client.nc, case_id)
    types = [e["type"] for e in history]
    assert types.index("case_assigned") < types.index("objection_filed") < types.index("case_reassigned")
    (reassigned,) = [e["event"] for e in history if e["type"] == "case_reassigned"]
    assert (reassigned["from_department"], reassigned["department"]) == ("990100ZJJ", "990100CGJ")
    assert reassigned["decided_by"] == "990100XFJ" and reassigned["objection_due_on"] is None
    # Art 23¶3: the new lead's limits run from its own receipt, here its 签收 (no receipt was recorded before)
    (received,) = [e["event"] for e in history if e["type"] == "assignment_received"]
    assert (received["department"], received["by_acknowledgement"], received["objection_due_on"]) == (
        "990100CGJ",
        True,
        None,
    )
    assert types.index("case_reassigned") < types.index("assignment_received") < types.index("case_acknowledged")


def xinfang(system: InProcessSystem, *args: str) -> dict[str, Any]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    done = subprocess.run(
        [sys.executable, "-m", "xinfang", *args, "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


async def test_staff_settle_a_dispute_and_form_a_task_force_from_the_cli(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        objection = {"department": "990100ZJJ", "reasons": "属城管", "proposed_department": "990100CGJ"}
        await when_ready(
            client.nc, "assignment", "object", {"case_id": case_id, **objection}, time.monotonic() + 30, 30
        )
    roles = "district_leader:郑国栋 乡镇（街道）书记或副书记:王书记:990101 village_secretary:李主任:990101001"
    roles += " 网格员:刘芳 police_head:陈所长:990101PCS legal_worker:孙律师 handler:赵工:990100CGJ"
    steps = [
        ("refer-dispute", case_id),
        ("settle-dispute", case_id, "--department", "990100CGJ", "--reason", "属城管职责", "--by", "990100"),
        ("settle-dispute", case_id, "--department", "990100CGJ", "--reason", "属城管职责", "--by", "joint_conference"),
        ("mark-major", case_id, "--risk", "stability", "--reason", "群体性风险"),
        ("task-force", case_id, *[arg for member in roles.split() for arg in ("--member", member)]),
    ]
    answers = [await asyncio.to_thread(xinfang, system, *step) for step in steps]
    assert [a["ok"] for a in answers] == [True, False, True, True, True], answers
    assert answers[1]["error"]["code"] == "not_the_deciding_body"
    assert answers[3]["result"]["owning_leader"] == "郑国栋"
