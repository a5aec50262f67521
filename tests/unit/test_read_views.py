"""待办, 督办看板, 件件有着落, 信访排查 and 趋势 on hand-built cases, read on a given day."""

from __future__ import annotations

from datetime import date

from projections.casefile import fold_all
from projections.views.answered import unanswered
from projections.views.board import board
from projections.views.inbox import inbox
from projections.views.trends import trends
from projections.views.watch import watch
from tests.support.casefiles import Case

A, B, C = "990100ZJJ", "990102", "990103"
d = date
DAY = d(2026, 11, 23)


def assigned_case(no: str, lead: str = A, co: tuple[str, ...] = ()) -> tuple[Case, list]:  # type: ignore[type-arg]
    case = Case(no)
    events = [case.registered(d(2026, 11, 2)), case.accepted(d(2026, 11, 3))]
    return case, [*events, case.assigned(lead, d(2026, 11, 3), co_handlers=co)]


def test_the_inbox_lists_what_the_unit_owes_with_due_dates_days_left_and_marks() -> None:
    c, events = assigned_case("C1", co=(B,))
    events += [
        c.received(A, d(2026, 11, 18), objection_due=d(2026, 11, 25)),
        c.clock("receipt_notice", d(2026, 11, 18), d(2026, 12, 3)),
        c.clock("handling", d(2026, 11, 3), d(2026, 11, 20)),  # a short local limit: overdue on the 23rd
        c.warned("handling", d(2026, 11, 17), d(2026, 11, 20)),
        c.order("DB-9", A, d(2026, 11, 21), d(2026, 11, 26)),
    ]
    rows = inbox(fold_all(events).values(), A, DAY)
    got = [(r["action"], r["due"], r["days_left"], r["warned"], r["overdue"]) for r in rows]
    assert got == [
        ("答复", d(2026, 11, 20), -3, True, True),
        ("异议期", d(2026, 11, 25), 2, False, False),
        ("督办单回复", d(2026, 11, 26), 3, False, False),
        ("告知接收情况", d(2026, 12, 3), 10, False, False),
        ("签收", None, None, False, False),
    ]
    co_rows = inbox(fold_all(events).values(), B, DAY)
    assert [(r["role"], r["action"], r["due"]) for r in co_rows] == [("协办", "报送协办意见", d(2026, 11, 20))]
    events += [c.acknowledged(A, d(2026, 11, 23)), c.co_opinion(B, d(2026, 11, 23))]
    after = [r["action"] for r in inbox(fold_all(events).values(), A, DAY)]
    assert "签收" not in after and "异议期" not in after  # 签收 closes the objection window (Art 23¶3)
    assert inbox(fold_all(events).values(), B, DAY) == []
    assert inbox(fold_all(events).values(), C, DAY) == []  # another unit sees nothing of it


def test_a_clock_started_at_acceptance_is_owed_by_the_lead_assigned_after_it_and_moves_on_reassignment() -> None:
    from events.assignment import CaseReassigned

    case = Case("C7")
    events = [
        case.registered(d(2026, 11, 2)),
        case.accepted(d(2026, 11, 3)),
        case.clock("handling", d(2026, 11, 3), d(2026, 12, 3)),  # supervision starts it on acceptance (Art 34)
        case.assigned(A, d(2026, 11, 3)),
    ]
    assert "答复" in [r["action"] for r in inbox(fold_all(events).values(), A, DAY)]
    reassigned = case._event(
        CaseReassigned, from_department=A, department=B, department_name=B, reason="异议成立",
        decided_by="990100XFJ", decided_on=d(2026, 11, 10),
    )  # fmt: skip
    events.append(reassigned)
    assert "答复" not in [r["action"] for r in inbox(fold_all(events).values(), A, DAY)]
    assert "答复" in [r["action"] for r in inbox(fold_all(events).values(), B, DAY)]


def test_the_board_counts_per_unit_and_lists_the_longest_overdue_first() -> None:
    c1, e1 = assigned_case("C1")
    c2, e2 = assigned_case("C2")
    c3, e3 = assigned_case("C3", lead=B)
    events = [
        *e1, c1.clock("handling", d(2026, 11, 3), d(2026, 11, 10)),
        c1.order("DB-1", A, d(2026, 11, 11), d(2026, 11, 15), form="listed"),
        *e2, c2.clock("handling", d(2026, 11, 3), d(2026, 11, 28)),
        *e3, c3.clock("handling", d(2026, 11, 3), d(2026, 11, 20)),
    ]  # fmt: skip
    counts, overdue = board(fold_all(events).values(), DAY)
    by_unit = {r["unit"]: r for r in counts}
    assert {k: by_unit[A][k] for k in ("open", "due_soon", "overdue", "orders_open", "orders_late", "listed")} == {
        "open": 2, "due_soon": 1, "overdue": 1, "orders_open": 1, "orders_late": 1, "listed": 1,
    }  # fmt: skip
    assert by_unit["全区"]["open"] == 3 and by_unit["全区"]["overdue"] == 2
    assert [(r["case_no"], r["days_overdue"]) for r in overdue] == [("C1", 13), ("C1", 8), ("C3", 3)]


