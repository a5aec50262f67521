"""请求标识 (command_id): a command's key is recorded with its effects in the same save, so a repeat answers the first
outcome and applies nothing again; group commit, refused commands, reused keys, scope and retention, on a store in
memory (the restart, the lost reply and the CLI are proven on real parts in tests/integration/test_idempotency.py).
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from faststream.nats import NatsBroker, TestNatsBroker

from services.intake.application import IntakeApplication
from services.runtime.commands import CommandRoutes, command_subject
from services.runtime.dbthread import DbThread
from services.runtime.errors import XinfangError
from services.runtime.group_commit import GroupCommit, Pending
from services.runtime.idempotency import RECORDS, CommandKey
from services.runtime.organisation import organisation
from services.runtime.outbox import Outgoing
from services.runtime.stored import to_public
from services.runtime.wiring import command_routes, commands_of
from tests.support.clock import NOW, TODAY
from tests.support.harness import memory_store, sqlite_store

PETITION = {
    "channel": "visit",
    "received_by": "接待科 王敏",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "张建国", "phone": "13800000001"}],
    "request": "请求修复小区地下车库渗漏",
}


@dataclass
class Ticking:
    """A clock on the pinned day whose time of day the test moves (the retention counts from ``now``)."""

    at: datetime = NOW

    def today(self) -> date:
        return TODAY

    def now(self) -> datetime:
        return self.at


class Intake:
    """Intake's application behind its group commit, sent commands as the routes send them (keys included)."""

    def __init__(self, retention: timedelta = timedelta(days=30), store: dict[str, str] | None = None):
        self.clock = Ticking()
        self.app = IntakeApplication(store or memory_store(), organisation(), self.clock)
        self.db = DbThread("idempotency")
        self.committer = GroupCommit(self.app, self.db, retention=retention)
        self.routes = CommandRoutes("intake", self.committer)
        self.commands = commands_of(IntakeApplication)

    def pending(self, name: str, payload: dict[str, Any], sender: str = "") -> Pending:
        model, method = self.commands[name]
        command = model.model_validate(payload)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        key = self.routes.key(name, command, sender)
        return Pending(functools.partial(method, self.app), command, future, key)

    async def send(self, name: str, payload: dict[str, Any], sender: str = "") -> Any:
        """The command's result, or the named error it was answered with (returned, not raised)."""
        p = self.pending(name, payload, sender)
        try:
            return await self.committer.submit(p.handler, p.command, p.key)
        except XinfangError as error:
            return error

    def topics(self) -> list[str]:
        return [n.topic for n in self.app.recorder.select_notifications(1, 10_000)]

    def registered(self) -> int:
        return self.topics().count("xf/intake/Petition/Registered")


@pytest.fixture
async def intake() -> AsyncIterator[Intake]:
    service = Intake()
    yield service
    await service.committer.close()
    await service.db.close()


def code(outcome: Any) -> str:
    assert isinstance(outcome, XinfangError), outcome
    return outcome.code


async def test_a_repeated_key_answers_the_first_result_and_registers_once(intake: Intake) -> None:
    first = await intake.send("register", {**PETITION, "command_id": "k-1"})
    again = await intake.send("register", {**PETITION, "command_id": "k-1"})
    assert again == first and first["query_code"] and first["secret"]  # the code and secret shown once, again
    assert intake.registered() == 1
    other = await intake.send("register", {**PETITION, "command_id": "k-2"})
    assert other["case_id"] != first["case_id"] and intake.registered() == 2
    keyless = [await intake.send("register", PETITION) for _ in range(2)]  # an old client: no key, no record
    assert keyless[0]["case_id"] != keyless[1]["case_id"] and intake.registered() == 4
    assert intake.topics().count("xf/intake/CommandRecord/Recorded") == 2


async def test_two_commands_with_one_key_in_one_batch_make_one_case_and_get_one_answer(
    intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "services.runtime.group_commit")
    payload = {**PETITION, "command_id": "twice"}
    batch = [intake.pending("register", payload), intake.pending("register", payload)]
    others = [
        intake.pending("register", {**PETITION, "request": f"另一件 {i}", "command_id": f"o-{i}"}) for i in (1, 2)
    ]
    # The batch saves two first records of one key: the version check refuses the save, and each runs alone.
    outcomes = intake.committer._decide_and_save([batch[0], others[0], batch[1], others[1]])
    assert "deciding alone" in caplog.text
    assert outcomes[0] == outcomes[2] and isinstance(outcomes[0], dict)
    assert len({outcomes[0]["case_id"], outcomes[1]["case_id"], outcomes[3]["case_id"]}) == 3
    assert intake.registered() == 3
    assert intake.topics().count("xf/intake/CommandRecord/Recorded") == 3


