"""Command routes in memory (FastStream's TestNatsBroker): each service answers every command its payloads name,
ok/error JSON with the named code and field. Delivery itself is proven on the real nats-server elsewhere."""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from faststream.nats import NatsBroker, TestNatsBroker

from services.intake.application import IntakeApplication
from services.runtime.commands import Command, command_subject
from services.runtime.dbthread import DbThread
from services.runtime.group_commit import GroupCommit
from services.runtime.organisation import organisation
from services.runtime.wiring import command_routes, commands_of, reactions_of
from tests.support.clock import CLOCK
from tests.support.harness import memory_store

SERVICES = {
    "intake": "services.intake.application:IntakeApplication",
    "assignment": "services.assignment.application:AssignmentApplication",
    "mediation": "services.mediation.application:MediationApplication",
    "supervision": "services.supervision.application:SupervisionApplication",
}
PETITION = {
    "channel": "letter",
    "received_by": "办信科 刘洋",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "李四", "phone": "13700000001", "address": "清源社区5幢"}],
    "request": "请求修复小区道路",
    "facts": "道路破损多时",
}


def app_class(service: str) -> type:
    module, name = SERVICES[service].split(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_command_of_a_service_is_answered(service: str) -> None:
    module = importlib.import_module(f"services.{service}.commands")
    declared = {  # its own payloads and the shared ones it takes (serve_notice)
        cls.name for cls in vars(module).values() if inspect.isclass(cls) and issubclass(cls, Command) and cls.name
    }
    assert declared == set(commands_of(app_class(service))), f"{service}: a payload without a handler, or the reverse"


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_reacts_to_events_its_methods_name(service: str) -> None:
    """``reactions_of`` refuses an ``on_*`` method whose first parameter is not typed with the events it takes."""
    reactions = reactions_of(app_class(service))
    assert reactions and all(fn.__name__.startswith("on_") for fn in reactions.values())


@pytest.fixture
async def intake() -> AsyncIterator[TestNatsBroker]:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    db = DbThread("routes")
    broker = NatsBroker()
    broker.include_router(command_routes("intake", app, GroupCommit(app, db)).router)
    async with TestNatsBroker(broker) as test_broker:
        yield test_broker
    await db.close()


async def ask(broker: TestNatsBroker, command: str, body: Any) -> dict[str, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body, default=str).encode()
    reply = await broker.request(data, command_subject("intake", command), timeout=5)
    answer: dict[str, Any] = json.loads(reply.body)
    return answer


async def test_a_command_answers_ok_with_its_result(intake: TestNatsBroker) -> None:
    answer = await ask(intake, "register", PETITION)
    assert answer["ok"] and answer["result"]["case_no"].startswith(f"XF{CLOCK.today():%Y%m%d}")


async def test_bad_input_answers_with_the_field(intake: TestNatsBroker) -> None:
    assert (await ask(intake, "register", b"{not json"))["error"]["code"] == "invalid_input"
    wrong = await ask(intake, "register", {**PETITION, "channel": "pigeon"})
    assert (wrong["ok"], wrong["error"]["code"], wrong["error"]["field"]) == (False, "invalid_input", "channel")


async def test_a_broken_rule_answers_with_its_code(intake: TestNatsBroker) -> None:
    case_id = (await ask(intake, "register", PETITION))["result"]["case_id"]
    assert (await ask(intake, "accept", {"case_id": case_id}))["ok"]
    again = await ask(intake, "accept", {"case_id": case_id})
    assert (again["error"]["code"], again["error"]["reason"]) == ("conflict", "already_decided")
    future = await ask(intake, "accept", {"case_id": case_id, "on": "2099-01-01"})
    assert (future["error"]["code"], future["error"]["field"]) == ("invalid_input", "on")
    missing = await ask(intake, "accept", {"case_id": "3f0c6a52-8a51-4b0f-9a0e-2f6d2b7c1e11"})
    assert missing["error"]["code"] == "not_found"
