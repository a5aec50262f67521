"""`xinfang inbox | board | assess | trends | watch | unanswered | report`: the read side's views, as of any date.

Every view reads the case files (``projections.casefiles``): the current ones, or — with ``--as-of D`` and/or
``--as-known-at T`` — the journal folded up to effective date D and recorded by time T. The day a view is read on
(days left, overdue, the assessment date) is D, else the day of T, else today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from projections.casefile import CaseFile
from projections.casefiles import AsOf, Narrow, current_or_as_of, files_in_period, owed_by
from projections.views import answered, assessment, board, inbox, trends, watch
from projections.views.annual import annual_report
from services.runtime.clock import OFFICE_TIME
from services.runtime.errors import InvalidInput, XinfangError
from services.runtime.organisation import Organisation, organisation
from services.runtime.settings import Settings
from xinfang.console import DataDir, app, fail, out, projections_engine, settings_from
from xinfang.sheets import Sheet, emit

AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="截至生效日期 YYYY-MM-DD: the state as of that day (effective dates)")
]
KnownAtOpt = Annotated[
    str | None,
    typer.Option("--as-known-at", help="以某时刻前的记录为准, e.g. 2026-12-01T00:00 (北京时间): later entries ignored"),
]
Format = Annotated[str, typer.Option("--format", "-f", help="table | json | csv | xlsx")]
Output = Annotated[Path | None, typer.Option("--output", "-o", help="write to this file (required for xlsx)")]
UNIT_KEYS = {"unit", "scope", "category", "locality"}  # codes shown by their names


def parse_as_of(as_of: str | None, known_at: str | None) -> AsOf:
    try:
        on = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        raise InvalidInput(f"--as-of {as_of!r} 应为 YYYY-MM-DD", "as_of") from None
    try:
        at = datetime.fromisoformat(known_at) if known_at else None
    except ValueError:
        raise InvalidInput(f"--as-known-at {known_at!r} 应为 YYYY-MM-DDTHH:MM", "as_known_at") from None
    if at is not None and at.tzinfo is None:
        at = at.replace(tzinfo=OFFICE_TIME)
    return AsOf(on, at)


def view_engine(settings: Settings, as_of_text: str | None, known_at_text: str | None) -> Any:
    """The projections database, or a scratch one holding the case views as of a date / as known at a time."""
    from projections.asof import as_of_engine

    try:
        as_of = parse_as_of(as_of_text, known_at_text)
    except XinfangError as error:
        fail(error, False)
    return as_of_engine(projections_engine(settings), as_of)


def reading_day(as_of: AsOf, settings: Settings) -> date:
    """The day a view is read on: the as-of date, else the day of the as-known-at time, else today."""
    if as_of.on is not None:
        return as_of.on
    if as_of.known_at is not None:
        return min(as_of.known_at.astimezone(OFFICE_TIME).date(), settings.clock().today())
    return settings.clock().today()


@dataclass
class Reading:
    """What a view reads: the settings, the organisation, the as-of, the day it is read on, the case files."""

    settings: Settings
    org: Organisation
    when: AsOf
    day: date
    files: dict[str, CaseFile]


def load(
    data_dir: Path | None, as_of_text: str | None, known_at_text: str | None, narrow: Narrow | None = None
) -> Reading:
    """The case files as asked (now, as of a date, as known at a time), with what reading them needs; ``narrow``:
    only the files the view needs, when it reads the current ones."""
    settings = settings_from(data_dir)
    try:
        as_of = parse_as_of(as_of_text, known_at_text)
    except XinfangError as error:
        fail(error, False)
    day = reading_day(as_of, settings)
    with projections_engine(settings).connect() as conn:
        files = current_or_as_of(conn, as_of, day, narrow)
    return Reading(settings, organisation(settings.org_file), as_of, day, files)


def named(rows: list[dict[str, Any]], org: Organisation, keys: set[str] = UNIT_KEYS) -> list[dict[str, Any]]:
    return [{k: org.name_of(v) if k in keys and isinstance(v, str) else v for k, v in r.items()} for r in rows]


def subtitle(as_of: AsOf, day: date) -> str:
    return as_of.describe() or f"截至 {day.isoformat()}"


def _emit(sheets: list[Sheet], fmt: str, output: Path | None, r: Reading) -> None:
    """Print or write the view: units, categories and localities by their names for people, by their codes in JSON
    (for scripts); a workbook is stamped with the as-known-at time when given (reproducible bytes)."""
    if fmt != "json":
        sheets = [Sheet(s.title, s.headers, named(s.rows, r.org), s.notes) for s in sheets]
    try:
        emit(sheets, fmt, output, r.when.known_at or r.settings.clock().now())
    except XinfangError as error:
        fail(error, False)


@app.command("inbox")
def show_inbox(
    unit: Annotated[str, typer.Argument(help="单位编码 (e.g. 990100ZJJ)")],
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """待办: the unit's open cases as lead or co-handler, each thing due, its due date, days left and marks."""
    r = load(data_dir, as_of, as_known_at, owed_by(unit))
    try:
        r.org.unit(unit, "unit")
    except XinfangError as error:
        fail(error, False)
    rows = inbox.inbox(r.files.values(), unit, r.day)
    _emit([Sheet(f"待办 {r.org.name_of(unit)} {subtitle(r.when, r.day)}", inbox.HEADERS, rows)], fmt, output, r)


