"""A department system acts on its own cases only, as the unit its subject names (xf.dept.<unit>.<service>.<cmd>),
never as a department its payload names: on a real nats-server through the services' own routes."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from services.runtime import access
from services.runtime.commands import department_subject
from tests.support.system import PETITION, Client, InProcessSystem
from xinfang.scenario import REPLY


async def act_as(client: Client, unit: str, service: str, command: str, **payload: Any) -> dict[str, Any]:
    subject = department_subject(unit, service, command)
    reply = await client.nc.request(subject, json.dumps(payload, default=str).encode(), timeout=10)
    answer: dict[str, Any] = json.loads(reply.data)
    return answer


async def once_it_arrived(client: Client, unit: str, service: str, command: str, **payload: Any) -> dict[str, Any]:
    """The case reaches a service from the stream: until then it is not (yet) that unit's case there."""
    deadline = time.monotonic() + 30
    while True:
        answer = await act_as(client, unit, service, command, **payload)
        if answer["ok"] or answer["error"]["code"] != "not_your_case" or time.monotonic() > deadline:
            return answer
        await asyncio.sleep(0.05)


async def test_a_department_acts_on_its_own_cases_only_and_as_itself(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        # 住建局 leads the case: it records receipt and 签收 without naming itself; its subject says who it is
        received = await once_it_arrived(client, "990100ZJJ", "assignment", "receive", case_id=case_id)
        assert received["ok"], received
        # another unit is refused, whatever its payload claims
        for unit, payload in (
            ("990101", {}),
            ("990101", {"department": "990100ZJJ"}),
            ("990100ZJJ", {"department": "990101"}),
        ):
            refused = await act_as(client, unit, "assignment", "acknowledge", case_id=case_id, handler="某", **payload)
            assert refused["error"]["code"] == "not_your_case", (unit, payload, refused)
        acknowledged = await act_as(client, "990100ZJJ", "assignment", "acknowledge", case_id=case_id, handler="李工")
        assert acknowledged["ok"] and acknowledged["result"]["department"] == "990100ZJJ", acknowledged
        replied = await once_it_arrived(client, "990100ZJJ", "mediation", "reply", case_id=case_id, **REPLY)
        assert replied["ok"], replied
        elsewhere = await act_as(client, "990102", "mediation", "close", case_id=case_id, report="办结")
        assert elsewhere["error"]["code"] == "not_your_case"
        unknown = await act_as(
            client, "990100ZJJ", "mediation", "close", case_id="00000000-0000-4000-8000-000000000000"
        )
        assert unknown["error"]["code"] == "not_your_case"  # no case is told apart from a case of another unit
        # a bureau command has no department subject at all: nobody answers it there
        bureau = department_subject("990100ZJJ", "intake", "accept")
        try:
            await client.nc.request(bureau, json.dumps({"case_id": case_id}).encode(), timeout=2)
            answered = True
        except Exception:
            answered = False
        assert not answered


async def test_a_department_system_acts_from_the_cli_as_its_credentials_say(
    system: InProcessSystem, tmp_path: Path
) -> None:
    creds = access.init(tmp_path / "access", ["990100ZJJ"]).creds("dept.990100ZJJ")
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        await once_it_arrived(client, "990100ZJJ", "assignment", "receive", case_id=case_id)

    def act(*payload: str) -> subprocess.CompletedProcess[str]:
        args = ["department", "act", "assignment", "acknowledge", "--creds", str(creds), "--json", *payload]
        return subprocess.run(
            [sys.executable, "-m", "xinfang", *args, "--nats-url", system.settings.nats_url_text],
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    other = await asyncio.to_thread(act, "--payload", json.dumps({"case_id": case_id, "department": "990101"}))
    assert json.loads(other.stdout)["error"]["code"] == "not_your_case" and other.returncode != 0
    done = await asyncio.to_thread(act, "--payload", json.dumps({"case_id": case_id, "handler": "李工"}))
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["result"]["department"] == "990100ZJJ"
