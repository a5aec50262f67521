"""督办 and 考核 over HTTP: the board, 领导包案, the watch list, 考核 (by period and by month), trends, 件件有着落 and
the annual report, as JSON (codes as stored) or as a file (CSV of the first table, or a workbook of every table,
names for codes) — the CLI's views and formats. Who sees what is ``report_reads``'s."""

from __future__ import annotations

import io
from datetime import date
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, Field

from projections.leaders import HEADERS as LEADER_HEADERS
from projections.views import answered, board, trends, watch
from xinfang.exports import to_csv, write_xlsx
from xinfang.read_commands import RATE_HEADERS, SPEED_HEADERS
from xinfang.sheets import Sheet, workbook_sheets
from xinfang.web import report_reads as reports
from xinfang.web.auth import staff
from xinfang.web.errors import ERROR_RESPONSES
from xinfang.web.users import User
from xinfang.web.wiring import Web

router = APIRouter(prefix="/api", tags=["督办与考核 supervision"], responses=ERROR_RESPONSES)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, XLSX: {}}, "description": "JSON, 或文件 (CSV / xlsx) when format asks"}
}
Format = Literal["json", "csv", "xlsx"]
FormatParam = Query(
    "json",
    title="格式",
    description="format: json (codes as stored) | csv (the first table, Chinese headers, UTF-8 BOM) | xlsx (every "
    "table, names for codes) — csv and xlsx answer a file download",
)
AsOfParam = Query(
    None, title="截至生效日期", description="as_of: the state as of that day, YYYY-MM-DD (effective dates)"
)
PeriodParam = Query(None, title="考核期间", description="period: 2026-11 (month) | 2026-Q4 | 2026; default this month")


class SheetOut(BaseModel):
    """一张表 (one table of a view)."""

    title: str = Field(title="表名", description="title, with the day it is read on")
    headers: dict[str, str] = Field(title="表头", description="headers: each row key → its Chinese column name")
    rows: list[dict[str, Any]] = Field(title="行", description="rows: keys as in headers (plus ids), codes, ISO dates")


class ReportOut(BaseModel):
    """一份视图 (a view: one or more tables)."""

    title: str = Field(title="名称", description="title of the view")
    sheets: list[SheetOut] = Field(title="表", description="sheets: the view's tables, in order")


class MonthRate(BaseModel):
    """一个月的一项比率 (one rate in one month)."""

    month: str = Field(title="月份", description="month, YYYY-MM")
    scope: str = Field(title="考核对象", description="scope: 全区 (district) or the unit's code")
    figure: str = Field(title="指标代码", description="figure key, e.g. on_time_handling")
    name: str = Field(title="指标", description="figure name, in Chinese")
    numerator: int | None = Field(None, title="分子", description="numerator: items meeting the test")
    denominator: int | None = Field(None, title="分母", description="denominator: items counted")
    rate: float | None = Field(None, title="比率", description="rate, 0–1 (None when nothing was counted)")
    rate_text: str = Field(title="比率（文字）", description="rate as a percentage, e.g. 85.0%")
    insufficient: bool = Field(title="样本不足", description="insufficient: fewer items than the minimum sample")
    note: str = Field(title="说明", description="note, in Chinese")


def columns(*tables: tuple[str, dict[str, str]]) -> str:
    """A route's description of its tables' columns: key (中文) …"""
    shown = [f"**{name}**: " + ", ".join(f"`{k}` {v}" for k, v in headers.items()) for name, headers in tables]
    return "\n\n".join(shown)


