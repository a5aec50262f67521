"""One case through the whole statutory workflow on the real pipeline, checking its history and ledger row at each step.

Receipt, objection within 5 working days of it and reassignment, the receipt notice (Art 23¶3), extension
(Art 34), reply (Art 32), unsatisfied rating and re-handling, review from the reply's delivery (Art 35), re-review
and finalisation (Art 36), and a repeat petition on the finalised matter refused (Art 36).
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

import pytest

from services.runtime.errors import DomainError
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import Client, InProcessSystem, ledger_rows, settle
from xinfang.history import case_history


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The case is entered late (补录): its clocks ran out long ago, and the test names each event it expects after
    each step. The sweep runs once as the system starts; a second one during a slow run would add its marks of
    missed deadlines between two steps."""
    return settings.model_copy(update={"sweep_interval_s": 3600.0})


def day(n: int) -> str:
    """``n`` days before today, as an effective date (补录 of a case that began weeks ago)."""
    return (TODAY - timedelta(days=n)).isoformat()


PETITION: dict[str, Any] = {
    "channel": "visit",
    "received_on": day(160),
    "received_by": "区信访局接待科 王敏",
    "kind": "claim",
    "category": "urban_management",
    "locality": "990101001",
    "petitioners": [{"name": "冯秋菊", "phone": "13912345678", "id_number": "990101196505050021"}],
    "request": "请求拆除楼顶违法建筑",
    "facts": "顶楼住户在楼顶加盖房屋，造成楼下漏水。",
}


class Walk:
    """Drives the case and remembers how much of its history has been checked."""

    def __init__(self, system: InProcessSystem, client: Client):
        self.system, self.client = system, client
        self.case_id = ""
        self.seen = 0

    async def step(self, service: str, command: str, **payload: Any) -> Any:
        result = await self.client.cmd(service, command, case_id=self.case_id, **payload)
        await settle(self.system)
        return result

    async def refused(self, service: str, command: str, **payload: Any) -> str:
        """The code a step is refused with (nothing is recorded)."""
        with pytest.raises(DomainError) as refused:
            await self.client.cmd(service, command, case_id=self.case_id, **payload)
        return str(refused.value.code)

    async def new_events(self) -> Counter[str]:
        """Event types (with their clock, stage or notice) recorded since the last check."""
        history = await case_history(self.client.nc, self.case_id)
        fresh = history[self.seen :]
        self.seen = len(history)
        return Counter(_kind(h) for h in fresh)

    def row(self, case_id: str | None = None) -> dict[str, Any]:
        wanted = case_id or self.case_id
        return next(r for r in ledger_rows(self.system.settings) if r["case_id"] == wanted)


def _kind(entry: dict[str, Any]) -> str:
    event = entry["event"]
    detail = event.get("clock") or event.get("stage") or event.get("notice")
    return f"{entry['type']}:{detail}" if detail else entry["type"]


