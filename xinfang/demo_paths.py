"""The paths a demo case takes, as a petition office sees them: each is a script of staff actions with dates."""

from __future__ import annotations

import random
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from typing import Any

from nats.aio.client import Client

from services.assignment.domain.routing import route
from services.runtime.client import Line
from services.runtime.errors import XinfangError
from services.runtime.organisation import Organisation
from xinfang.demo_people import RECEIVERS, REPORTS, matter, person
from xinfang.scenario import NOT_YET, when_ready

# every channel of Art 17, online the most common as in a real district
DEMO_DEADLINE_S = 60.0  # a demo rides out a component's (or NATS's) restart: `xinfang demo --deadline`
CHANNELS = ["letter", "visit", "online", "online", "phone", "fax", "leader_mailbox", "hotline_12345"]


class OutOfTime(Exception):
    """The path's next step would fall after today: the case stays where it is, as real cases do."""


class DemoCase:
    """One generated case: its dates move forward step by step, never past today."""

    def __init__(
        self,
        nc: Client | Line,
        rng: random.Random,
        org: Organisation,
        today: date,
        index: int,
        age: int,
        outage: float = DEMO_DEADLINE_S,
    ):
        self.nc, self.rng, self.org, self.today, self.index = nc, rng, org, today, index
        self.outage = outage  # how long each command rides through an outage (xinfang demo --deadline)
        self.on = today - timedelta(days=age)
        self.case_id = ""
        self.department = ""
        self.co_handlers: list[str] = []
        self.notifying = True  # whether staff record the notices to the petitioner (a test may serve its own)

    def later(self, low: int, high: int) -> date:
        self.on += timedelta(days=self.rng.randint(low, high))
        if self.on > self.today:
            raise OutOfTime
        return self.on

    async def do(self, service: str, command: str, wait: tuple[str, ...] = (), **payload: Any) -> Any:
        body = {"case_id": self.case_id, "on": self.on.isoformat(), **payload}
        try:
            return await when_ready(
                self.nc, service, command, body, time.monotonic() + 120, 30, also=wait, outage=self.outage
            )
        except XinfangError as error:  # say which case and step, so a failed demo can be followed up
            error.message = f"演示案件 #{self.index} ({self.case_id}) {service}.{command} (生效日期 {self.on}): {error}"
            error.args = (error.message,)
            raise

    async def register(self, kind: str = "claim", category: str | None = None, **extra: Any) -> None:
        category, locality, request, facts = matter(self.rng, category)
        channel = self.rng.choice(CHANNELS)
        people = extra.pop("petitioners", None) or [person(self.rng, self.index)]
        petition: dict[str, Any] = {"channel": channel, "received_on": self.on.isoformat()}
        petition["received_by"] = self.rng.choice(RECEIVERS)
        petition |= {"kind": kind, "category": category, "locality": locality, "petitioners": people}
        petition |= {"request": request, "facts": facts, **extra}
        await self._register(petition)

    async def register_again(self) -> str:
        """The same petitioner about the same matter, linked to the earlier case; returns the earlier case id."""
        earlier = self.case_id
        again = {**self.petition, "received_on": self.on.isoformat(), "related_case": earlier}
        await self._register(again)
        return earlier

    async def _register(self, petition: dict[str, Any]) -> None:
        self.petition = petition
        result = await when_ready(
            self.nc, "intake", "register", petition, time.monotonic() + 120, 30, outage=self.outage
        )
        self.case_id = result["case_id"]
        lead, _ = route(self.org, petition["kind"], petition["category"], petition["locality"],
                        petition.get("reported_unit", ""))  # fmt: skip
        self.department = lead.code

    async def accept(self, **extra: Any) -> None:
        self.later(1, 10)
        await self.do("intake", "accept", **extra)
        await self.notify("intake", "accepted", content="您的信访事项已受理")  # 受理告知 (Art 22), the same day

    async def receive(self) -> None:
        """收到交办: most departments record the day the 交办 arrived; the others' 签收 is their receipt."""
        self.later(0, 2)
        await self.do("assignment", "receive", department=self.department)

    async def acknowledge(self, received: bool = False) -> None:
        if not received and self.rng.random() < 0.8:
            await self.receive()
        self.later(0, 3)
        handler = "承办人" + str(self.index % 7)
        result = await self.do("assignment", "acknowledge", department=self.department, handler=handler)
        self.co_handlers = result.get("co_handlers", [])
        # 接收情况告知 within 15 days of receipt (Art 23¶3); now and then late, and a few never told
        if self.rng.random() < 0.9:
            self.later(0, 17 if self.rng.random() < 0.2 else 6)
            told = "已收到交办，将依法调查核实并在规定期限内书面答复"
            await self.notify("assignment", "receipt", content=told)

    async def notify(self, service: str, notice: str, **told: Any) -> None:
        """告知/送达 by the service that decided; mostly in writing, some by SMS or online."""
        if not self.notifying:
            return
        method = self.rng.choice(["written", "written", "written", "sms", "online"])
        await self.do(service, "serve_notice", notice=notice, method=method, **told)

    async def reply(
        self, opinion: str = "supported", disposition: str = "resolved", wait: tuple[str, ...] = ()
    ) -> None:
        self.later(5, 40)
        for department in self.co_handlers:  # 协办单位 report to the lead before it replies (主办/协办)
            agreed = "同意主办单位意见"
            await self.do("mediation", "submit_co_handler_opinion", wait=wait, department=department, opinion=agreed)
        await self.do(
            "mediation",
            "reply",
            wait=wait,
            opinion=opinion,
            text="经调查核实，现答复如下。",
            request=self.petition["request"],
            facts_and_reasons=self.petition["facts"],
            legal_basis="《信访工作条例》第三十二条及相关法律法规",
            disposition=disposition,
        )
        # 处理意见书送达: by post a few days later, sometimes later still; the 30 days to ask for 复查 run from it
        self.later(0, 12 if self.rng.random() < 0.2 else 4)
        await self.notify("mediation", "reply")

    async def close(self, report: str = "已答复信访人，办结。") -> None:
        self.later(1, 5)
        await self.do("mediation", "close", report=report)

    async def rate(self, rating: str) -> None:
        self.later(1, 7)
        await self.do("supervision", "rate", rating=rating, comment="回访意见")


