"""Supervision's commands over the real pipeline: rating sends back, orders, sweep and bulletin on NATS."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest

from events import STREAM, decode
from services.runtime.errors import DomainError
from tests.support.clock import TODAY
from tests.support.system import PETITION, Client, InProcessSystem, eventually
from xinfang.scenario import REPLY


async def case_events(client: Client, case_id: str) -> list[str]:
    js = client.nc.jetstream()
    last = (await js.stream_info(STREAM)).state.last_seq
    types = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(STREAM, seq)
        if case_id in msg.subject:
            types.append(decode(msg.subject, msg.data).event_type)
    return types


async def until_open(client: Client, case_id: str) -> Any:
    """Issue an order once supervision has heard of the assignment (the events travel the stream)."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return await client.ready("supervision", "issue_order", case_id, reason="加快办理", grounds=["delay"])
        except DomainError as exc:
            if exc.code != "case_not_open" or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


async def test_orders_rating_sweep_and_bulletin_over_nats(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        await client.ready("assignment", "acknowledge", case_id, department="990100ZJJ")
        order = await until_open(client, case_id)
        assert order["order_no"].startswith("DB") and order["department"] == "990100ZJJ"
        answer = {"order_no": order["order_no"], "answer": "已部署"}
        with pytest.raises(DomainError) as refused:
            await client.cmd("supervision", "answer_order", case_id=case_id, **answer, department="990101")
        assert refused.value.code == "not_order_addressee"
        await client.cmd("supervision", "answer_order", case_id=case_id, **answer, department="990100ZJJ")
        await client.ready("mediation", "reply", case_id, **REPLY)
        await client.ready("mediation", "close", case_id, report="办结")
        rated = await client.ready("supervision", "rate", case_id, rating="unsatisfied", comment="仍漏水")
        assert rated["round"] == 2
        swept = await client.cmd("supervision", "sweep", as_of=TODAY.isoformat())
        assert swept["emitted"] == 0
        with pytest.raises(Exception) as future:
            await client.cmd("supervision", "sweep", as_of=(TODAY + timedelta(days=1)).isoformat())
        assert getattr(future.value, "field", None) == "as_of"
        today = TODAY.isoformat()
        bulletin = await client.cmd("supervision", "publish_bulletin", period_from=today, period_to=today)
        assert [n["reason"] for n in bulletin["named"]] == ["unsatisfied"]

        async def published() -> bool:
            types = await case_events(client, case_id)
            return "named_in_bulletin" in types and "case_sent_back" in types

        await eventually(published, what="supervision's events on the stream")
        types = await case_events(client, case_id)
        assert {"supervision_order_issued", "supervision_order_answered", "satisfaction_rated"} <= set(types)
