"""Unbreakable: a command whose answer was lost is sent again with its 请求标识 and applied once; the key outlives a
restart of its service; staff commands ride through a restarting service or NATS server within their --deadline,
and a give-up says the action may or may not have been applied. On a real nats-server, real SQLite, the real CLI.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.runtime.client import call, request
from services.runtime.commands import department_subject
from services.runtime.errors import IdempotencyKeyReused, XinfangError
from services.runtime.host import ServiceHost
from services.runtime.nats_server import EmbeddedNats
from tests.support.system import PETITION, Client, InProcessSystem, settle, table_rows
from xinfang.components import build_component


def xinfang(system: InProcessSystem, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    return subprocess.run(
        [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=timeout
    )


def topics(system: InProcessSystem, service: str) -> list[str]:
    """Every stored event's name in a service's own store (its SQLite file), in order."""
    rows = table_rows(system.settings.db_url(service), f"select topic from {service}_events order by id")
    return [r["topic"] for r in rows]


def own_events(system: InProcessSystem) -> list[str]:
    """What intake's commands wrote (its petitions and its keys), not what it records of other services' events."""
    return [t for t in topics(system, "intake") if t.startswith(("xf/intake/Petition/", "xf/intake/CommandRecord/"))]


def as_uuid(stored: Any) -> UUID:
    """An originator id as SQLite (16 bytes) or PostgreSQL (a uuid) keeps it."""
    return UUID(bytes=stored) if isinstance(stored, bytes) else UUID(str(stored))


def service(system: InProcessSystem, name: str) -> ServiceHost:
    host = system.components[name]
    assert isinstance(host, ServiceHost)
    return host


async def start(system: InProcessSystem, name: str) -> None:
    component = build_component(name, system.settings)
    await component.start()
    system.components[name] = component


async def stop(system: InProcessSystem, name: str) -> None:
    await system.components.pop(name).stop()


def crash_after_commit(system: InProcessSystem, name: str) -> asyncio.Event:
    """From now on the service dies between its commit and its answer, as a SIGKILL in that window would leave it:
    what it decided is in its store, and its reply never leaves. Set once it has happened."""
    crashed = asyncio.Event()

    def die() -> None:
        crashed.set()
        raise RuntimeError(f"{name} killed after its commit, before its reply")

    routes = service(system, name).routes
    assert routes is not None
    routes.on_saved = die
    return crashed


async def test_a_register_whose_reply_was_lost_is_retried_into_exactly_one_case(system: InProcessSystem) -> None:
    crashed = crash_after_commit(system, "intake")
    key = str(uuid4())
    async with Client(system.settings) as client:
        sending = asyncio.create_task(
            call(client.nc, "intake", "register", {**PETITION, "command_id": key}, timeout=2, deadline=60)
        )
        await asyncio.wait_for(crashed.wait(), 20)
        await stop(system, "intake")  # its answer never went out: the client waits, then finds nobody
        assert topics(system, "intake").count("xf/intake/Petition/Registered") == 1  # yet the case was saved
        await asyncio.sleep(1)
        await start(system, "intake")  # a new process on the same store: only the store remembers the key
        result = await asyncio.wait_for(sending, 60)

        stored = topics(system, "intake")
        assert stored.count("xf/intake/Petition/Registered") == 1 and stored.count("xf/intake/CommandRecord/Recorded")
        rows = table_rows(system.settings.db_url("intake"), "select originator_id, topic from intake_events")
        (case,) = [as_uuid(r["originator_id"]) for r in rows if r["topic"] == "xf/intake/Petition/Registered"]
        assert result["case_id"] == str(case) and result["secret"]  # the answer the first send never heard

        again = await call(client.nc, "intake", "register", {**PETITION, "command_id": key})
        assert again == result
        with pytest.raises(IdempotencyKeyReused) as reused:
            await call(client.nc, "intake", "register", {**PETITION, "request": "另一件事", "command_id": key})
        assert reused.value.code == "idempotency_key_reused" and reused.value.field == "command_id"

    await settle(system)
    ledger = table_rows(system.settings.db_url("projections"), "select case_id from ledger")
    assert [r["case_id"] for r in ledger] == [result["case_id"]]
    assert topics(system, "intake").count("xf/intake/Petition/Registered") == 1


async def test_a_refused_command_answers_its_error_again_and_keys_survive_a_restart(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        accepted = await client.cmd("intake", "accept", case_id=case_id, command_id="accept-1")
        with pytest.raises(XinfangError) as refused:
            await client.cmd("intake", "accept", case_id=case_id, command_id="accept-2")
        assert (refused.value.code, refused.value.reason) == ("conflict", "already_decided")
        before = own_events(system)

        await stop(system, "intake")
        await start(system, "intake")

        # The first accept, sent again, is answered as it was (deciding it again would say already_decided) ...
        assert await client.cmd("intake", "accept", case_id=case_id, command_id="accept-1") == accepted
        # ... and the refused one with its error, changing nothing.
        with pytest.raises(XinfangError) as again:
            await client.cmd("intake", "accept", case_id=case_id, command_id="accept-2")
        assert again.value.to_dict() == refused.value.to_dict()
        assert own_events(system) == before


async def test_a_cli_command_rides_through_a_restart_of_its_service(system: InProcessSystem, tmp_path: Path) -> None:
    petition = tmp_path / "petition.json"
    petition.write_text(json.dumps(PETITION, ensure_ascii=False), encoding="utf-8")
    await stop(system, "intake")
    submitting = asyncio.create_task(asyncio.to_thread(xinfang, system, "submit", str(petition), "--json"))
    await asyncio.sleep(3)  # the CLI meanwhile finds no intake and keeps trying
    assert not submitting.done()
    await start(system, "intake")
    done = await asyncio.wait_for(submitting, 60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["result"]["case_no"]
    assert topics(system, "intake").count("xf/intake/Petition/Registered") == 1


async def test_a_cli_command_rides_through_a_restart_of_the_nats_server(
    system: InProcessSystem, nats_server: EmbeddedNats
) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
    nats_server.kill()  # every connection drops; the components keep reconnecting
    accepting = asyncio.create_task(asyncio.to_thread(xinfang, system, "accept", case_id, "--json", "--deadline", "40"))
    await asyncio.sleep(3)
    assert not accepting.done()
    await asyncio.to_thread(nats_server.start)  # the same port and JetStream store
    done = await asyncio.wait_for(accepting, 60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["result"]["status"] == "accepted"
    assert topics(system, "intake").count("xf/intake/Petition/Accepted") == 1


async def test_a_cli_command_that_gets_no_answer_says_it_may_have_been_applied(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        registered: dict[str, Any] = await client.cmd("intake", "register", **PETITION)
    crash_after_commit(system, "intake")  # it decides, saves and never answers, however often it is asked
    done = await asyncio.to_thread(xinfang, system, "accept", registered["case_id"], "--deadline", "4")
    assert done.returncode == 6, done.stdout + done.stderr
    message = " ".join(done.stderr.split())  # rich wraps long lines
    assert "可能已执行，也可能未执行" in message and f"xinfang history {registered['case_id']}" in message
    assert "Traceback" not in done.stderr
    # and it had been: what the message asks staff to check
    assert topics(system, "intake").count("xf/intake/Petition/Accepted") == 1


async def test_a_department_key_is_its_own_and_answers_its_first_outcome(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        await client.ready("assignment", "receive", case_id, department="990100ZJJ")

        async def as_unit(unit: str, **payload: Any) -> Any:
            subject = department_subject(unit, "assignment", "acknowledge")
            try:
                return await request(client.nc, subject, {"case_id": case_id, **payload}, "assignment", 10, 10)
            except XinfangError as error:
                return error

        key = str(uuid4())
        first = await as_unit("990100ZJJ", handler="李工", command_id=key)
        assert first["department"] == "990100ZJJ"
        assert await as_unit("990100ZJJ", handler="李工", command_id=key) == first  # not already acknowledged
        # another unit sending the same key gets its own outcome, never the lead's answer
        other = await as_unit("990101", handler="李工", command_id=key)
        assert isinstance(other, XinfangError) and other.code == "not_your_case"
        reused = await as_unit("990100ZJJ", handler="王工", command_id=key)
        assert isinstance(reused, XinfangError) and reused.code == "idempotency_key_reused"
    assert topics(system, "assignment").count("xf/assignment/Assignment/Acknowledged") == 1