Path = Callable[[DemoCase], Awaitable[None]]


async def satisfied(case: DemoCase) -> None:
    await case.register()
    await case.accept()
    await case.acknowledge()
    case.later(1, 10)
    await case.do("mediation", "record_investigation", findings="现场核查属实", investigators=["调查员甲", "调查员乙"])
    await case.reply()
    await case.close()
    await case.rate(case.rng.choice(["satisfied", "satisfied", "basically_satisfied"]))


async def declined(case: DemoCase) -> None:
    await case.register()
    case.later(1, 12)
    if case.rng.random() < 0.5:
        await case.do("intake", "decline", reason="outside_scope", explanation="不属于信访事项受理范围")
    else:
        route = case.rng.choice(["litigation", "arbitration", "administrative_review"])
        await case.do("intake", "decline", reason="legal_procedure", routed_to=route, explanation="请依法定途径解决")


async def materials(case: DemoCase) -> None:
    await case.register()
    case.later(1, 3)
    await case.do("intake", "request_materials", items=["身份证明复印件", "相关合同或票据", "现场照片"])
    case.later(3, 20)
    await case.do("intake", "supplement_materials", items=["身份证明复印件", "相关合同或票据", "现场照片"])
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="explained", disposition="persuaded")
    await case.close()
    await case.rate("basically_satisfied")


async def objected(case: DemoCase) -> None:
    await case.register(category="urban_management")
    await case.accept()
    await case.receive()
    case.later(1, 4)  # within the street's 5 working days from its receipt (Art 23¶3)
    other = "990100ZJJ"
    await case.do(
        "assignment", "object", department=case.department, reasons="该事项属住建部门职责", proposed_department=other
    )
    case.later(1, 3)
    agreed = case.rng.random() < 0.7
    if agreed:
        await case.do("assignment", "decide_objection", agree=True, department=other, reason="异议成立，改派住建局")
        case.department = other
    else:
        await case.do("assignment", "decide_objection", agree=False, reason="属地管理，仍由原单位办理")
    await case.acknowledge(received=not agreed)  # the street has received it already; 住建局 receives anew
    await case.reply()
    await case.close()
    await case.rate("satisfied")