async def test_commands_submitted_together_with_one_key_are_answered_alike(intake: Intake) -> None:
    payload = {**PETITION, "command_id": "together"}
    answers = await asyncio.gather(*(intake.send("register", payload) for _ in range(5)))
    assert all(a == answers[0] for a in answers) and intake.registered() == 1


async def test_a_refused_command_in_a_batch_records_its_error_for_both_sends(
    intake: Intake, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "services.runtime.group_commit")
    missing = {"case_id": "3f0c6a52-8a51-4b0f-9a0e-2f6d2b7c1e11", "command_id": "nowhere"}
    outcomes = intake.committer._decide_and_save([intake.pending("accept", missing), intake.pending("accept", missing)])
    assert "deciding alone" in caplog.text  # two records of one key, each the record alone
    assert [code(o) for o in outcomes] == ["not_found", "not_found"]
    assert outcomes[0].to_dict() == outcomes[1].to_dict()
    assert intake.topics() == ["xf/intake/CommandRecord/Recorded"]


async def test_a_repeat_of_a_refused_command_answers_its_error_and_changes_nothing(intake: Intake) -> None:
    case_id = (await intake.send("register", {**PETITION, "command_id": "reg"}))["case_id"]
    supplement = {"case_id": case_id, "items": ["身份证复印件"], "command_id": "early"}
    refused = await intake.send("supplement_materials", supplement)
    assert code(refused) == "no_materials_outstanding"
    request = {"case_id": case_id, "items": ["身份证复印件"], "command_id": "ask"}
    assert (await intake.send("request_materials", request))["case_id"] == case_id
    before = intake.topics()
    again = await intake.send("supplement_materials", supplement)  # would now succeed, were it decided again
    assert again.to_dict() == refused.to_dict() and intake.topics() == before
    fresh = await intake.send("supplement_materials", {**supplement, "command_id": "late"})  # a new request does
    assert fresh["case_id"] == case_id and "xf/intake/Petition/MaterialsSupplemented" in intake.topics()


async def test_a_key_reused_for_another_payload_or_command_is_refused(intake: Intake) -> None:
    first = await intake.send("register", {**PETITION, "command_id": "once"})
    changed = await intake.send("register", {**PETITION, "request": "请求另一件事", "command_id": "once"})
    assert code(changed) == "idempotency_key_reused" and changed.field == "command_id"
    assert "请求标识" in changed.message
    elsewhere = await intake.send("accept", {"case_id": first["case_id"], "command_id": "once"})
    assert code(elsewhere) == "idempotency_key_reused"
    assert intake.registered() == 1 and "xf/intake/Petition/Accepted" not in intake.topics()
    # defaults count as sent: leaving out a field with its default is the same payload
    same = await intake.send("register", {**PETITION, "collective": False, "command_id": "once"})
    assert same == first


async def test_a_key_is_scoped_by_who_sent_it(intake: Intake) -> None:
    staff = await intake.send("register", {**PETITION, "command_id": "shared"})
    unit = await intake.send("register", {**PETITION, "command_id": "shared"}, sender="990100ZJJ")
    other = await intake.send("register", {**PETITION, "command_id": "shared"}, sender="990101")
    assert len({staff["case_id"], unit["case_id"], other["case_id"]}) == 3  # nobody reads another's outcome
    assert (await intake.send("register", {**PETITION, "command_id": "shared"}, sender="990101")) == other
    keys = {CommandKey.of("intake", who, "shared", "register", {}).record_id for who in ("staff", "dept.990101")}
    assert len(keys) == 2 and CommandKey.of("assignment", "staff", "shared", "register", {}).record_id not in keys