def test_no_case_is_past_its_limit_unanswered_or_closed_without_a_reply_unless_the_view_shows_it() -> None:
    c1, e1 = assigned_case("C1")
    c2, e2 = assigned_case("C2")
    events = [
        *e1, c1.clock("handling", d(2026, 11, 3), d(2026, 11, 20)),
        *e2, c2.clock("handling", d(2026, 11, 3), d(2026, 11, 20)), c2.replied(A, d(2026, 11, 19)),
        c2.closed(A, d(2026, 11, 20)),
    ]  # fmt: skip
    found = unanswered(fold_all(events).values(), DAY)
    assert [(r["case_no"], r["days"]) for r in found["past_limit"]] == [("C1", 3)]
    assert found["closed_unanswered"] == []
    c3, e3 = assigned_case("C3")
    forced = unanswered(fold_all([*e3, c3.closed(A, d(2026, 11, 20))]).values(), DAY)  # what the rules refuse
    assert [r["case_no"] for r in forced["closed_unanswered"]] == ["C3"]


def test_the_watch_list_groups_repeat_petitioners_by_key_and_never_by_name() -> None:
    first, again, other = Case("P1"), Case("P2"), Case("P3")
    events = [
        first.registered(d(2026, 10, 2), petitioner_key="k" * 64),
        again.registered(d(2026, 11, 2), petitioner_key="k" * 64, repeat=True, collective=True),
        other.registered(d(2026, 11, 3), petitioner_key="z" * 64, skip_level=True),
    ]
    rows = watch(fold_all(events).values(), DAY)
    assert [(r["reason"], r["cases"], r["case_nos"]) for r in rows] == [
        ("重复信访人", 2, "P1、P2"), ("集体访", 1, "P2"), ("越级访", 1, "P3"),
    ]  # fmt: skip
    assert rows[0]["subject"] == "信访人 kkkkkkkkkkkk"


def test_trends_count_by_month_category_and_locality_and_find_the_rising_categories() -> None:
    events = []
    for month, count in ((8, 1), (9, 1), (10, 1), (11, 4)):
        for n in range(count):
            case = Case(f"T{month}{n}")
            events += [case.registered(d(2026, month, 3 + n), category="housing"), case.assigned(A, d(2026, month, 9))]
    found = trends(fold_all(events).values(), DAY, months=4)
    assert [(r["month"], r["count"]) for r in found["cells"]] == [("2026-08", 1), ("2026-09", 1), ("2026-10", 1),
                                                                   ("2026-11", 4)]  # fmt: skip
    assert found["rising"] == [{"category": "housing", "latest": 4, "earlier_mean": 1.0, "change": 3.0}]
    assert found["units"] == [{"unit": A, "count": 7, "share": 1.0}]


def test_the_annual_report_has_the_four_parts_of_art_41_and_prints() -> None:
    from projections.views.annual import annual_report
    from xinfang.printable import printable_report
    from xinfang.sheets import Sheet

    c1, e1 = assigned_case("R1")
    _, e2 = assigned_case("R2", lead=B)
    events = [*e1, c1.order("DB-1", A, d(2026, 11, 4), d(2026, 11, 9), form="listed"),
              c1.order_answered("DB-1", A, d(2026, 11, 8)), *e2]  # fmt: skip
    sections = annual_report(fold_all(events), 2026, DAY, lambda code: {A: "住建局", B: "街道"}.get(code, code))
    assert [s.part for s in sections] == ["一"] * 5 + ["二", "三", "四"]
    totals = {r["item"]: r["value"] for r in sections[0].rows}
    assert (totals["登记信访事项"], totals["受理"]) == (2, 2)
    handed = {r["item"]: r["value"] for r in sections[5].rows}
    assert (handed["交办（首次）"], handed["督办单"], handed["其中挂牌督办"], handed["督办单按期回复"]) == (2, 1, 1, 1)
    assert {r["item"]: r["value"] for r in sections[4].rows} == {"住建局": 1, "街道": 1}
    page = printable_report(
        "2026年度信访工作报告", "截至 2026-11-23", [Sheet(s.title, s.headers, s.rows) for s in sections]
    )
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "转送、交办、督办情况" in page