async def disputed(case: DemoCase) -> None:
    await case.register(category="ecology_environment")
    await case.accept()
    case.later(1, 4)
    other = "990100CGJ"
    await case.do(
        "assignment", "object", department=case.department, reasons="噪声属城管执法", proposed_department=other
    )
    case.later(1, 3)
    await case.do("assignment", "refer_dispute")
    case.later(3, 10)
    await case.do(
        "assignment", "settle_dispute", department=other, reason="联席会议议定由城管局牵头", by="joint_conference"
    )
    case.department = other
    await case.acknowledge()
    await case.reply()
    await case.close()
    await case.rate("satisfied")


async def extended(case: DemoCase) -> None:
    await case.register(category="labour_social_security")
    await case.accept()
    await case.acknowledge()
    case.later(5, 30)  # within the 60 days, which run from acceptance (Art 34)
    await case.do(
        "mediation",
        "approve_extension",
        days=30,
        approved_by="区人社局局长 杨帆",
        reason="涉及多家用工单位，需进一步调查",
        notified_on=case.on.isoformat(),
    )
    case.later(1, 10)
    await case.do(
        "mediation",
        "record_mediation",
        mediation_type=case.rng.choice(["administrative", "people"]),
        participants=["信访人", "用工单位代表", "人民调解员"],
        consented=True,
        agreed=True,
        agreement="用工单位分两期支付拖欠工资",
    )
    await case.reply()
    await case.close()
    await case.rate("satisfied")


async def rehandled(case: DemoCase) -> None:
    await case.register()
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="not_supported", disposition="persuaded")
    await case.close()
    await case.rate("unsatisfied")
    await case.reply(opinion="supported", wait=("already_replied", "already_closed"))
    await case.close()
    await case.rate("basically_satisfied")


async def review_after_unsatisfied(case: DemoCase) -> None:
    """不满意 sends the case back (the office's practice) and the petitioner also asks for 复查 (Art 35)."""
    await case.register()
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="not_supported", disposition="persuaded")
    await case.close()
    await case.rate("unsatisfied")
    case.later(1, 10)
    await case.do("supervision", "request_review", stage="review", reasons="对处理意见不服，申请复查")
    await case.reply(opinion="explained", disposition="persuaded", wait=("already_replied", "already_closed"))
    await case.close()


async def reviewed(case: DemoCase, re_review: bool = False) -> None:
    await case.register(category="civil_affairs")
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="not_supported", disposition="persuaded")
    await case.close()
    case.later(3, 20)
    await case.do("supervision", "request_review", stage="review", reasons="对处理意见不服", wait=("no_reply_yet",))
    body = case.org.units[case.department].parent or ""
    case.later(10, 25)
    await case.do(
        "supervision", "review_opinion", wait=("review_not_assigned",), stage="review", outcome="upheld",
        text="复查意见：维持原处理意见", body=body,
    )  # fmt: skip
    case.later(0, 5)
    await case.notify("supervision", "review_opinion")  # 复查意见送达: the 30 days to ask for 复核 run from it
    if not re_review:
        return
    case.later(3, 20)
    await case.do("supervision", "request_review", stage="re_review", reasons="对复查意见不服")
    re_body = case.org.units[body].parent or ""
    case.later(10, 25)
    await case.do(
        "supervision", "review_opinion", wait=("review_not_assigned",), stage="re_review", outcome="upheld",
        text="复核意见：维持复查意见", body=re_body,
    )  # fmt: skip
    case.later(5, 30)
    await case.register_again()
    case.later(0, 3)
    # intake learns of the finalisation from the stream; until then the matter is not yet final
    await case.do(
        "intake", "decline", wait=("not_finalised",), reason="finalised", explanation="已终结，同一事实和理由不再受理"
    )


