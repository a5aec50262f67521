"""督办 and 考核 pages: 督办看板 (with 件件有着落), 领导包案, 关注 (信访排查), 考核 with its charts, 趋势 and the
printable 年度报告 — the same reads as the API's (``report_reads``), units and categories by their names, each with
its export links."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse

from projections.views import assessment, trends
from services.runtime.errors import InvalidInput
from services.runtime.organisation import organisation
from xinfang.web import report_reads as reports
from xinfang.web.charts import Bar, bar_chart, count_bars
from xinfang.web.pages import person, render
from xinfang.web.users import User
from xinfang.web.wiring import Web

router = APIRouter(include_in_schema=False)
RATES = [f for f in assessment.FIGURES if f.kind == "rate"]


def _checked(period: str | None) -> tuple[str | None, str]:
    """The period asked for, or none (this month) and why, shown on the page."""
    if not period:
        return None, ""
    try:
        reports.period_of(period, reports.EARLIEST)
    except InvalidInput as error:
        return None, error.message
    return period, ""


def _bars(rows: list[dict[str, Any]], label: str, name_of: Any = str) -> list[Bar]:
    return [
        Bar(name_of(row[label]), row["rate"], f"{row['numerator']}/{row['denominator']}件", row["insufficient"])
        for row in rows
    ]


@router.get("/board", response_class=HTMLResponse)
def board_page(request: Request, period: str | None = None, user: User = Depends(person)) -> HTMLResponse:
    web = Web.of(request)
    period, error = _checked(period)
    counts, overdue, speed = reports.for_people(web, reports.board_sheets(web, user, period))
    unanswered, _ = reports.for_people(web, reports.unanswered_sheets(web, user))
    context: dict[str, Any] = {"counts": counts, "overdue": overdue, "speed": speed, "period": period or ""}
    context |= {"error": error, "unanswered": unanswered}
    return render(request, "reports/board.html", **context)


@router.get("/leaders", response_class=HTMLResponse)
def leaders_page(request: Request, user: User = Depends(person)) -> HTMLResponse:
    web = Web.of(request)
    (cases,) = reports.for_people(web, reports.leaders_sheets(web, user))
    return render(request, "reports/leaders.html", cases=cases)


@router.get("/watch", response_class=HTMLResponse)
def watch_page(request: Request, since: date | None = None, user: User = Depends(person)) -> HTMLResponse:
    web = Web.of(request)
    (listed,) = reports.for_people(web, reports.watch_sheets(web, user, since))
    return render(request, "reports/watch.html", listed=listed, since=since.isoformat() if since else "")


@router.get("/assessment", response_class=HTMLResponse)
def assessment_page(
    request: Request,
    period: str | None = None,
    figure: str = Query("on_time_handling"),
    user: User = Depends(person),
) -> HTMLResponse:
    web = Web.of(request)
    figure = figure if figure in reports.RATE_KEYS else "on_time_handling"
    period, error = _checked(period)
    name, until, rows = reports.assessment_rows(web, user, period, "unit")
    org = organisation(web.settings.org_file)
    chosen = assessment.BY_KEY[figure]
    by_unit = [row for row in rows if row["figure"] == figure]
    by_month = reports.monthly(web, user, figure)
    context: dict[str, Any] = {
        "period": name,
        "until": until,
        "figure": chosen,
        "figures": RATES,
        "by_unit": [{**row, "unit_name": org.name_of(row["scope"])} for row in by_unit],
        "by_month": by_month,
        "unit_chart": bar_chart(f"{chosen.name}（按单位，{name}）", _bars(by_unit, "scope", org.name_of)),
        "month_chart": bar_chart(f"{chosen.name}（按月）", _bars(by_month, "month")),
        "others": [{**row, "unit_name": org.name_of(row["scope"])} for row in rows if row["figure"] != figure],
        "minimum": web.settings.assess_min_cases,
        "error": error,
    }
    return render(request, "reports/assessment.html", **context)


@router.get("/trends", response_class=HTMLResponse)
def trends_page(request: Request, months: int = 12, user: User = Depends(person)) -> HTMLResponse:
    web = Web.of(request)
    cells, rising, units = reports.for_people(web, reports.trends_sheets(web, user, months))
    by_month: dict[str, int] = dict.fromkeys(trends.months_back(web.clock.today(), months), 0)
    for cell in cells.rows:
        by_month[cell["month"]] = by_month.get(cell["month"], 0) + cell["count"]
    chart = bar_chart(f"各月登记件数（近{months}个月）", count_bars(by_month), percent=False)
    units.rows = [{**row, "share": f"{row['share']:.1%}"} for row in units.rows]
    context: dict[str, Any] = {"cells": cells, "rising": rising, "units": units, "chart": chart, "months": months}
    return render(request, "reports/trends.html", **context)


@router.get("/annual", response_class=HTMLResponse)
def annual_page(request: Request, year: int | None = None, user: User = Depends(person)) -> HTMLResponse:
    web = Web.of(request)
    chosen = year or web.clock.today().year
    note, sheets = reports.annual_sheets(web, user, chosen)
    return render(request, "reports/annual.html", year=chosen, note=note, sheets=sheets)


def install(app: FastAPI) -> None:
    app.include_router(router)