@app.command("board")
def show_board(
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    period: Annotated[
        str | None, typer.Option(help="五快 over this period (2026-11 | 2026-Q4 | 2026); default: this month")
    ] = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """督办看板: per unit open, due within 7 days, overdue, orders, 挂牌督办, major and urgent; the overdue items."""
    r = load(data_dir, as_of, as_known_at)
    counts, overdue = board.board(r.files.values(), r.day)
    try:
        chosen = assessment.parse_period(period or f"{r.day:%Y-%m}")
    except XinfangError as error:
        fail(error, False)
    speed = assessment.assess(
        r.files,
        chosen,
        r.day,
        "unit",
        r.settings.assess_min_cases,
        keys=[f.key for f in assessment.FIGURES if f.kind == "days"],
    )
    title = subtitle(r.when, r.day)
    _emit(
        [
            Sheet(f"督办看板 {title}", board.HEADERS, counts),
            Sheet(f"逾期事项（逾期最久在前） {title}", board.OVERDUE_HEADERS, overdue),
            Sheet(f"五快 {chosen.name}", SPEED_HEADERS, speed),
        ],
        fmt,
        output,
        r,
    )


RATE_HEADERS = {
    "scope": "考核对象",
    "name": "指标",
    "numerator": "分子",
    "denominator": "分母",
    "rate_text": "比率",
    "count": "件数",
    "note": "说明",
    "rank": "排名",
}
SPEED_HEADERS = {
    "scope": "单位",
    "name": "指标",
    "count": "件数",
    "median": "中位数（天）",
    "p90": "90%分位（天）",
    "note": "说明",
}


def _readable_rate(row: dict[str, Any], minimum: int) -> dict[str, Any]:
    rate = row["rate"]
    note = f"样本不足（少于{minimum}件），不参与排名" if row["insufficient"] else ""
    return {**row, "rate_text": "" if rate is None else f"{rate:.1%}", "note": note}


@app.command("assess")
def show_assess(
    period: Annotated[str, typer.Option(help="2026-11 (month) | 2026-Q4 | 2026")],
    unit: Annotated[str | None, typer.Option(help="one unit's figures")] = None,
    leader: Annotated[str | None, typer.Option(help="one owning leader's figures (leader code)")] = None,
    by: Annotated[str, typer.Option(help="district | unit | leader")] = "unit",
    explain: Annotated[
        bool, typer.Option("--explain", help="each figure's definition and the cases behind it")
    ] = False,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """考核: 及时受理率、及时告知率、按期办结率、参评率、满意率、重复信访率、初信初访一次性化解率 … with numerators,
    denominators and definitions; rates over too few cases are marked, not ranked."""
    try:
        chosen = assessment.parse_period(period)
        if by not in ("district", "unit", "leader"):
            raise InvalidInput(f"--by {by!r}: district | unit | leader", "by")
    except XinfangError as error:
        fail(error, False)
    r = load(data_dir, as_of, as_known_at, lambda conn, _day: files_in_period(conn, chosen.start, chosen.end))
    scope = unit or leader
    by = "unit" if unit else "leader" if leader else by
    until = min(r.day, chosen.end)
    rows = assessment.assess(r.files, chosen, until, by, r.settings.assess_min_cases, scope)
    minimum = r.settings.assess_min_cases
    title = f"考核 {chosen.name} {r.org.name_of(scope) if scope else ''} 考核日 {until.isoformat()}".replace("  ", " ")
    if as_of is not None or as_known_at is not None:
        title += f"（{r.when.describe()}）"
    sheets = []
    for group in dict.fromkeys(f.group for f in assessment.FIGURES):  # one sheet per figure group, in their order
        mine = [row for row in rows if assessment.BY_KEY[row["figure"]].group == group]
        if group == "五快":
            speed = [{**row, "note": "样本不足" if row["insufficient"] else ""} for row in mine]
            sheets.append(Sheet(f"{group} {title}", SPEED_HEADERS, speed))
        else:
            sheets.append(Sheet(f"{group} {title}", RATE_HEADERS, [_readable_rate(row, minimum) for row in mine]))
    definitions = [{"name": f.name, "group": f.group, "definition": f.definition} for f in assessment.FIGURES]
    sheets.append(Sheet("指标定义", {"name": "指标", "group": "类别", "definition": "定义"}, definitions))
    if explain:
        sheets.append(Sheet("计入案件", EXPLAIN_HEADERS, _explained(r.files, chosen, until, by, rows)))
    _emit(sheets, fmt, output, r)


EXPLAIN_HEADERS = {"scope": "考核对象", "name": "指标", "counted": "计入（分母）", "met": "符合（分子）"}


def _explained(
    files: dict[str, CaseFile], period: assessment.Period, until: date, by: str, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    found = []
    for row in rows:
        cases = assessment.explain(files, period, until, by, row["scope"], row["figure"])
        found.append(
            {
                "scope": row["scope"],
                "name": row["name"],
                "counted": "、".join(cases["counted"]),
                "met": "、".join(cases["met"]),
            }
        )
    return found


@app.command("trends")
def show_trends(
    months: Annotated[int, typer.Option(help="how many months up to the reading r.day")] = 12,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """趋势: counts by category × locality × month, rising categories, the units most complained about."""
    r = load(data_dir, as_of, as_known_at)
    found = trends.trends(r.files.values(), r.day, months)
    title = subtitle(r.when, r.day)
    _emit(
        [
            Sheet(f"分类×属地×月份 {title}", trends.CELL_HEADERS, found["cells"]),
            Sheet("上升的问题分类", trends.RISING_HEADERS, found["rising"]),
            Sheet("信访反映集中的单位", trends.UNIT_HEADERS, found["units"]),
        ],
        fmt,
        output,
        r,
    )


@app.command("watch")
def show_watch(
    since: Annotated[str | None, typer.Option(help="cases received on or after YYYY-MM-DD (积案: all)")] = None,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """信访排查: repeat petitioners (keyed, never named), collective, skip-level, 积案, stability risks."""
    r = load(data_dir, as_of, as_known_at)
    try:
        start = date.fromisoformat(since) if since else None
    except ValueError:
        fail(InvalidInput(f"--since {since!r} 应为 YYYY-MM-DD", "since"), False)
    rows = watch.watch(r.files.values(), r.day, start)
    _emit([Sheet(f"信访排查 {subtitle(r.when, r.day)}", watch.HEADERS, rows)], fmt, output, r)


@app.command("unanswered")
def show_unanswered(
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """件件有着落: cases past their handling limit with no reply, and any case closed without one (0 by rule)."""
    r = load(data_dir, as_of, as_known_at)
    found = answered.unanswered(r.files.values(), r.day)
    title = subtitle(r.when, r.day)
    _emit(
        [
            Sheet(f"逾期未答复 {title}", answered.HEADERS, found["past_limit"]),
            Sheet(f"办结而无答复（按规则应为0） {title}", answered.HEADERS, found["closed_unanswered"]),
        ],
        fmt,
        output,
        r,
    )


@app.command("report")
def show_report(
    year: Annotated[int, typer.Option(help="the calendar year")],
    html: Annotated[Path | None, typer.Option(help="also write a printable page (HTML) here")] = None,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    fmt: Format = "table",
    output: Output = None,
    data_dir: DataDir = None,
) -> None:
    """年度报告 (Art 41): statistics and fields, 转送/交办/督办, proposals and their adoption, other matters."""
    from xinfang.printable import printable_report

    r = load(data_dir, as_of, as_known_at)
    sections = annual_report(r.files, year, r.day, r.org.name_of)
    sheets = [Sheet(f"（{s.part}）{s.title}", s.headers, s.rows) for s in sections]
    if html is not None:
        html.write_text(
            printable_report(f"{year}年度信访工作报告", subtitle(r.when, min(r.day, date(year, 12, 31))), sheets),
            encoding="utf-8",
        )
        out.print(f"[green]✓[/] 打印页 {html}")
    _emit(sheets, fmt, output, r)