async def re_reviewed(case: DemoCase) -> None:
    await reviewed(case, re_review=True)


async def stalled(case: DemoCase) -> None:
    await case.register()
    await case.accept()
    await case.acknowledge()
    case.later(1, 10)
    await case.do("mediation", "record_investigation", findings="正在协调相关单位", investigators=["调查员丙"])


async def merged(case: DemoCase) -> None:
    await case.register()
    await case.accept()
    case.later(2, 10)
    first = await case.register_again()
    case.later(0, 2)
    await case.do("intake", "merge", into=first)


async def report(case: DemoCase, **about: Any) -> None:
    """检举控告 (Art 30): to the discipline body, which feeds back under its own rules; nothing of the report, its
    handling or its reporter is recorded beyond its record number (Art 30¶3, 46(5))."""
    request, facts = case.rng.choice(REPORTS)
    about = about or {"reported_unit": "990101"}
    await case.register(kind="report", category="other", request=request, facts=facts, **about)
    await case.accept()
    await case.acknowledge()
    case.later(10, 50)
    await case.do("mediation", "feed_back_report", record_no=f"JW{case.on:%Y}{case.index:04d}")
    await case.close(report="")


async def cadre_report(case: DemoCase) -> None:
    """A report about a cadre: also 通报 to the organisation department when accepted (Art 30¶2)."""
    await report(case, reported_unit="990102", cadre="东关街道办事处副主任")


async def collective(case: DemoCase) -> None:
    people = [person(case.rng, case.index * 10 + i) for i in range(6)]
    await case.register(category="agriculture_rural", petitioners=people, representatives=3)
    # 重大紧急信访 (Art 25): reported the same day with its time, to the bodies the org file names
    at = None if case.on == case.today else f"{case.rng.randint(8, 17):02d}:{case.rng.randint(0, 59):02d}"
    summary = f"{len(people)}名群众集体走访，反映{case.petition['request']}"
    await case.do("intake", "report_urgent", summary=summary, measures="已安排接谈并稳控现场", at=at)
    await case.accept(major=True)
    await case.acknowledge()
    leader = case.org.leader_for(case.department)
    town = case.org.ancestors(case.petition["locality"])[1]
    members = [
        ("district_leader", leader.name if leader else "", "990100"),
        ("township_secretary", "镇党委副书记 李强", town),
        ("village_secretary", "村党支部书记 王军", case.petition["locality"]),
        ("grid_worker", "网格员 赵丽", case.petition["locality"]),
        ("police_head", "派出所所长 陈刚", f"{town}PCS"),
        ("legal_worker", "法律顾问 孙律师", "990100SFJ"),
        ("handler", "承办人" + str(case.index % 7), case.department),
    ]
    case.later(0, 3)
    await case.do("assignment", "form_task_force", members=[{"role": r, "name": n, "unit": u} for r, n, u in members])


async def suggestion(case: DemoCase, adoption: str = "", reward: str = "") -> None:
    """建议意见 (Art 29): studied, and answered on whether it is adopted; no 60-day clock, rating or review."""
    await case.register(kind="suggestion", category="other")
    await case.accept()
    await case.acknowledge()
    case.later(5, 30)
    adoption = adoption or case.rng.choice(["partly_adopted", "not_adopted"])
    await case.do("mediation", "answer_suggestion", adoption=adoption, text="经研究论证，现回复如下。", reward=reward)
    await case.close()


async def suggestion_adopted(case: DemoCase) -> None:
    await suggestion(case, "adopted", reward="按照人民建议征集有关规定予以表扬")


async def duty(case: DemoCase) -> None:
    """Art 31(5): a request to stop an unlawful act, met by the body performing its duty."""
    await case.register(category="ecology_environment")
    await case.accept(claim_route="duty")
    await case.acknowledge()
    case.later(3, 20)
    await case.do("mediation", "answer_duty", performed=True, text="已依法立案查处，责令停止违法行为。")
    await case.close()


