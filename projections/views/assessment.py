"""考核 (assessment, Art 39): every figure defined once, here, with what it counts, so an office can check it by hand.

A figure counts *items* — a clock run, a closure, a rating, a registration, an order — each charged to one unit
(and to the case's owning leader). A rate is the items that meet its test (numerator) over the items counted
(denominator); a count has no denominator. Each item falls in a period by one date named in its definition, and
only what had happened by the assessment date counts: the period's last day, or today while the period runs, or
the ``--as-of`` date. ``--as-known-at`` further keeps only what had been recorded by then, so a closed month's
figures can be recomputed byte for byte after late entries (补录).

No national formula exists for most of these; the definitions are this product's, stated beside every figure
(``xinfang assess --explain``, README "考核指标").
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from events.vocabulary import Rating
from projections.casefile import CaseFile
from services.runtime.errors import InvalidInput


@dataclass(frozen=True)
class Period:
    """An assessment period: a month (2026-11), a quarter (2026-Q4) or a year (2026)."""

    name: str
    start: date
    end: date

    def holds(self, day: date | None, until: date) -> bool:
        return day is not None and self.start <= day <= min(self.end, until)


def parse_period(text: str) -> Period:
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
        year, month = int(m[1]), int(m[2])
        if 1 <= month <= 12:
            return Period(text, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
        year, quarter = int(m[1]), int(m[2])
        last = quarter * 3
        return Period(text.upper(), date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1]))
    if re.fullmatch(r"\d{4}", text):
        return Period(text, date(int(text), 1, 1), date(int(text), 12, 31))
    raise InvalidInput(f"考核期间 {text!r} 应为 2026-11、2026-Q4 或 2026", "period")


@dataclass(frozen=True)
class Item:
    """One thing a figure counts: its case, the unit it is charged to, and whether it meets the figure's test."""

    case_no: str
    unit: str
    leader: str
    hit: bool
    days: int | None = None  # 五快: the days it took


@dataclass
class Ctx:
    files: dict[str, CaseFile]
    period: Period
    until: date  # the assessment date: nothing after it counts

    def within(self, day: date | None) -> bool:
        return self.period.holds(day, self.until)

    def done_by(self, day: date | None) -> bool:
        return day is not None and day <= self.until


Counter = Callable[[Ctx], Iterator[Item]]


@dataclass(frozen=True)
class Figure:
    key: str
    name: str
    group: str
    definition: str
    kind: str  # rate | count | days
    count: Counter = field(repr=False)


def _clock_items(clock: str) -> Counter:
    """A duty clock's runs whose due date falls in the period (and had come, or the duty was done, by then)."""

    def count(ctx: Ctx) -> Iterator[Item]:
        for f in ctx.files.values():
            for run in f.clocks:
                if run.clock != clock or not ctx.period.start <= run.due <= ctx.period.end:
                    continue
                done = ctx.done_by(run.stopped_on)
                if run.due <= ctx.until or done:
                    on_time = done and run.stopped_on is not None and run.stopped_on <= run.due
                    yield Item(f.case_no, run.unit, f.leader, on_time)

    return count


def _closures(ctx: Ctx) -> Iterator[Item]:
    for f in ctx.files.values():
        for closed in f.closures:
            if ctx.within(closed.on):
                rated = any(r.round == closed.round and ctx.done_by(r.on) for r in f.ratings)
                yield Item(f.case_no, closed.unit, f.leader, rated)


def _ratings(test: Callable[[str], bool]) -> Counter:
    def count(ctx: Ctx) -> Iterator[Item]:
        for f in ctx.files.values():
            for rated in f.ratings:
                if ctx.within(rated.on):
                    yield Item(f.case_no, rated.unit, f.leader, test(rated.value))

    return count


def _registrations(test: Callable[[CaseFile], bool], charged: Callable[[CaseFile], str]) -> Counter:
    def count(ctx: Ctx) -> Iterator[Item]:
        for f in ctx.files.values():
            if ctx.within(f.received_on):
                yield Item(f.case_no, charged(f), f.leader, test(f))

    return count


def _first_time_resolved(ctx: Ctx) -> Iterator[Item]:
    repeated = {f.related_case for f in ctx.files.values() if f.related_case and ctx.done_by(f.received_on)}
    for f in ctx.files.values():
        if f.repeat or f.related_case:
            continue
        first = next((c for c in f.closures if c.round == 1), None)
        if first is not None and ctx.within(first.on):
            unsatisfied = any(r.round == 1 and r.value == Rating.unsatisfied and ctx.done_by(r.on) for r in f.ratings)
            once = not unsatisfied and f.sent_back == 0 and not f.reviews and f.case_id not in repeated
            yield Item(f.case_no, first.unit, f.leader, once)