async def test_after_the_retention_a_key_is_decided_anew() -> None:
    service = Intake(retention=timedelta(days=2))
    try:
        first = await service.send("register", {**PETITION, "command_id": "old"})
        service.clock.at = NOW + timedelta(days=1, hours=23)
        assert await service.send("register", {**PETITION, "command_id": "old"}) == first
        service.clock.at = NOW + timedelta(days=2)
        renewed = await service.send("register", {**PETITION, "request": "三年后的新请求", "command_id": "old"})
        assert renewed["case_id"] != first["case_id"] and service.registered() == 2
        assert "xf/intake/CommandRecord/Renewed" in service.topics()
        assert await service.send("register", {**PETITION, "request": "三年后的新请求", "command_id": "old"}) == renewed
    finally:
        await service.committer.close()
        await service.db.close()


async def test_the_record_stays_in_the_store_sealed_and_off_the_stream(intake: Intake) -> None:
    result = await intake.send("register", {**PETITION, "command_id": "sealed-key"})
    notes = intake.app.recorder.select_notifications(1, 100)
    stored = [intake.app.stored_event(n) for n in notes]
    records = [e for e in stored if isinstance(e, RECORDS["intake"].Recorded)]  # type: ignore[attr-defined]
    assert len(records) == 1 and to_public(records[0]) is None
    assert records[0].recorded_at == NOW  # when, by the service's clock
    # what the relay reads: the petition's public event, and nothing for the record
    outgoing = [Outgoing(n.id, to_public(e)) for n, e in zip(notes, stored, strict=True)]
    assert [o.event.event_type for o in outgoing if o.event is not None] == ["petition_registered"]
    # the store keeps neither the key nor the answer's 查询码 and 查询密码 in clear
    state = json.dumps(records[0].__dict__, default=str)
    for secret in ("sealed-key", result["secret"], result["query_code"], result["case_id"]):
        assert secret not in state
    assert records[0].originator_id != UUID(result["case_id"])


async def test_on_sqlite_a_batch_asks_once_which_of_its_keys_are_recorded(tmp_path: Path) -> None:
    service = Intake(store=sqlite_store(tmp_path, "intake"))
    try:
        first = await service.send("register", {**PETITION, "command_id": "sql"})
        key = service.pending("register", {**PETITION, "command_id": "sql"}).key
        fresh = service.pending("register", {**PETITION, "command_id": "new"}).key
        assert key is not None and fresh is not None
        assert service.app.present({key.record_id, fresh.record_id, UUID(first["case_id"])}) == {
            key.record_id,
            UUID(first["case_id"]),
        }
        payload = {**PETITION, "request": "同一批两次", "command_id": "pair"}
        batch = [service.pending("register", payload), service.pending("register", {**PETITION, "command_id": "sql"})]
        batch.append(service.pending("register", payload))
        outcomes = service.committer._decide_and_save(batch)
        assert outcomes[0] == outcomes[2] and outcomes[1] == first and service.registered() == 2
    finally:
        await service.committer.close()
        await service.db.close()


@pytest.fixture
async def routes() -> AsyncIterator[TestNatsBroker]:
    app = IntakeApplication(memory_store(), organisation(), Ticking())
    db = DbThread("idempotency-routes")
    broker = NatsBroker()
    broker.include_router(command_routes("intake", app, GroupCommit(app, db)).router)
    async with TestNatsBroker(broker) as test_broker:
        yield test_broker
    await db.close()


async def ask(broker: TestNatsBroker, command: str, body: dict[str, Any]) -> dict[str, Any]:
    reply = await broker.request(json.dumps(body).encode(), command_subject("intake", command), timeout=5)
    answer: dict[str, Any] = json.loads(reply.body)
    return answer


async def test_over_the_route_a_repeat_gets_the_same_answer_and_a_bad_key_is_invalid(routes: TestNatsBroker) -> None:
    first = await ask(routes, "register", {**PETITION, "command_id": "wire"})
    assert first["ok"] and await ask(routes, "register", {**PETITION, "command_id": "wire"}) == first
    reused = await ask(routes, "register", {**PETITION, "request": "别的", "command_id": "wire"})
    assert (reused["ok"], reused["error"]["code"], reused["error"]["field"]) == (
        False,
        "idempotency_key_reused",
        "command_id",
    )
    for bad in ("", "x" * 101, "有空 格"):
        wrong = await ask(routes, "register", {**PETITION, "command_id": bad})
        assert (wrong["error"]["code"], wrong["error"]["field"]) == ("invalid_input", "command_id"), bad
