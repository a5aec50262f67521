"""督办看板 (supervision board): per unit, what is open, due soon and overdue, its orders, 挂牌督办 and major or
urgent matters (Art 25); then the overdue items themselves, the longest overdue first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from events.vocabulary import Clock, OrderForm, label
from projections.casefile import CaseFile

SOON_DAYS = 7
DUTIES = ("acceptance", "receipt_notice", "handling", "review", "re_review")
HEADERS = {
    "unit": "单位",
    "open": "在办",
    "due_soon": "7日内到期",
    "overdue": "逾期",
    "orders_open": "督办单未回复",
    "orders_late": "督办单逾期未回复",
    "listed": "挂牌督办",
    "major": "重大案件",
    "urgent": "重大紧急信访",
}
OVERDUE_HEADERS = {
    "case_no": "信访件编号",
    "unit": "责任单位",
    "what": "逾期事项",
    "due": "期限",
    "days_overdue": "逾期天数",
    "leader_name": "包案领导",
}

Row = dict[str, Any]


def _overdue_items(file: CaseFile, today: date) -> list[Row]:
    items = [
        {
            "case_id": file.case_id,
            "case_no": file.case_no,
            "unit": run.unit,
            "what": label(run.clock, Clock),
            "due": run.due,
            "days_overdue": (today - run.due).days,
            "leader_name": file.leader_name,
        }
        for run in file.running()
        if run.clock in DUTIES and run.due < today and (run.clock == "acceptance" or file.open())
    ]
    items += [
        {
            "case_id": file.case_id,
            "case_no": file.case_no,
            "unit": order.unit,
            "what": f"督办单 {no}",
            "due": order.due,
            "days_overdue": (today - order.due).days,
            "leader_name": file.leader_name,
        }
        for no, order in file.orders.items()
        if order.answered_on is None and order.due < today and not file.ended()
    ]
    return items


def board(files: Iterable[CaseFile], today: date) -> tuple[list[Row], list[Row]]:
    """The per-unit counts (the district's total last), and the overdue items, the longest overdue first."""
    counts: dict[str, Row] = defaultdict(lambda: dict.fromkeys(list(HEADERS)[1:], 0))
    overdue: list[Row] = []
    soon = today + timedelta(days=SOON_DAYS)
    for file in files:
        late = _overdue_items(file, today)
        overdue += late
        for late_unit in {item["unit"] for item in late}:
            counts[late_unit]["overdue"] += 1  # cases with something overdue, once each
        if file.pending() and file.lead:
            unit = counts[file.lead]
            unit["open"] += 1
            unit["major"] += file.major
            unit["urgent"] += file.urgent_reports > 0
            running = [r for r in file.running() if r.clock in DUTIES and r.unit == file.lead]
            unit["due_soon"] += any(today <= r.due <= soon for r in running)
        elif file.urgent_reports and not file.ended() and file.office:
            counts[file.office]["urgent"] += 1
        for order in file.orders.values():
            if order.answered_on is None and not file.ended():
                counts[order.unit]["orders_open"] += 1
                counts[order.unit]["orders_late"] += order.due < today
                counts[order.unit]["listed"] += order.form == OrderForm.listed
    rows = [{"unit": unit, **values} for unit, values in sorted(counts.items())]
    total = {"unit": "全区", **{k: sum(r[k] for r in rows) for k in list(HEADERS)[1:]}}
    overdue.sort(key=lambda r: (-r["days_overdue"], r["case_no"], r["what"]))
    return [*rows, total], overdue