def _orders(ctx: Ctx) -> Iterator[Item]:
    for f in ctx.files.values():
        for order in f.orders.values():
            if not ctx.period.start <= order.due <= ctx.period.end:
                continue
            answered = ctx.done_by(order.answered_on)
            if order.due <= ctx.until or answered:
                on_time = answered and order.answered_on is not None and order.answered_on <= order.due
                yield Item(f.case_no, order.unit, f.leader, on_time)


def _first_unit_repeats(ctx: Ctx) -> Iterator[Item]:
    for f in ctx.files.values():
        if f.related_case and ctx.within(f.received_on):
            first = ctx.files.get(f.related_case)
            unit = (first.first_unit or first.lead) if first else f.first_unit
            yield Item(f.case_no, unit, f.leader, True)


def _speed(start: Callable[[CaseFile], date | None], end: Callable[[CaseFile], tuple[date | None, str]]) -> Counter:
    def count(ctx: Ctx) -> Iterator[Item]:
        for f in ctx.files.values():
            began = start(f)
            finished, unit = end(f)
            if began is not None and ctx.within(finished):
                assert finished is not None
                yield Item(f.case_no, unit, f.leader, True, (finished - began).days)

    return count


def _first_answer(f: CaseFile) -> tuple[date | None, str]:
    first = min(f.answers, key=lambda a: a.round, default=None)
    return (first.on, first.unit) if first else (None, "")


def _first_closure(f: CaseFile) -> tuple[date | None, str]:
    first = min(f.closures, key=lambda c: c.round, default=None)
    return (first.on, first.unit) if first else (None, "")


GOOD = {Rating.satisfied, Rating.basically_satisfied}
DUE_RULE = "期限到期日在本期内、且截至考核日已到期或已完成的"
FIGURES: tuple[Figure, ...] = (
    Figure(
        "timely_acceptance",
        "及时受理率",
        "受理告知",
        f"{DUE_RULE}受理告知期限（Art 22）中，按期作出受理或不予受理决定的比例；计入受理机关。",
        "rate",
        _clock_items("acceptance"),
    ),
    Figure(
        "timely_notice",
        "及时告知率",
        "受理告知",
        f"{DUE_RULE}接收情况告知期限（收到交办之日起15日，Art 23¶3）中，按期书面告知信访人的比例；计入主办单位。",
        "rate",
        _clock_items("receipt_notice"),
    ),
    Figure(
        "on_time_handling",
        "按期办结率",
        "办理",
        f"{DUE_RULE}办理期限（60日，经批准延长至多30日，Art 34）中，"
        "按期出具处理意见的比例；每一轮办理各计一次；计入主办单位。",
        "rate",
        _clock_items("handling"),
    ),
    Figure(
        "rated_share",
        "参评率",
        "评价",
        "本期内办结的（每轮各计一次），截至考核日信访人已评价的比例；计入办结单位。",
        "rate",
        _closures,
    ),
    Figure(
        "satisfaction",
        "满意率",
        "评价",
        "本期内的评价中，满意和基本满意所占比例；计入评价时的主办单位。",
        "rate",
        _ratings(lambda r: r in GOOD),
    ),
    Figure(
        "satisfied_only",
        "满意率（仅满意）",
        "评价",
        "本期内的评价中，满意所占比例；计入评价时的主办单位。",
        "rate",
        _ratings(lambda r: r == Rating.satisfied),
    ),
    Figure(
        "repeat_rate",
        "重复信访率",
        "重复信访",
        "本期内登记（按来信来访日期）的信访事项中，重复信访所占比例；计入主办单位（未交办的只计全区）。",
        "rate",
        _registrations(lambda f: f.repeat, lambda f: f.lead),
    ),
    Figure(
        "first_time_resolution",
        "初信初访一次性化解率",
        "重复信访",
        "本期内首轮办结的初信初访（非重复、无关联案件）中，"
        "截至考核日未评价为不满意、未退回重办、未申请复查、也未再次信访的比例；计入首轮办结单位。",
        "rate",
        _first_time_resolved,
    ),
    Figure(
        "first_unit_repeats",
        "初访责任（重复信访件数）",
        "重复信访",
        "本期内登记的重复信访件数，计入首次办理该事项的单位（首办单位：关联的首件案件的首个主办单位）。",
        "count",
        _first_unit_repeats,
    ),
    Figure(
        "skip_level",
        "越级访件数",
        "越级和集体访",
        "本期内登记的越级访件数；计入问题属地。",
        "count",
        _registrations(lambda f: f.skip_level, lambda f: f.locality),
    ),
    Figure(
        "collective",
        "集体访件数",
        "越级和集体访",
        "本期内登记的集体访（5人以上）件数；计入问题属地。",
        "count",
        _registrations(lambda f: f.collective, lambda f: f.locality),
    ),
    Figure(
        "orders_on_time",
        "督办单按期回复率",
        "督办",
        f"{DUE_RULE}督办单回复期限中，按期回复的比例；计入被督办单位。",
        "rate",
        _orders,
    ),
    Figure(
        "speed_acceptance",
        "五快：受理用时",
        "五快",
        "本期内受理的，自来信来访日期至受理日期的天数；计入受理机关。",
        "days",
        _speed(lambda f: f.received_on, lambda f: (f.accepted_on, f.office)),
    ),
    Figure(
        "speed_assignment",
        "五快：交办用时",
        "五快",
        "本期内首次交办的，自来信来访日期至交办日期的天数；计入首个主办单位。",
        "days",
        _speed(lambda f: f.received_on, lambda f: (f.assigned_on, f.first_unit)),
    ),
    Figure(
        "speed_receipt",
        "五快：收到交办用时",
        "五快",
        "本期内首个主办单位收到交办的，自来信来访日期至收到日期的天数。",
        "days",
        _speed(lambda f: f.received_on, lambda f: (f.received.get(f.first_unit), f.first_unit)),
    ),
    Figure(
        "speed_reply",
        "五快：答复用时",
        "五快",
        "本期内首轮答复的，自来信来访日期至答复日期的天数；计入答复单位。",
        "days",
        _speed(lambda f: f.received_on, _first_answer),
    ),
    Figure(
        "speed_closure",
        "五快：办结用时",
        "五快",
        "本期内首轮办结的，自来信来访日期至办结日期的天数；计入办结单位。",
        "days",
        _speed(lambda f: f.received_on, _first_closure),
    ),
)
BY_KEY = {f.key: f for f in FIGURES}
DISTRICT = "全区"


