"""Poison messages land in the dead-letter place with the reason, and the pipeline keeps flowing; an event type
this version does not know (a producer deployed first) is skipped and counted, not dead-lettered."""

from __future__ import annotations

import json
import uuid

from events import STREAM
from projections.store import ProjectionSink
from services.runtime.host import ProjectionHost
from services.runtime.sidecar import Sidecar, make_engine
from tests.support.system import Client, InProcessSystem, ledger_rows, projection_sinks, settle


async def test_poison_messages_are_dead_lettered_and_the_pipeline_flows_on(system: InProcessSystem) -> None:
    case = str(uuid.uuid4())
    poison = [
        (f"xf.case.{case}.petition_accepted", b"{not json"),  # bad JSON
        (f"xf.case.{case}.petition_registered", json.dumps({"schema_version": 99}).encode()),  # newer schema
        (f"xf.case.{case}.case_assigned", json.dumps({"case_id": case}).encode()),  # wrong schema
        (f"xf.case.{case}.reply_issued", b"x" * 900_000),  # oversized garbage
    ]
    newer = (f"xf.case.{case}.petition_teleported", json.dumps({"case_id": case, "schema_version": 1}).encode())
    async with Client(system.settings) as client:
        js = client.nc.jetstream()
        for subject, data in [*poison[:1], newer, *poison[1:]]:
            await js.publish(subject, data, stream=STREAM)
        case_id = await client.lifecycle(major=True)
    await settle(system)

    def letters(component: str) -> list[dict]:
        return Sidecar(make_engine(system.settings.db_url(component))).dead_letters()

    ledger_letters = [d for d in letters("projections") if d["consumer"] == "projection-ledger"]
    assert [d["subject"].rsplit(".", 1)[1] for d in ledger_letters] == [s.rsplit(".", 1)[1] for s, _ in poison]
    reasons = " | ".join(d["reason"] for d in ledger_letters)
    assert "not JSON" in reasons and "schema_version 99" in reasons
    assert "field" in reasons
    assert {d["subject"] for d in letters("assignment")} == {poison[0][0]}
    assert {d["subject"] for d in letters("supervision")} == {poison[i][0] for i in (0, 1, 2, 3)}
    host = system.components["projections"]
    assert isinstance(host, ProjectionHost)
    sinks = projection_sinks(host)
    assert len(sinks) == 6
    for sink in sinks:
        assert isinstance(sink, ProjectionSink)
        assert sink.skipped == {"petition_teleported": 1}, sink.name
    assert [r["status"] for r in ledger_rows(system.settings) if r["case_id"] == case_id] == ["rated"]
