"""督办 and 考核 reads for the web: the board, 领导包案, the watch list, 考核, trends, 件件有着落 and the annual
report — the CLI's views (``xinfang board | assess | trends | watch | unanswered | report``) on the same case
files, scoped by role. The bureau's supervisors and the auditor see all; 交办 the board and 领导包案; a 包案领导
their own cases; a unit its own rows where a view has units (the board, 考核, 件件有着落), nothing else; an
administrator nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from projections.casefile import CaseFile
from projections.casefiles import AsOf, Narrow, current_or_as_of, files_in_period
from projections.views import answered, assessment, board, trends, watch
from projections.views.annual import annual_report
from services.runtime.errors import InvalidInput
from services.runtime.organisation import Organisation, organisation
from xinfang.read_commands import RATE_HEADERS, SPEED_HEADERS, named, parse_as_of, reading_day, subtitle
from xinfang.sheets import Sheet
from xinfang.views import LEADER_HEADERS, leader_rows
from xinfang.web.errors import Forbidden
from xinfang.web.users import Role, User
from xinfang.web.wiring import Web

R = Role
BOARD = frozenset({R.supervision, R.auditor, R.assignment, R.department})
LEADERS = frozenset({R.supervision, R.auditor, R.assignment, R.leader})
ASSESSMENT = frozenset({R.supervision, R.auditor, R.department})
UNANSWERED = frozenset({R.supervision, R.auditor, R.department})
BUREAU_ONLY = frozenset({R.supervision, R.auditor})  # watch, trends, the annual report: no unit column to keep to
SPEED_KEYS = [f.key for f in assessment.FIGURES if f.kind == "days"]
RATE_KEYS = [f.key for f in assessment.FIGURES if f.kind == "rate"]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)  # dates a view may be read on (beyond: no 信访 data)


@dataclass
class Reading:
    """What a view reads: the case files (now or as of a date), the organisation, the day it is read on."""

    files: dict[str, CaseFile]
    org: Organisation
    when: AsOf
    day: date
    minimum: int  # 考核: fewer items than this is 样本不足


def allowed(user: User, roles: frozenset[Role], what: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"角色「{user.role_label}」无权查看{what}")


def read(web: Web, as_of: str | None = None, narrow: Narrow | None = None) -> Reading:
    """The case files as of the date asked (or the current ones; ``narrow``: only those the view needs)."""
    as_of_day = parse_as_of(as_of, None)
    if as_of_day.on is not None and not EARLIEST <= as_of_day.on <= LATEST:
        raise InvalidInput(f"截至日期 {as_of} 须在 {EARLIEST.year} 到 {LATEST.year} 年之间", "as_of")
    day = reading_day(as_of_day, web.settings)
    with web.engine.connect() as conn:
        files = current_or_as_of(conn, as_of_day, day, narrow)
    return Reading(files, organisation(web.settings.org_file), as_of_day, day, web.settings.assess_min_cases)


def in_period(period: str | None) -> Narrow:
    """A period's 考核 reads only the files dated in it (and their related cases)."""

    def narrow(conn: Any, day: date) -> dict[str, CaseFile]:
        chosen = period_of(period, day)
        return files_in_period(conn, chosen.start, chosen.end)

    return narrow


def own_unit(user: User, rows: list[dict[str, Any]], key: str = "unit") -> list[dict[str, Any]]:
    """A unit's own rows; everyone else's rows as they are."""
    return [r for r in rows if r.get(key) == user.unit] if user.role is Role.department else rows


def period_of(text: str | None, day: date) -> assessment.Period:
    chosen = assessment.parse_period(text or f"{day:%Y-%m}")
    if not EARLIEST <= chosen.start <= LATEST:
        raise InvalidInput(f"考核期间 {text} 须在 {EARLIEST.year} 到 {LATEST.year} 年之间", "period")
    return chosen


def board_sheets(web: Web, user: User, period: str | None = None, as_of: str | None = None) -> list[Sheet]:
    """督办看板: per unit counts (the district's total last), the overdue items, and 五快 over the period."""
    allowed(user, BOARD, "督办看板")
    r = read(web, as_of)
    counts, overdue = board.board(r.files.values(), r.day)
    chosen = period_of(period, r.day)
    speed = assessment.assess(r.files, chosen, r.day, "unit", r.minimum, keys=SPEED_KEYS)
    speed = [{**row, "note": "样本不足" if row["insufficient"] else ""} for row in speed]
    title = subtitle(r.when, r.day)
    return [
        Sheet(f"督办看板 {title}", board.HEADERS, own_unit(user, counts)),
        Sheet(f"逾期事项（逾期最久在前） {title}", board.OVERDUE_HEADERS, own_unit(user, overdue)),
        Sheet(f"五快 {chosen.name}", SPEED_HEADERS, own_unit(user, speed, "scope")),
    ]


def leaders_sheets(web: Web, user: User) -> list[Sheet]:
    """领导包案: every leader's cases for the bureau; a 包案领导's own only."""
    allowed(user, LEADERS, "领导包案")
    rows = leader_rows(web.engine, user.leader if user.role is Role.leader else None)
    if user.role is Role.leader:  # by id only: another leader of the same name is not theirs
        rows = [row for row in rows if row["leader_id"] == user.leader]
    title = f"{'我的包案' if user.role is Role.leader else '领导包案'} 截至 {web.clock.today().isoformat()}"
    return [Sheet(title, LEADER_HEADERS, rows)]