async def listed_order(case: DemoCase) -> None:
    """挂牌督办 with feedback: a case left lying is listed for 拖延、敷衍 with a proposal to improve the work; the
    department answers the order and feeds back the proposal's adoption in writing (Art 40), then replies."""
    await case.register()
    await case.accept()
    await case.acknowledge()
    case.later(20, 40)
    grounds = ["delay", "perfunctory"]
    order = await case.do(
        "supervision",
        "issue_order",
        wait=("case_not_open",),
        reason="久拖未办，挂牌督办",
        grounds=grounds,
        form="listed",
    )
    proposal = {"kind": "improve_work", "text": "建立信访事项办理台账，明确专人跟踪", "order_no": order["order_no"]}
    proposed = await case.do("supervision", "propose", **proposal)
    case.later(2, 10)
    answer = "已成立工作专班，限期办结"
    await case.do("supervision", "answer_order", order_no=order["order_no"], department=case.department, answer=answer)
    case.later(1, 10)
    await case.do(
        "supervision", "feedback", proposal_no=proposed["proposal_no"], department=case.department,
        adoption="adopted", feedback="已建立办理台账并明确专人跟踪",
    )  # fmt: skip
    await case.reply()
    await case.close()
    await case.rate("basically_satisfied")


async def executed(case: DemoCase) -> None:
    """督促执行: a supported opinion followed until the department records it carried out (Art 32¶2)."""
    await case.register()
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="supported", disposition="resolved")
    case.later(3, 30)
    await case.do("mediation", "record_execution", result="已按处理意见落实到位")
    await case.close()
    await case.rate("satisfied")


async def publicised(case: DemoCase) -> None:
    """复核 after a hearing, its opinion made public (公示, Art 36¶2); then the follow-up work (Art 37¶3)."""
    await case.register(category="civil_affairs")
    await case.accept()
    await case.acknowledge()
    await case.reply(opinion="not_supported", disposition="persuaded")
    await case.close()
    body = case.org.units[case.department].parent or ""
    stages = (
        ("review", body, "复查意见：维持原处理意见"),
        ("re_review", case.org.units[body].parent or "", "复核意见：维持"),
    )
    for stage, unit, text in stages:
        case.later(3, 10)
        await case.do("supervision", "request_review", stage=stage, reasons="对意见不服", wait=("no_reply_yet",))
        if stage == "re_review":  # 听证 for a 复核: its days are not counted (Art 36¶2)
            start = case.later(1, 5).isoformat()
            hearing: dict[str, Any] = {"stage": stage, "from_on": start, "to_on": case.later(0, 2).isoformat()}
            await case.do("supervision", "exclude_hearing", **hearing)
        case.later(5, 12)
        await case.do(
            "supervision", "review_opinion", wait=("review_not_assigned",), stage=stage, outcome="upheld", text=text,
            body=unit,
        )  # fmt: skip
    case.later(1, 3)
    until = (case.on + timedelta(days=7)).isoformat()
    await case.do(
        "supervision", "publicise", venue="区人民政府门户网站", content="复核意见（已隐去个人信息）", until_on=until
    )
    case.later(3, 15)  # after finalisation the unit keeps up 疏导教育、帮扶救助 with the petitioner (Art 37¶3)
    await case.do("supervision", "record_aftercare", work="education", content="上门释法明理，信访人表示理解")
    if case.rng.random() < 0.5:
        case.later(5, 20)
        await case.do("supervision", "record_aftercare", work="assistance", content="协助申请临时救助")


PATHS: list[tuple[Path, int]] = [
    (satisfied, 30),
    (declined, 8),
    (materials, 8),
    (objected, 7),
    (disputed, 3),
    (extended, 6),
    (rehandled, 6),
    (review_after_unsatisfied, 3),
    (reviewed, 4),
    (re_reviewed, 3),
    (stalled, 9),
    (merged, 4),
    (report, 4),
    (collective, 5),
    (suggestion, 3),
    (listed_order, 4),
    (executed, 4),
    (publicised, 3),
    (suggestion_adopted, 2),
    (cadre_report, 2),
    (duty, 3),
]

__all__ = ["NOT_YET", "PATHS", "DemoCase", "OutOfTime"]