def percentile(values: list[int], share: float) -> int:
    """Nearest-rank percentile: the smallest value with at least ``share`` of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * int(share * 100) // 100))
    return ordered[rank - 1]


def median(values: list[int]) -> float:
    ordered, middle = sorted(values), len(values) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _scope_of(item: Item, by: str) -> str:
    return DISTRICT if by == "district" else item.unit if by == "unit" else item.leader


def _result(figure: Figure, scope: str, items: list[Item], minimum: int) -> dict[str, Any]:
    row: dict[str, Any] = {
        "scope": scope,
        "figure": figure.key,
        "name": figure.name,
        "group": figure.group,
        "numerator": None,
        "denominator": None,
        "rate": None,
        "count": None,
        "median": None,
        "p90": None,
        "insufficient": False,
        "rank": None,
    }
    if figure.kind == "count":
        row["count"] = sum(i.hit for i in items)
    elif figure.kind == "days":
        days = [i.days for i in items if i.days is not None]
        row["count"] = len(days)
        if days:
            row["median"], row["p90"] = median(days), percentile(days, 0.9)
        row["insufficient"] = len(days) < minimum
    else:
        hits = sum(i.hit for i in items)
        row["numerator"], row["denominator"] = hits, len(items)
        row["rate"] = round(hits / len(items), 4) if items else None
        row["insufficient"] = len(items) < minimum
    return row


def assess(
    files: dict[str, CaseFile],
    period: Period,
    until: date,
    by: str = "unit",
    minimum: int = 5,
    scope: str | None = None,
    keys: list[str] | None = None,
) -> list[dict[str, Any]]:
    """Every figure for every scope (``by``: district, unit or leader), or one scope; rates ranked among the scopes
    with enough items (1 = best), the others marked insufficient and left unranked."""
    ctx = Ctx(files, period, min(until, period.end))
    rows: list[dict[str, Any]] = []
    for figure in [BY_KEY[k] for k in keys] if keys else FIGURES:
        grouped: dict[str, list[Item]] = defaultdict(list)
        for item in figure.count(ctx):
            key = _scope_of(item, by)
            if key:
                grouped[key].append(item)
        if scope is not None or by == "district":  # the one scope asked for has a row even with nothing counted
            grouped = {scope or DISTRICT: grouped.get(scope or DISTRICT, [])}
        results = [_result(figure, key, items, minimum) for key, items in sorted(grouped.items())]
        ranked = sorted(
            (r for r in results if r["rate"] is not None and not r["insufficient"]), key=lambda r: -r["rate"]
        )
        for place, result in enumerate(ranked, 1):
            result["rank"] = place if by != "district" and scope is None else None
        rows += results
    return rows


def explain(
    files: dict[str, CaseFile], period: Period, until: date, by: str, scope: str, key: str
) -> dict[str, list[str]]:
    """The case numbers behind one figure of one scope: those counted, and those meeting its test."""
    ctx = Ctx(files, period, min(until, period.end))
    items = [i for i in BY_KEY[key].count(ctx) if _scope_of(i, by) == scope]
    return {"counted": sorted(i.case_no for i in items), "met": sorted(i.case_no for i in items if i.hit)}
