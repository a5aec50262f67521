"""A command refused for events the service has not consumed yet (the case was just registered or closed elsewhere)
is decided again as the consumer applies events, for a moment, before the refusal is answered and kept for its key:
a client acting on a case it has just heard of gets its answer without polling."""

from __future__ import annotations

import asyncio
from typing import Any
from uuid import uuid4

import pytest

from services.intake.application import IntakeApplication
from services.runtime.commands import CommandRoutes
from services.runtime.dbthread import DbThread
from services.runtime.errors import NotFound, Unavailable, XinfangError
from services.runtime.group_commit import GroupCommit
from services.runtime.organisation import organisation
from services.runtime.wiring import commands_of
from tests.support.clock import CLOCK
from tests.support.harness import memory_store


class Arriving:
    """A handler refusing with NotFound until the case "arrives" (the test says when), then answering."""

    def __init__(self) -> None:
        self.arrived = False
        self.tries = 0

    def __call__(self, command: Any) -> dict[str, str]:
        self.tries += 1
        if not self.arrived:
            raise NotFound("案件尚未到达 (not here yet)", "case_id")
        return {"done": "yes"}


@pytest.fixture
async def committer() -> Any:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    db = DbThread("awaiting")
    committer = GroupCommit(app, db, await_events_s=1.0)
    committer.routes = CommandRoutes("intake", committer)  # type: ignore[attr-defined]
    yield committer
    await committer.close()
    await db.close()


def key_for(committer: Any, command_id: str) -> Any:
    model, _ = commands_of(IntakeApplication)["accept"]
    command = model.model_validate({"case_id": str(uuid4()), "command_id": command_id})
    return command, committer.routes.key("accept", command, "")


async def test_a_command_for_a_case_on_its_way_is_answered_once_the_case_arrives(committer: Any) -> None:
    handler = Arriving()
    command, key = key_for(committer, "k-arrives")
    answer = asyncio.create_task(committer.submit(handler, command, key))
    await asyncio.sleep(0.1)
    committer.events_applied()  # something else arrived: decided again, still not here
    await asyncio.sleep(0.1)
    assert not answer.done() and handler.tries == 2
    handler.arrived = True
    committer.events_applied()
    assert await asyncio.wait_for(answer, 1.0) == {"done": "yes"}
    again = await committer.submit(Arriving(), command, key)  # its key keeps the answer, not the refusal
    assert again == {"done": "yes"}


async def test_a_case_that_never_arrives_is_refused_after_the_wait_and_the_refusal_is_kept(committer: Any) -> None:
    command, key = key_for(committer, "k-never")
    started = asyncio.get_running_loop().time()
    with pytest.raises(NotFound):
        await committer.submit(Arriving(), command, key)
    assert 1.0 <= asyncio.get_running_loop().time() - started < 3.0
    late = Arriving()
    late.arrived = True
    with pytest.raises(XinfangError) as recalled:  # the same key answers what it was answered first, at once
        await committer.submit(late, command, key)
    assert recalled.value.code == "not_found" and late.tries == 0


async def test_a_waiting_command_hears_that_the_service_stops(committer: Any) -> None:
    command, key = key_for(committer, "k-stopping")
    answer = asyncio.create_task(committer.submit(Arriving(), command, key))
    await asyncio.sleep(0.1)
    await committer.close()
    with pytest.raises(Unavailable):
        await answer
