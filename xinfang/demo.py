"""`xinfang demo`: a district's worth of generated cases through the real pipeline, so every view shows something true.

Cases are spread over the past months with back-dated effective dates (补录), so that the older ones have run their
whole course (replies, ratings, reviews, finalisation) and the stalled ones are overdue by today.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from nats.aio.client import Client

from services.runtime.client import Line, call
from services.runtime.errors import Conflict
from services.runtime.organisation import organisation
from services.runtime.settings import Settings
from xinfang.demo_paths import DEMO_DEADLINE_S, PATHS, DemoCase, OutOfTime

CONCURRENT_CASES = 24
PATH_LABELS = {
    "satisfied": "办结满意",
    "declined": "不予受理/导入法定途径",
    "materials": "补正材料后受理",
    "objected": "交办异议",
    "disputed": "交办争议裁定",
    "extended": "延期办理",
    "rehandled": "不满意重办",
    "reviewed": "复查",
    "re_reviewed": "复核终结",
    "stalled": "逾期未办结",
    "merged": "重复信访合并",
    "report": "检举控告",
    "collective": "集体访专班",
    "suggestion": "建议意见",
    "listed_order": "挂牌督办及建议反馈",
    "executed": "支持意见督促执行",
    "publicised": "复核听证并公示",
    "suggestion_adopted": "建议意见采纳",
    "cadre_report": "反映干部问题通报组织部门",
    "duty": "依法履行或者答复",
}


@dataclass
class DemoReport:
    paths: Counter[str] = field(default_factory=Counter)
    completed: Counter[str] = field(default_factory=Counter)
    overdue_orders: int = 0
    bulletin: int = 0


def first_failure(group: BaseExceptionGroup[Any]) -> BaseException:
    """The first case's failure, unwrapped, so the CLI names it as it names any other error."""
    first = group.exceptions[0]
    return first_failure(first) if isinstance(first, BaseExceptionGroup) else first


async def run_demo(
    nc: Client | Line,
    settings: Settings,
    cases: int = 200,
    days: int = 180,
    seed: int = 7,
    progress: Callable[[int, int], None] = lambda done, total: None,
    deadline: float = DEMO_DEADLINE_S,
) -> DemoReport:
    """Drive ``cases`` generated cases through the services; then sweep, order and bulletin as supervisors do.
    Each command carries its own 请求标识 and rides through an outage for ``deadline`` seconds."""
    rng = random.Random(seed)
    org = organisation(settings.org_file)
    today = settings.clock().today()
    report = DemoReport()
    paths, weights = zip(*PATHS, strict=True)
    plan = [(rng.choices(paths, weights)[0], rng.randint(0, days)) for _ in range(cases)]
    gate = asyncio.Semaphore(CONCURRENT_CASES)
    stalled: list[DemoCase] = []
    done = 0

    async def one(index: int) -> None:
        nonlocal done
        path, age = plan[index]
        case = DemoCase(nc, random.Random(f"{seed}:{index}"), org, today, index, age, deadline)
        report.paths[path.__name__] += 1
        async with gate:
            try:
                await path(case)
                report.completed[path.__name__] += 1
            except OutOfTime:
                pass
        if path.__name__ == "stalled" and age > 60:
            stalled.append(case)
        done += 1
        progress(done, cases)

    try:
        async with asyncio.TaskGroup() as group:  # a failing case cancels the rest instead of leaving them running
            for i in range(cases):
                group.create_task(one(i))
    except ExceptionGroup as failed:
        raise first_failure(failed) from None
    await call(nc, "supervision", "sweep", {}, timeout=120, deadline=max(deadline, 120))
    for case in stalled[: max(1, len(stalled) // 2)]:
        case.on = today
        await case.do("supervision", "issue_order", reason="办理逾期，请于期限内报送办理情况", grounds=["delay"])
        report.overdue_orders += 1
    first_of_month = today.replace(day=1)
    last_month_end = first_of_month - timedelta(days=1)
    bulletin = {"period_from": last_month_end.replace(day=1).isoformat(), "period_to": last_month_end.isoformat()}
    try:
        named = await call(nc, "supervision", "publish_bulletin", bulletin, timeout=60, deadline=deadline)
        report.bulletin = len(named.get("named", [])) if isinstance(named, dict) else 0
    except Conflict as exc:  # a second demo run in the same month finds the bulletin already published
        if exc.reason != "bulletin_already_published":
            raise
    return report
