"""Supervision's commands over the real pipeline: rating sends back, orders, sweep and bulletin on NATS."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

import pytest

from events import STREAM, decode
from services.runtime.errors import Conflict, DomainError
from tests.support.clock import TODAY
from tests.support.system import PETITION, Client, InProcessSystem, eventually, ledger_rows
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


async def until_open(client: Client, case_id: str, **order: Any) -> Any:
    """Issue an order once supervision has heard of the assignment, or of the supported reply for 拒不执行 (the
    events travel the stream)."""
    deadline = time.monotonic() + 30
    order = {"reason": "加快办理", "grounds": ["delay"], **order}
    while True:
        try:
            return await client.ready("supervision", "issue_order", case_id, **order)
        except DomainError as exc:
            if exc.code not in ("case_not_open", "no_execution_pending") or time.monotonic() > deadline:
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


async def test_a_supported_opinion_is_followed_until_the_department_carries_it_out_art_32(
    system: InProcessSystem,
) -> None:
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        await client.ready("assignment", "acknowledge", case_id, department="990100ZJJ")
        await client.ready("mediation", "reply", case_id, **REPLY)  # 予以支持
        await client.ready("mediation", "close", case_id, report="办结")
        # Closed, yet supervised while the supported opinion waits to be carried out (Art 32¶2, 40¶1).
        refusing = {"reason": "处理意见未执行", "grounds": ["refusing_execution"], "form": "listed"}
        order = await until_open(client, case_id, **refusing)
        assert order["department"] == "990100ZJJ"
        await client.ready("mediation", "record_execution", case_id, result="已完成车库防水修复")

        async def no_longer_followed() -> bool:
            try:
                await client.cmd("supervision", "issue_order", case_id=case_id, **refusing)
            except DomainError as exc:
                return exc.code == "case_not_open"
            except Conflict as exc:  # still followed: the first order awaits its answer, so this one repeats it
                if exc.reason != "order_already_issued":
                    raise
            return False

        await eventually(no_longer_followed, what="supervision hearing the opinion was carried out")

        async def in_ledger() -> bool:
            row = next(r for r in ledger_rows(system.settings) if r["case_id"] == case_id)
            return row["executed_on"] is not None and row["execution_opened_on"] is not None

        await eventually(in_ledger, what="the ledger showing the execution")
        types = await case_events(client, case_id)
        assert {"execution_follow_up_opened", "execution_carried_out"} <= set(types)
