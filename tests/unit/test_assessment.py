"""考核 on hand-built cases with known answers: every figure's numerator, denominator and rate, per unit and for
the district, for November and for November split by --as-of, and as known at a time before a late entry."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from events import CaseEvent
from projections.casefile import fold_all
from projections.views.assessment import FIGURES, assess, explain, parse_period
from tests.support.casefiles import Case

A, B = "990100ZJJ", "990102"  # 住建局, another unit
NOV = parse_period("2026-11")
d = date


def november() -> list[CaseEvent]:
    """The cases of the table below, as their events.

    | case | received | acceptance due → done | lead | handling due → done | closed | rating       |
    |------|----------|-----------------------|------|---------------------|--------|--------------|
    | A1   | 11-02    | 11-17 → 11-05         | A    | 11-20 → 11-18       | 11-19  | 满意 11-25     |
    | A2   | 11-03    | 11-18 → 11-20 (late)  | A    | 11-25 → (running)   |        |              |
    | A3   | 10-10    |                       | A    | 11-10 → 11-09       | 11-12  | 基本满意 11-20 |
    | B1   | 11-05    | 11-20 → 11-06         | B    |                     |        |              |
    | B2   | 11-06    |                       | B    | 12-10 (December)    | 11-28  | 不满意 11-29   |
    | B3   | 11-07    |                       | B    |                     | 11-15  |              |

    A2 has an order due 11-28, unanswered; B1 repeats A3's matter (skip-level, collective) and has an order due
    11-15, answered 11-14.
    """
    a1, a2, a3, b1, b2, b3 = (Case(n) for n in ("A1", "A2", "A3", "B1", "B2", "B3"))
    return [
        a1.registered(d(2026, 11, 2)), a1.clock("acceptance", d(2026, 11, 2), d(2026, 11, 17)),
        a1.stopped("acceptance", d(2026, 11, 5), d(2026, 11, 17)), a1.accepted(d(2026, 11, 5)),
        a1.assigned(A, d(2026, 11, 5)), a1.clock("handling", d(2026, 9, 21), d(2026, 11, 20)),
        a1.replied(A, d(2026, 11, 18)), a1.stopped("handling", d(2026, 11, 18), d(2026, 11, 20)),
        a1.closed(A, d(2026, 11, 19)), a1.rated("satisfied", d(2026, 11, 25)),
        a2.registered(d(2026, 11, 3)), a2.clock("acceptance", d(2026, 11, 3), d(2026, 11, 18)),
        a2.stopped("acceptance", d(2026, 11, 20), d(2026, 11, 18)), a2.accepted(d(2026, 11, 20)),
        a2.assigned(A, d(2026, 11, 20)), a2.clock("handling", d(2026, 9, 26), d(2026, 11, 25)),
        a2.order("DB-1", A, d(2026, 11, 26), d(2026, 11, 28)),
        a3.registered(d(2026, 10, 10)), a3.accepted(d(2026, 10, 10)), a3.assigned(A, d(2026, 10, 11)),
        a3.clock("handling", d(2026, 9, 11), d(2026, 11, 10)), a3.replied(A, d(2026, 11, 9)),
        a3.stopped("handling", d(2026, 11, 9), d(2026, 11, 10)), a3.closed(A, d(2026, 11, 12)),
        a3.rated("basically_satisfied", d(2026, 11, 20)),
        b1.registered(d(2026, 11, 5), repeat=True, related_case=a3.case_id, skip_level=True, collective=True,
                      locality="990102"),
        b1.clock("acceptance", d(2026, 11, 5), d(2026, 11, 20)),
        b1.stopped("acceptance", d(2026, 11, 6), d(2026, 11, 20)),
        b1.accepted(d(2026, 11, 6), related_case=a3.case_id), b1.assigned(B, d(2026, 11, 6)),
        b1.order("DB-2", B, d(2026, 11, 10), d(2026, 11, 15)), b1.order_answered("DB-2", B, d(2026, 11, 14)),
        b2.registered(d(2026, 11, 6)), b2.accepted(d(2026, 11, 6)), b2.assigned(B, d(2026, 11, 6)),
        b2.clock("handling", d(2026, 10, 11), d(2026, 12, 10)), b2.replied(B, d(2026, 11, 27)),
        b2.closed(B, d(2026, 11, 28)), b2.rated("unsatisfied", d(2026, 11, 29)),
        b3.registered(d(2026, 11, 7)), b3.accepted(d(2026, 11, 7)), b3.assigned(B, d(2026, 11, 7)),
        b3.replied(B, d(2026, 11, 14)), b3.closed(B, d(2026, 11, 15)),
    ]  # fmt: skip


def figures(events: list[CaseEvent], until: date, by: str = "district", **options: Any) -> dict[Any, Any]:
    rows = assess(fold_all(events), NOV, until, by, minimum=2, **options)
    return {(r["scope"], r["figure"]): (r["numerator"], r["denominator"], r["rate"], r["count"]) for r in rows}


DISTRICT_NOVEMBER = {
    "timely_acceptance": (2, 3, 0.6667, None),  # A1, B1 on time; A2 late
    "timely_notice": (0, 0, None, None),  # no receipt-notice clock fell due
    "on_time_handling": (2, 3, 0.6667, None),  # A1, A3 on time; A2 running past its due date; B2 is December's
    "rated_share": (3, 4, 0.75, None),  # closures A1, A3, B2 rated; B3 not
    "satisfaction": (2, 3, 0.6667, None),  # 满意 A1 + 基本满意 A3 of three ratings
    "satisfied_only": (1, 3, 0.3333, None),
    "repeat_rate": (1, 5, 0.2, None),  # B1 of the five received in November (A3 is October's)
    "first_time_resolution": (2, 4, 0.5, None),  # A1, B3; A3 came back as B1, B2 was rated unsatisfied
    "first_unit_repeats": (None, None, None, 1),  # B1, charged to A (A3's first unit)
    "skip_level": (None, None, None, 1),
    "collective": (None, None, None, 1),
    "orders_on_time": (1, 2, 0.5, None),  # DB-2 answered in time; DB-1 not answered by its due date
}


@pytest.mark.parametrize("key", sorted(DISTRICT_NOVEMBER))
def test_each_district_figure_of_november_has_its_known_numerator_and_denominator(key: str) -> None:
    found = figures(november(), d(2026, 11, 30))
    assert found.get(("全区", key)) == DISTRICT_NOVEMBER[key]


def test_figures_are_charged_to_the_unit_that_owed_them() -> None:
    found = figures(november(), d(2026, 12, 20), by="unit")  # after November: still November's figures
    assert found[(A, "on_time_handling")] == (2, 3, 0.6667, None)
    assert found[(A, "first_unit_repeats")] == (None, None, None, 1)  # 初访责任: B1 is charged to A, not B
    assert (B, "first_unit_repeats") not in found
    assert found[(B, "rated_share")] == (1, 2, 0.5, None)
    assert found[("990100XFJ", "timely_acceptance")] == (2, 3, 0.6667, None)  # the office accepts
    assert found[("990102", "skip_level")] == (None, None, None, 1)  # 属地


def test_november_split_by_as_of_counts_only_what_had_happened_by_then() -> None:
    mid = d(2026, 11, 15)
    files = fold_all(e for e in november() if e.effective_on <= mid)
    rows = {r["figure"]: r for r in assess(files, NOV, mid, "district", minimum=2)}
    assert (rows["timely_acceptance"]["numerator"], rows["timely_acceptance"]["denominator"]) == (2, 2)  # A2 not due
    assert (rows["on_time_handling"]["numerator"], rows["on_time_handling"]["denominator"]) == (1, 1)  # A3 only
    assert (rows["rated_share"]["numerator"], rows["rated_share"]["denominator"]) == (0, 2)  # A3, B3 not yet rated
    assert rows["satisfaction"]["denominator"] == 0 and rows["satisfaction"]["rate"] is None
    assert (rows["repeat_rate"]["numerator"], rows["repeat_rate"]["denominator"]) == (1, 5)


def test_rates_over_too_few_cases_are_marked_and_not_ranked() -> None:
    rows = assess(fold_all(november()), NOV, d(2026, 11, 30), "unit", minimum=3)
    handling = {r["scope"]: r for r in rows if r["figure"] == "on_time_handling"}
    assert handling[A]["insufficient"] is False and handling[A]["rank"] == 1
    rated = {r["scope"]: r for r in rows if r["figure"] == "rated_share"}
    assert rated[A]["insufficient"] and rated[A]["rank"] is None and rated[A]["numerator"] == 2  # still shown


def test_speed_figures_are_median_and_90th_percentile_days_from_receipt() -> None:
    rows = {r["figure"]: r for r in assess(fold_all(november()), NOV, d(2026, 11, 30), "district", minimum=1)}
    acceptance = rows["speed_acceptance"]  # A1 3, A2 17, B1 1, B2 0, B3 0 (A3 accepted in October)
    assert (acceptance["count"], acceptance["median"], acceptance["p90"]) == (5, 1.0, 17)
    closure = rows["speed_closure"]  # A1 17, A3 33, B2 22, B3 8
    assert (closure["count"], closure["median"], closure["p90"]) == (4, 19.5, 33)


def test_explain_lists_the_cases_behind_a_figure() -> None:
    cases = explain(fold_all(november()), NOV, d(2026, 11, 30), "district", "全区", "first_time_resolution")
    assert cases == {"counted": ["A1", "A3", "B2", "B3"], "met": ["A1", "B3"]}


def test_a_late_entry_changes_the_plain_figure_by_that_case_and_not_the_one_as_known_before_it() -> None:
    known_at = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)  # 2026-12-01T00:00 office time
    late = Case("L1", recorded_at=datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    events = [*november(), late.registered(d(2026, 11, 20), repeat=True)]  # 补录 on 2 December
    as_known = fold_all(e for e in events if e.recorded_at <= known_at)
    before = {r["figure"]: r for r in assess(fold_all(november()), NOV, d(2026, 11, 30), "district")}
    then = {r["figure"]: r for r in assess(as_known, NOV, d(2026, 11, 30), "district")}
    now = {r["figure"]: r for r in assess(fold_all(events), NOV, d(2026, 11, 30), "district")}
    assert then == before
    assert (now["repeat_rate"]["numerator"], now["repeat_rate"]["denominator"]) == (2, 6)
    changed = {k for k in now if now[k] != before[k]}
    assert changed == {"repeat_rate"}


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("2026-11", d(2026, 11, 1), d(2026, 11, 30)), ("2026-Q4", d(2026, 10, 1), d(2026, 12, 31)),
     ("2026", d(2026, 1, 1), d(2026, 12, 31)), ("2024-02", d(2024, 2, 1), d(2024, 2, 29))],
)  # fmt: skip
def test_periods_are_a_month_a_quarter_or_a_year(text: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.start, period.end) == (start, end)


def test_the_readme_states_every_figure_as_the_code_defines_it() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for figure in FIGURES:
        assert f"| {figure.name} | {figure.definition} |" in readme, figure.key