def watch_sheets(web: Web, user: User, since: date | None = None, as_of: str | None = None) -> list[Sheet]:
    """信访排查: repeat petitioners (keyed, never named), collective, skip-level, 积案, stability risks."""
    allowed(user, BUREAU_ONLY, "信访排查（关注）")
    r = read(web, as_of)
    return [Sheet(f"信访排查 {subtitle(r.when, r.day)}", watch.HEADERS, watch.watch(r.files.values(), r.day, since))]


def assessment_rows(
    web: Web, user: User, period: str | None = None, by: str = "unit", as_of: str | None = None
) -> tuple[str, date, list[dict[str, Any]]]:
    """考核 rows of every figure: the period's name, the assessment date, the rows (a unit: its own)."""
    allowed(user, ASSESSMENT, "考核")
    if by not in ("district", "unit", "leader"):
        raise InvalidInput(f"by {by!r}: district | unit | leader", "by")
    r = read(web, as_of, in_period(period))
    chosen = period_of(period, r.day)
    until = min(r.day, chosen.end)
    scope = user.unit if user.role is Role.department else None
    rows = assessment.assess(r.files, chosen, until, "unit" if scope else by, r.minimum, scope)
    return chosen.name, until, [readable_rate(row, r.minimum) for row in rows]


def readable_rate(row: dict[str, Any], minimum: int) -> dict[str, Any]:
    rate = row["rate"]
    note = f"样本不足（少于{minimum}件），不参与排名" if row["insufficient"] else ""
    return {**row, "rate_text": "" if rate is None else f"{rate:.1%}", "note": note}


def assessment_sheets(
    web: Web, user: User, period: str | None = None, by: str = "unit", as_of: str | None = None
) -> list[Sheet]:
    """考核 as the CLI shows it: one sheet per figure group, then the definitions."""
    name, until, rows = assessment_rows(web, user, period, by, as_of)
    title = f"考核 {name} 考核日 {until.isoformat()}"
    sheets = []
    for group in dict.fromkeys(f.group for f in assessment.FIGURES):
        mine = [row for row in rows if row["group"] == group]
        sheets.append(Sheet(f"{group} {title}", SPEED_HEADERS if group == "五快" else RATE_HEADERS, mine))
    definitions = [{"name": f.name, "group": f.group, "definition": f.definition} for f in assessment.FIGURES]
    return [*sheets, Sheet("指标定义", {"name": "指标", "group": "类别", "definition": "定义"}, definitions)]


def monthly(web: Web, user: User, figure: str, months: int = 6) -> list[dict[str, Any]]:
    """One rate by month, the last ``months`` months: the district's, or a unit's own."""
    allowed(user, ASSESSMENT, "考核")
    if figure not in RATE_KEYS:
        raise InvalidInput(f"指标 {figure!r} 不是比率指标: {', '.join(RATE_KEYS)}", "figure")
    if not 1 <= months <= 36:
        raise InvalidInput("月数须在 1 到 36 之间", "months")
    r = read(web)
    scope = user.unit if user.role is Role.department else None
    found = []
    for month in trends.months_back(r.day, months):
        chosen = assessment.parse_period(month)
        by = "unit" if scope else "district"
        (row,) = assessment.assess(r.files, chosen, min(r.day, chosen.end), by, r.minimum, scope, keys=[figure])
        found.append({**readable_rate(row, r.minimum), "month": month})
    return found


def trends_sheets(web: Web, user: User, months: int = 12, as_of: str | None = None) -> list[Sheet]:
    """趋势: counts by category × locality × month, rising categories, the units most complained about."""
    allowed(user, BUREAU_ONLY, "趋势")
    if not 1 <= months <= 60:
        raise InvalidInput("月数须在 1 到 60 之间", "months")
    r = read(web, as_of)
    found = trends.trends(r.files.values(), r.day, months)
    title = subtitle(r.when, r.day)
    return [
        Sheet(f"分类×属地×月份 {title}", trends.CELL_HEADERS, found["cells"]),
        Sheet("上升的问题分类", trends.RISING_HEADERS, found["rising"]),
        Sheet("信访反映集中的单位", trends.UNIT_HEADERS, found["units"]),
    ]


def unanswered_sheets(web: Web, user: User, as_of: str | None = None) -> list[Sheet]:
    """件件有着落: past the handling limit with no reply; closed with no reply (0 by rule). A unit: its own."""
    allowed(user, UNANSWERED, "件件有着落")
    r = read(web, as_of)
    found = answered.unanswered(r.files.values(), r.day)
    title = subtitle(r.when, r.day)
    return [
        Sheet(f"逾期未答复 {title}", answered.HEADERS, own_unit(user, found["past_limit"])),
        Sheet(f"办结而无答复（按规则应为0） {title}", answered.HEADERS, own_unit(user, found["closed_unanswered"])),
    ]


def annual_sheets(web: Web, user: User, year: int, as_of: str | None = None) -> tuple[str, list[Sheet]]:
    """年度报告 (Art 41): its subtitle (截至 …) and its four parts as sheets."""
    allowed(user, BUREAU_ONLY, "年度报告")
    if not EARLIEST.year <= year <= LATEST.year:
        raise InvalidInput(f"年份须在 {EARLIEST.year} 到 {LATEST.year} 之间", "year")
    r = read(web, as_of)
    sections = annual_report(r.files, year, r.day, r.org.name_of)
    sheets = [Sheet(f"（{s.part}）{s.title}", s.headers, s.rows) for s in sections]
    return subtitle(r.when, min(r.day, date(year, 12, 31))), sheets


def for_people(web: Web, sheets: list[Sheet]) -> list[Sheet]:
    """Units, categories and localities by their names (pages and files); JSON keeps the codes."""
    org = organisation(web.settings.org_file)
    return [Sheet(s.title, s.headers, named(s.rows, org), s.notes) for s in sheets]
