"""Concurrent staff actions on one case (issue 11): one wins, every other hears `conflict` naming the winner.

Over a real nats-server and the real services on SQLite, 50 cases are raced five ways: 250 rounds of 2 to 4
identical-intent commands fired at once (745 commands, each with its own 请求标识 and actor, so 495 conflicts): two
or more systems of the lead department acknowledging (签收) on its own subject, supervisors issuing the same 督办单,
staff replying, closing and rating. Every case's round runs at the same time, so racers meet both in one group-commit
batch (its save clashes and each is decided alone) and in batches one after the other. In each round exactly one
command is applied, the others answer `conflict` with the rule they met as reason and the winner's actor and date
in the message, and the store holds exactly one such event; the CLI answers a conflict with exit code 5.
`pytest -s` prints the counts (races: rounds=250 commands=745 won=250 conflicts=495 …)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import pytest

from services.runtime.client import call, request
from services.runtime.commands import department_subject
from services.runtime.errors import Conflict
from tests.support.clock import TODAY
from tests.support.counts import report
from tests.support.system import PETITION, Client, InProcessSystem, settle, table_rows
from xinfang.scenario import REPLY, numbered

CASES = 50
LEAD = "990100ZJJ"  # 区住建局 leads PETITION's category
DAY = TODAY.isoformat()
Send = Callable[[str], Awaitable[Any]]  # one racer's command, given its actor


@dataclass
class Tally:
    rounds: int = 0
    commands: int = 0
    won: int = 0
    conflicts: Counter[str] = field(default_factory=Counter)

    def line(self) -> str:
        kinds = ", ".join(f"{reason}={n}" for reason, n in sorted(self.conflicts.items()))
        conflicts = sum(self.conflicts.values())
        return f"races: rounds={self.rounds} commands={self.commands} won={self.won} conflicts={conflicts} ({kinds})"


async def race(tally: Tally, case_index: int, reason: str, send: Send) -> dict[str, Any]:
    """Fire 2-4 racers at one case at once: one result, the rest conflicts naming the winner; the winner's result."""
    actors = [f"经办人{case_index}-{i}" for i in range(2 + case_index % 3)]
    outcomes = await asyncio.gather(*(send(actor) for actor in actors), return_exceptions=True)
    won = [(actor, o) for actor, o in zip(actors, outcomes, strict=True) if isinstance(o, dict)]
    lost = [o for o in outcomes if not isinstance(o, dict)]
    assert len(won) == 1, (reason, outcomes)
    winner, result = won[0]
    for conflict in lost:
        assert isinstance(conflict, Conflict), (reason, conflict)
        assert (conflict.code, conflict.reason) == ("conflict", reason), conflict.to_dict()
        assert winner in conflict.message and DAY in conflict.message, (winner, conflict.message)
        assert str(result.get("order_no", "")) in conflict.message
    tally.rounds += 1
    tally.commands += len(actors)
    tally.won += 1
    tally.conflicts[reason] += len(lost)
    return result


async def race_all(tally: Tally, case_ids: list[str], reason: str, send: Callable[[str, str], Awaitable[Any]]) -> None:
    """Every case's round at once, so the service decides racers of many cases in the same batches."""
    rounds = (race(tally, i, reason, lambda actor, c=c: send(c, actor)) for i, c in enumerate(case_ids))
    await asyncio.gather(*rounds)


def stored(system: InProcessSystem, service: str, topic: str) -> Counter[UUID]:
    """How many stored events of one kind each case has in a service's own store."""
    rows = table_rows(system.settings.db_url(service), f"select originator_id, topic from {service}_events")
    ids = (r["originator_id"] for r in rows if r["topic"] == topic)
    return Counter(UUID(bytes=i) if isinstance(i, bytes) else UUID(str(i)) for i in ids)


def cli(system: InProcessSystem, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    return subprocess.run([sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=90)


@pytest.mark.timeout(180)
async def test_concurrent_actions_on_a_case_have_one_winner_and_conflicts_naming_it(system: InProcessSystem) -> None:
    tally = Tally()
    async with Client(system.settings) as client:
        nc = client.nc

        def staff(service: str, command: str, **payload: Any) -> Callable[[str, str], Awaitable[Any]]:
            return lambda case_id, actor: call(
                nc, service, command, {"case_id": case_id, "actor": actor, **payload}, timeout=60, deadline=60
            )

        async def acknowledge(case_id: str, actor: str) -> Any:
            payload = {"case_id": case_id, "handler": f"承办人 {actor}", "actor": actor}
            return await request(nc, department_subject(LEAD, "assignment", "acknowledge"), payload, LEAD, 60, 60)

        registered = [client.cmd("intake", "register", **numbered(PETITION, i)) for i in range(CASES)]
        case_ids = [r["case_id"] for r in await asyncio.gather(*registered)]
        await asyncio.gather(*(client.cmd("intake", "accept", case_id=c) for c in case_ids))
        await settle(system)  # assignment and supervision have every case

        await race_all(tally, case_ids, "already_acknowledged", acknowledge)
        await settle(system)  # mediation opened every case's handling
        order = staff("supervision", "issue_order", reason="办理缓慢，请加快", grounds=["delay"])
        await race_all(tally, case_ids, "order_already_issued", order)
        await race_all(tally, case_ids, "already_replied", staff("mediation", "reply", **REPLY))
        await race_all(tally, case_ids, "already_closed", staff("mediation", "close", report="已办结"))
        await settle(system)  # supervision heard every closure
        await race_all(tally, case_ids, "already_rated", staff("supervision", "rate", rating="satisfied"))

    once = Counter({UUID(c): 1 for c in case_ids})
    assert stored(system, "assignment", "xf/assignment/Assignment/Acknowledged") == once
    assert stored(system, "supervision", "xf/supervision/Supervision/SupervisionOrderIssued") == once
    assert stored(system, "mediation", "xf/mediation/Handling/Replied") == once
    assert stored(system, "mediation", "xf/mediation/Handling/Closed") == once
    assert stored(system, "supervision", "xf/supervision/Supervision/Rated") == once

    closing = ("close", case_ids[0], "--report", "再次办结", "--actor", "王五", "--json")
    again = await asyncio.to_thread(cli, system, *closing)
    error = json.loads(again.stdout)["error"]
    assert again.returncode == 5 and (error["code"], error["reason"]) == ("conflict", "already_closed"), again
    assert "经办人0-" in error["message"] and DAY in error["message"]
    report(tally.line())
    assert tally.rounds == 5 * CASES and tally.won == tally.rounds
    assert sum(tally.conflicts.values()) == tally.commands - tally.won >= tally.rounds
