"""部门推送 on a real nats-server: each unit's own stream carries the cases it leads or co-handles, in order, and a
reassignment away is the last a unit hears of a case; a report reaches the discipline channel only."""

from __future__ import annotations

import json
from typing import Any

from nats.js.errors import NotFoundError

from events.base import feed_stream
from tests.support.system import PETITION, Client, InProcessSystem, eventually, settle


async def feed(client: Client, unit: str) -> list[dict[str, Any]]:
    """Every message of a unit's feed, in order: its subject and event."""
    js = client.nc.jetstream()
    try:
        last = (await js.stream_info(feed_stream(unit))).state.last_seq
    except NotFoundError:
        return []
    messages = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(feed_stream(unit), seq)
        messages.append({"subject": msg.subject, "type": msg.subject.rsplit(".", 1)[1], "event": json.loads(msg.data)})
    return messages


def of_case(messages: list[dict[str, Any]], case_id: str) -> list[str]:
    return [m["type"] for m in messages if m["event"]["case_id"] == case_id]


async def test_each_unit_hears_of_its_own_cases_and_a_reassignment_is_the_last_it_hears(
    system: InProcessSystem,
) -> None:
    async with Client(system.settings) as client:
        kept = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=kept)
        await client.ready("assignment", "acknowledge", kept, department="990100ZJJ", handler="李工")
        moved = (await client.cmd("intake", "register", **{**PETITION, "category": "urban_management"}))["case_id"]
        await client.cmd("intake", "accept", case_id=moved)
        objection = {"department": "990101", "reasons": "属住建部门职责", "proposed_department": "990100ZJJ"}
        await client.ready("assignment", "object", moved, **objection)
        await client.cmd(
            "assignment", "decide_objection", case_id=moved, agree=True, department="990100ZJJ", reason="异议成立"
        )
        reporter = {"name": "举报人甲", "phone": "13900001111", "id_number": "990101198001010011"}
        report = {
            **PETITION,
            "kind": "report",
            "category": "other",
            "reported_unit": "990101",
            "petitioners": [reporter],
        }
        reported = (await client.cmd("intake", "register", **report))["case_id"]
        await client.cmd("intake", "accept", case_id=reported)
        await settle(system)

        async def delivered() -> bool:
            return bool(of_case(await feed(client, "990100ZJJ"), moved))

        await eventually(delivered, what="the reassigned case in 住建局's feed")
        housing, street, discipline = [await feed(client, u) for u in ("990100ZJJ", "990101", "990100JWJ")]
    # 住建局 follows its own case from the assignment on, and the moved case from the reassignment on
    assert of_case(housing, kept)[0] == "case_assigned"
    assert {"assignment_received", "case_acknowledged"} <= set(of_case(housing, kept))
    assert of_case(housing, moved)[0] == "case_reassigned"
    # the street heard of the moved case until it went away, and never of the others
    assert of_case(street, moved)[0] == "case_assigned" and of_case(street, moved)[-1] == "case_reassigned"
    assert not of_case(street, kept) and not of_case(street, reported)
    # a report reaches the discipline channel only, and nothing of its reporter or content is in any feed
    assert of_case(discipline, reported)[0] == "case_assigned" and not of_case(housing, reported)
    everything = json.dumps([housing, street, discipline], ensure_ascii=False)
    for secret in (*reporter.values(), report["request"], report["facts"]):
        assert secret not in json.dumps(
            [m for m in discipline if m["event"]["case_id"] == reported], ensure_ascii=False
        )
    assert "举报人甲" not in everything and "13900001111" not in everything
    # every message is on its unit's own subjects, in the order of the case stream
    assert all(m["subject"].startswith("xf.feed.990100ZJJ.") for m in housing)