def attachment(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def answer(web: Web, title: str, sheets: list[Sheet], fmt: Format, filename: str, fallback: str) -> Any:
    """The view as JSON, or as a file download in the format asked."""
    if fmt == "json":
        return {"title": title, "sheets": [vars(s) for s in sheets]}
    shown = reports.for_people(web, sheets)
    day = web.clock.today().isoformat()
    if fmt == "csv":
        body: bytes = to_csv(shown[0].rows, shown[0].headers).encode("utf-8")
        kind = "text/csv; charset=utf-8"
    else:
        buffer = io.BytesIO()
        write_xlsx(buffer, workbook_sheets(shown), web.clock.now())
        body, kind = buffer.getvalue(), XLSX
    disposition = attachment(f"{filename}-{day}.{fmt}", f"{fallback}-{day}.{fmt}")
    return Response(body, media_type=kind, headers={"Content-Disposition": disposition})


ROLES = "角色 (roles): supervision, auditor (all){}; administrator 403."


@router.get(
    "/board",
    summary="督办看板 supervision board",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format(", assignment (all), department (its own unit's rows); leader 403")
    + "\n\n"
    + columns(("督办看板", board.HEADERS), ("逾期事项", board.OVERDUE_HEADERS), ("五快", SPEED_HEADERS)),
)
def get_board(
    request: Request,
    period: str | None = PeriodParam,
    as_of: str | None = AsOfParam,
    format: Format = FormatParam,
    user: User = Depends(staff),
) -> Any:
    web = Web.of(request)
    return answer(web, "督办看板", reports.board_sheets(web, user, period, as_of), format, "督办看板", "board")


@router.get(
    "/leaders",
    summary="领导包案 leaders' cases",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format(", assignment (all), leader (own cases only); department 403")
    + "\n\n"
    + columns(("领导包案", LEADER_HEADERS)),
)
def get_leaders(request: Request, format: Format = FormatParam, user: User = Depends(staff)) -> Any:
    web = Web.of(request)
    return answer(web, "领导包案", reports.leaders_sheets(web, user), format, "领导包案", "leaders")


@router.get(
    "/watch",
    summary="信访排查 watch list",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format("; assignment, department, leader 403") + "\n\n" + columns(("信访排查", watch.HEADERS)),
)
def get_watch(
    request: Request,
    since: date | None = Query(
        None, title="起始日期", description="since: cases received on or after YYYY-MM-DD (积案: all)"
    ),
    as_of: str | None = AsOfParam,
    format: Format = FormatParam,
    user: User = Depends(staff),
) -> Any:
    web = Web.of(request)
    return answer(web, "信访排查", reports.watch_sheets(web, user, since, as_of), format, "信访排查", "watch")


@router.get(
    "/assessment",
    summary="考核 assessment",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format(", department (its own unit's figures); assignment, leader 403")
    + " Rates over fewer items than the minimum sample are marked 样本不足 and not ranked.\n\n"
    + columns(("比率", RATE_HEADERS), ("五快", SPEED_HEADERS))
    + "; every row also: `figure`, `group`, `rate` (0–1), `insufficient`, `median`, `p90`.",
)
def get_assessment(
    request: Request,
    period: str | None = PeriodParam,
    month: str | None = Query(None, title="月份", description="month: YYYY-MM, the same as period for one month"),
    by: Literal["unit", "district", "leader"] = Query(
        "unit", title="考核维度", description="by: unit (单位) | district (全区) | leader (包案领导)"
    ),
    as_of: str | None = AsOfParam,
    format: Format = FormatParam,
    user: User = Depends(staff),
) -> Any:
    web = Web.of(request)
    sheets = reports.assessment_sheets(web, user, period or month, by, as_of)
    return answer(web, "考核", sheets, format, "考核", "assessment")


@router.get(
    "/assessment/months",
    summary="考核按月 one rate by month",
    response_model=list[MonthRate],
    description=ROLES.format(", department (its own unit); assignment, leader 403")
    + " The district's rate (a unit's own) in each of the last months, with its counts.",
)
def get_assessment_months(
    request: Request,
    figure: str = Query(
        "on_time_handling",
        title="指标",
        description=f"figure: a rate's key — {', '.join(reports.RATE_KEYS)}",
    ),
    months: int = Query(6, title="月数", description="months: how many, up to this month (1–36)"),
    user: User = Depends(staff),
) -> Any:
    return reports.monthly(Web.of(request), user, figure, months)


@router.get(
    "/trends",
    summary="趋势 trends",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format("; assignment, department, leader 403")
    + "\n\n"
    + columns(
        ("分类×属地×月份", trends.CELL_HEADERS),
        ("上升的问题分类", trends.RISING_HEADERS),
        ("信访反映集中的单位", trends.UNIT_HEADERS),
    ),
)
def get_trends(
    request: Request,
    months: int = Query(12, title="月数", description="months: how many, up to the day read on (1–60)"),
    as_of: str | None = AsOfParam,
    format: Format = FormatParam,
    user: User = Depends(staff),
) -> Any:
    web = Web.of(request)
    return answer(web, "趋势", reports.trends_sheets(web, user, months, as_of), format, "趋势", "trends")


@router.get(
    "/unanswered",
    summary="件件有着落 unanswered",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format(", department (its own unit's rows); assignment, leader 403")
    + " Past the handling limit with no reply; closed with no reply (0 by rule).\n\n"
    + columns(("逾期未答复 / 办结而无答复", answered.HEADERS)),
)
def get_unanswered(
    request: Request, as_of: str | None = AsOfParam, format: Format = FormatParam, user: User = Depends(staff)
) -> Any:
    web = Web.of(request)
    return answer(web, "件件有着落", reports.unanswered_sheets(web, user, as_of), format, "件件有着落", "unanswered")


@router.get(
    "/annual-report",
    summary="年度报告 annual report",
    response_model=ReportOut,
    responses=FILES,
    description=ROLES.format("; assignment, department, leader 403")
    + " The four parts of Art 41; each table's columns are in its headers (`item` 项目, `value` 数量 …).",
)
def get_annual_report(
    request: Request,
    year: int | None = Query(None, title="年度", description="year: the calendar year (default this year)"),
    as_of: str | None = AsOfParam,
    format: Format = FormatParam,
    user: User = Depends(staff),
) -> Any:
    web = Web.of(request)
    chosen = year or web.clock.today().year
    _, sheets = reports.annual_sheets(web, user, chosen, as_of)
    return answer(web, f"{chosen}年度信访工作报告", sheets, format, f"{chosen}年度信访工作报告", f"annual-{chosen}")


def install(app: FastAPI) -> None:
    app.include_router(router)