async def test_one_case_through_every_statutory_step(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        walk = Walk(system, client)
        walk.case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await settle(system)
        assert await walk.new_events() == Counter(["petition_registered", "deadline_recorded:acceptance"])
        row = walk.row()
        assert row["status"] == "registered" and str(row["acceptance_due"]) == day(145)

        await walk.step("intake", "accept", on=day(159))
        assert await walk.new_events() == Counter(
            ["petition_accepted", "clock_stopped:acceptance", "deadline_recorded:handling", "case_assigned"]
        )
        row = walk.row()
        assert (row["status"], row["department"]) == ("assigned", "990101")
        assert str(row["handling_due"]) == day(159 - 60)
        await walk.step("intake", "serve_notice", notice="accepted", method="written", content="已受理", on=day(159))
        assert await walk.new_events() == Counter(["notice_served:accepted"])

        # Art 23¶3: the street's 5 working days to object, and its 15 days to tell the petitioner, run from the day
        # the 交办 reached it (Thursday 18 June), across the Dragon Boat holiday (19 June).
        await walk.step("assignment", "receive", department="990101", on=day(158))
        assert await walk.new_events() == Counter(
            ["assignment_received", "deadline_recorded:objection", "deadline_recorded:receipt_notice"]
        )
        row = walk.row()
        assert (str(row["objection_due"]), str(row["receipt_notice_due"])) == (day(150), day(143))
        objection = {
            "department": "990101",
            "reasons": "楼顶违建查处属住建部门职责",
            "proposed_department": "990100ZJJ",
        }
        assert await walk.refused("assignment", "object", **objection, on=day(147)) == "objection_window_closed"
        # the 5th working day after receipt is in time, though it is the 6th after the assignment
        await walk.step("assignment", "object", **objection, on=day(150))
        assert await walk.new_events() == Counter(["objection_filed", "clock_stopped:objection"])
        assert walk.row()["status"] == "objected"
        await walk.step(
            "assignment", "decide_objection", agree=True, department="990100ZJJ", reason="异议成立", on=day(149)
        )
        assert await walk.new_events() == Counter(["case_reassigned", "clock_stopped:receipt_notice"])
        row = walk.row()
        assert (row["status"], row["department"], row["reassignments"]) == ("reassigned", "990100ZJJ", 1)

        # 住建局 records no receipt: its 签收 is the receipt, and its own 15 days to tell the petitioner start.
        await walk.step("assignment", "acknowledge", department="990100ZJJ", handler="李工", on=day(147))
        assert await walk.new_events() == Counter(
            ["assignment_received", "deadline_recorded:receipt_notice", "case_acknowledged"]
        )
        assert walk.row()["status"] == "handling"
        told = {"notice": "receipt", "method": "written", "content": "已接收，将依法办理并于60日内答复"}
        await walk.step("assignment", "serve_notice", **told, on=day(146))
        assert await walk.new_events() == Counter(["notice_served:receipt", "clock_stopped:receipt_notice"])
        row = walk.row()
        assert (str(row["receipt_notice_on"]), bool(row["receipt_notice_on_time"])) == (day(146), True)

        # Art 34: a 30-day extension approved by a named head, the reason told to the petitioner.
        await walk.step(
            "mediation", "approve_extension", days=30, approved_by="区住建局局长 周明", reason="需联合执法",
            notified_on=day(120), on=day(120),
        )  # fmt: skip
        assert await walk.new_events() == Counter(["extension_approved", "deadline_recorded:handling"])
        assert str(walk.row()["handling_due"]) == day(159 - 90)

        reply = {
            "opinion": "not_supported", "text": "经核查，该建筑已补办手续。", "request": PETITION["request"],
            "facts_and_reasons": "现场核查", "legal_basis": "《城乡规划法》第六十四条", "disposition": "persuaded",
        }  # fmt: skip
        await walk.step("mediation", "reply", on=day(118), **reply)
        assert await walk.new_events() == Counter(["reply_issued", "clock_stopped:handling"])
        row = walk.row()
        assert (row["status"], row["opinion"], bool(row["handling_on_time"])) == ("replied", "not_supported", True)
        await walk.step("mediation", "close", report="已答复", on=day(117))
        assert await walk.new_events() == Counter(["case_closed"])

        # 不满意 sends the case back: a second round, the first kept in the history.
        await walk.step("supervision", "rate", rating="unsatisfied", comment="违建仍在", on=day(116))
        assert await walk.new_events() == Counter(
            ["satisfaction_rated", "case_sent_back", "rehandling_started", "deadline_recorded:handling"]
        )
        row = walk.row()
        assert (row["status"], row["round"], row["replied_on"]) == ("handling", 2, None)
        await walk.step("mediation", "reply", on=day(112), **{**reply, "opinion": "explained"})
        assert await walk.new_events() == Counter(["reply_issued", "clock_stopped:handling"])
        await walk.step("mediation", "close", report="再次答复", on=day(112))
        assert await walk.new_events() == Counter(["case_closed"])
        assert walk.row()["round"] == 2

        # Art 35: the written reply reaches the petitioner three days after its issue; their 30 days run from then.
        await walk.step("mediation", "serve_notice", notice="reply", method="written", on=day(109))
        assert await walk.new_events() == Counter(["notice_served:reply", "deadline_recorded:review_request"])
        assert (str(walk.row()["reply_served_on"]), str(walk.row()["review_request_due"])) == (day(109), day(79))
        # 31 days after delivery is too late; 30 days after it is in time, though it is 33 days after the issue.
        asked = {"stage": "review", "reasons": "对处理意见不服"}
        assert await walk.refused("supervision", "request_review", **asked, on=day(78)) == "review_window_closed"
        await walk.step("supervision", "request_review", **asked, on=day(79))
        assert await walk.new_events() == Counter(
            [
                "review_requested:review",
                "clock_stopped:review_request",
                "review_assigned:review",
                "deadline_recorded:review",
            ]
        )
        row = walk.row()
        assert (row["status"], row["review_body"]) == ("under_review", "990100")
        # Hearing time is left out of a 复核's limit only, never a 复查's (Art 36¶2).
        hearing = {"stage": "review", "from_on": day(70), "to_on": day(69), "on": day(68)}
        assert await walk.refused("supervision", "exclude_hearing", **hearing) == "hearing_only_for_re_review"
        await walk.step(
            "supervision", "review_opinion", stage="review", outcome="upheld", text="维持", body="990100", on=day(60)
        )
        assert await walk.new_events() == Counter(["review_opinion_issued:review", "clock_stopped:review"])
        assert walk.row()["review_outcome"] == "upheld"
        await walk.step("supervision", "serve_notice", notice="review_opinion", method="written", on=day(58))
        assert await walk.new_events() == Counter(
            ["notice_served:review_opinion", "deadline_recorded:re_review_request"]
        )
        assert str(walk.row()["re_review_request_due"]) == day(28)

        # Art 36: re-review by the city, its hearing days not counted, then finalisation.
        await walk.step("supervision", "request_review", stage="re_review", reasons="对复查意见不服", on=day(40))
        assert await walk.new_events() == Counter(
            [
                "review_requested:re_review",
                "clock_stopped:re_review_request",
                "review_assigned:re_review",
                "deadline_recorded:re_review",
            ]
        )
        assert walk.row()["re_review_body"] == "990000"
        await walk.step("supervision", "exclude_hearing", stage="re_review", from_on=day(30), to_on=day(28), on=day(27))
        assert await walk.new_events() == Counter(["hearing_days_excluded:re_review", "deadline_recorded:re_review"])
        assert str(walk.row()["re_review_due"]) == day(40 - 30 - 3)
        await walk.step(
            "supervision", "review_opinion", stage="re_review", outcome="upheld", text="维持", body="990000", on=day(20)
        )
        assert await walk.new_events() == Counter(
            ["review_opinion_issued:re_review", "case_finalised", "clock_stopped:re_review"]
        )
        row = walk.row()
        assert (row["status"], str(row["finalised_on"])) == ("finalised", day(20))
        await walk.step("supervision", "serve_notice", notice="finalised", method="written", on=day(18))
        assert await walk.new_events() == Counter(["notice_served:finalised"])

        # The same petitioner on the same facts and reasons: not accepted (Art 36).
        first = walk.case_id
        repeat = await client.cmd("intake", "register", **{**PETITION, "received_on": day(0), "related_case": first})
        walk.case_id, walk.seen = repeat["case_id"], 0
        await settle(system)
        with pytest.raises(DomainError) as refused:
            await client.cmd("intake", "accept", case_id=walk.case_id)
        assert refused.value.code == "finalised_matter"
        await walk.step("intake", "decline", reason="finalised", explanation="已终结，不再受理")
        assert await walk.new_events() == Counter(
            ["petition_registered", "deadline_recorded:acceptance", "petition_not_accepted", "clock_stopped:acceptance"]
        )
        row = walk.row()
        assert (row["status"], row["not_accepted_reason"], bool(row["repeat"])) == ("not_accepted", "finalised", True)
        assert walk.row(first)["status"] == "finalised"
