"""年度报告 (annual report, Art 41): the four parts the statute lists, for one calendar year.

(一) 受理、办理信访事项的数据统计、信访事项涉及领域以及被投诉较多的机关或者单位;
(二) 转送、督办情况;
(三) 提出改进工作、完善政策和追究责任建议以及建议被采纳情况;
(四) 其他应当报告的事项.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from events.vocabulary import Adoption, Channel, Kind, ProposalKind, label
from projections.casefile import CaseFile
from projections.views.assessment import Period, assess
from projections.views.trends import trends


@dataclass
class Section:
    """One part of the report: a title and a table (its Chinese headers, its rows)."""

    part: str
    title: str
    headers: dict[str, str]
    rows: list[dict[str, Any]]


ITEM = {"item": "项目", "value": "数量"}


def _counted(counter: Counter[str], name: Callable[[str], str]) -> list[dict[str, Any]]:
    return [{"item": name(k), "value": n} for k, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))]


def annual_report(files: dict[str, CaseFile], year: int, until: date, name_of: Callable[[str], str]) -> list[Section]:
    period = Period(str(year), date(year, 1, 1), date(year, 12, 31))
    end = min(until, period.end)
    cases = list(files.values())
    received = [f for f in cases if period.holds(f.received_on, end)]
    totals = [
        {"item": "登记信访事项", "value": len(received)},
        {"item": "受理", "value": sum(period.holds(f.accepted_on, end) for f in cases)},
        {"item": "不予受理", "value": sum(period.holds(f.declined_on, end) for f in cases)},
        {"item": "重复信访合并", "value": sum(period.holds(f.merged_on, end) for f in cases)},
        {
            "item": "办结（首轮）",
            "value": sum(any(c.round == 1 and period.holds(c.on, end) for c in f.closures) for f in cases),
        },
        {"item": "集体访", "value": sum(f.collective for f in received)},
        {"item": "越级访", "value": sum(f.skip_level for f in received)},
    ]
    sections = [
        Section("一", "受理、办理信访事项的数据统计", ITEM, totals),
        Section("一", "按信访渠道", ITEM, _counted(Counter(f.channel for f in received), lambda c: label(c, Channel))),
        Section("一", "按类别", ITEM, _counted(Counter(f.kind for f in received), lambda k: label(k, Kind))),
        Section("一", "信访事项涉及领域（问题分类）", ITEM, _counted(Counter(f.category for f in received), name_of)),
        Section(
            "一",
            "被投诉较多的机关或者单位（主办单位）",
            ITEM,
            [{"item": name_of(u["unit"]), "value": u["count"]} for u in trends(cases, end, 12)["units"]],
        ),
    ]
    orders = [o for f in cases for o in f.orders.values() if period.holds(o.issued_on, end)]
    handoffs = [
        {"item": "交办（首次）", "value": sum(period.holds(f.assigned_on, end) for f in cases)},
        {"item": "改派", "value": sum(f.reassignments for f in cases if period.holds(f.assigned_on, end))},
        {"item": "督办单", "value": len(orders)},
        {"item": "其中挂牌督办", "value": sum(o.form == "listed" for o in orders)},
        {"item": "督办单按期回复", "value": sum(bool(o.answered_on and o.answered_on <= o.due) for o in orders)},
        {"item": "通报（案件次数）", "value": sum(f.bulletins for f in cases if period.holds(f.received_on, end))},
    ]
    sections.append(Section("二", "转送、交办、督办情况", ITEM, handoffs))
    proposals = [p for f in cases for p in f.proposals.values() if period.holds(p.proposed_on, end)]
    made = [
        {
            "kind": label(k, ProposalKind),
            "made": sum(p.kind == k for p in proposals),
            **{a.value: sum(p.kind == k and p.adoption == a for p in proposals) for a in Adoption},
            "pending": sum(p.kind == k and not p.fed_back_on for p in proposals),
        }
        for k in ProposalKind
    ]
    proposal_headers = {
        "kind": "建议类别",
        "made": "提出",
        **{a.value: label(a, Adoption) for a in Adoption},
        "pending": "尚未反馈",
    }
    sections.append(Section("三", "改进工作、完善政策、追究责任建议及采纳情况", proposal_headers, made))
    district = {r["figure"]: r for r in assess(files, period, end, by="district")}

    def rate(key: str) -> str:
        r = district[key]
        return f"{r['numerator']}/{r['denominator']}" + (f" ({r['rate']:.1%})" if r["rate"] is not None else "")

    others: list[dict[str, Any]] = [
        {"item": "重大紧急信访报告（件）", "value": sum(period.holds(f.first_urgent_on, end) for f in cases)},
        {
            "item": "复查申请",
            "value": sum(period.holds(f.reviews["review"].requested_on, end) for f in cases if "review" in f.reviews),
        },
        {
            "item": "复核申请",
            "value": sum(
                period.holds(f.reviews["re_review"].requested_on, end) for f in cases if "re_review" in f.reviews
            ),
        },
        {"item": "终结", "value": sum(period.holds(f.finalised_on, end) for f in cases)},
        {"item": "按期办结率", "value": rate("on_time_handling")},
        {"item": "满意率", "value": rate("satisfaction")},
        {"item": "及时受理率", "value": rate("timely_acceptance")},
    ]
    sections.append(Section("四", "其他应当报告的事项", ITEM, others))
    return sections
