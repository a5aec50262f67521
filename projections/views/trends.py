"""趋势 (trends, Art 41(1)): counts by category × locality × month, the categories rising, the units most complained
about — to find 普遍性、趋势性问题."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from projections.casefile import CaseFile

CELL_HEADERS = {"month": "月份", "category": "问题分类", "locality": "问题属地", "count": "件数"}
RISING_HEADERS = {
    "category": "问题分类",
    "latest": "本月件数",
    "earlier_mean": "前三个月月均",
    "change": "增加件数",
}
UNIT_HEADERS = {"unit": "主办单位", "count": "件数", "share": "占比"}
RISING_MIN = 3  # a category rises when this month has at least this many cases and more than its earlier mean


def month_of(day: date) -> str:
    return f"{day:%Y-%m}"


def months_back(last: date, count: int) -> list[str]:
    year, month, found = last.year, last.month, []
    for _ in range(count):
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return found[::-1]


def trends(files: Iterable[CaseFile], last: date, months: int = 12) -> dict[str, list[dict[str, Any]]]:
    """The ``months`` months up to ``last``: cells by month, category and locality; rising categories in the last
    month against the mean of the three before; the lead units with the most cases (a report's unit is not named)."""
    window = months_back(last, months)
    cells: Counter[tuple[str, str, str]] = Counter()
    units: Counter[str] = Counter()
    for f in files:
        if f.received_on is None or f.received_on > last or month_of(f.received_on) not in window:
            continue
        cells[(month_of(f.received_on), f.category, f.locality)] += 1
        if f.lead and not f.withheld:
            units[f.lead] += 1
    by_month: Counter[tuple[str, str]] = Counter()
    for (month, category, _), n in cells.items():
        by_month[(month, category)] += n
    latest, earlier = window[-1], window[-4:-1]
    rising: list[dict[str, Any]] = []
    for category in sorted({c for (_, c, _) in cells}):
        now = by_month[(latest, category)]
        mean = sum(by_month[(m, category)] for m in earlier) / len(earlier) if earlier else 0.0
        if now >= RISING_MIN and now > mean:
            rising.append(
                {"category": category, "latest": now, "earlier_mean": round(mean, 1), "change": round(now - mean, 1)}
            )
    rising.sort(key=lambda r: (-r["change"], r["category"]))
    total = sum(units.values())
    top = [{"unit": u, "count": n, "share": round(n / total, 4)} for u, n in units.most_common(10)]
    rows = [{"month": m, "category": c, "locality": loc, "count": n} for (m, c, loc), n in sorted(cells.items())]
    return {"cells": rows, "rising": rising, "units": top}
