"""The cases' read side for the web (the API and the console's pages): the ledger, one case, its clocks, its
handoffs, its history, a unit's inbox and the verification of one case — each scoped to what the signed-in person
may see, through the same projections and stream the CLI reads.

The report rule (检举控告, Art 30, 46): a unit (and a leader) never sees a report's content or reporter. The bus
already carries neither (intake keeps them); on top of that, for those roles, a report's remaining traces of what
was reported (the placeholder text, the unit reported on, the materials asked for, related cases, what was said
in an urgent report) are blanked in the ledger row and left out of its history.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import nats.errors
from sqlalchemy import Select, func, or_, select

from events import STREAM
from events.vocabulary import Clock, label
from projections.case_state import CLOCK_LABELS, WINDOW_CLOCKS
from projections.casefile import CaseFile
from projections.casefiles import files as case_files
from projections.casefiles import files_owed_by
from projections.handoffs import handoff_rows
from projections.ledger import HEADERS as LEDGER_HEADERS
from projections.ledger import ledger
from projections.tracking import tracking_cases
from projections.views import inbox as inbox_view
from services.runtime.errors import InvalidInput, NotFound, Unavailable
from services.runtime.organisation import Organisation, organisation
from services.runtime.query_codes import lookup_key
from services.runtime.settings import Settings
from xinfang import exports
from xinfang.history import case_history as stream_history
from xinfang.history import describe, event_title
from xinfang.verify_command import Outcome
from xinfang.web.errors import Forbidden
from xinfang.web.users import Role, User
from xinfang.web.wiring import Web

MAX_SIZE = 200
MAX_PAGE = 100_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_SORT = "-received_on"
WITHHELD_TEXT = "（检举控告内容另行保管）"
# A report's ledger columns a unit or a leader never reads (beyond what the bus already withholds).
REPORT_COLUMNS = ("request", "materials_items", "related_case", "urgent_recipients", "risks", "last_handoff_reason")
# A report's event fields a unit or a leader never reads in its history.
REPORT_FIELDS = frozenset(
    {
        "request", "facts", "reported_unit", "about_cadre", "cadre", "petitioner_count", "representatives",
        "guidance", "related_case", "summary", "measures", "content", "items", "reasons", "reason", "text",
        "findings", "report", "opinion_text", "petitioner_key",
    }
)  # fmt: skip
NEVER_SHOWN = frozenset({"tracking_key", "secret_hash"})  # the 查询码's index and the 查询密码's hash: nobody's reading
BLIND_ROLES = frozenset({Role.department, Role.leader})
OUTAGE = (nats.errors.Error, ConnectionError, TimeoutError)  # NATS lost while a read of the stream was under way
STATES = {"running": 0, "paused": 1, "stopped": 2}  # 计时中, 暂停, 已停止: the order clocks are listed in


@dataclass(frozen=True)
class LedgerFilter:
    """台账筛选: every field optional; ``q`` finds a case by its 信访件编号 (or part of it) or its 查询码."""

    status: str | None = None  # 状态
    unit: str | None = None  # 主办单位编码
    category: str | None = None  # 问题分类
    locality: str | None = None  # 问题属地
    channel: str | None = None  # 渠道
    received_from: date | None = None  # 来信来访日期 起
    received_to: date | None = None  # 来信来访日期 止
    overdue: bool | None = None  # 逾期 (True: some clock overdue; False: none)
    q: str | None = None  # 信访件编号 or 查询码


@dataclass
class Page:
    """One page of rows, the total matching and where the page is."""

    items: list[dict[str, Any]]
    total: int
    page: int
    size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


@dataclass
class CaseClock:
    """期限: one run of a clock of the case, with the days left as of today."""

    clock: str
    name: str
    round: int
    unit: str
    unit_name: str
    starts_on: date | None
    due: date
    state: str  # running | paused | stopped
    days_left: int | None
    warned: bool
    overdue: bool
    on_time: bool | None = None
    stopped_on: date | None = None
    paused_on: date | None = None


@dataclass
class CaseDetail:
    """One case: its ledger row, its clocks (running first), its 流转记录."""

    row: dict[str, Any]
    clocks: list[CaseClock] = field(default_factory=list)
    handoffs: list[dict[str, Any]] = field(default_factory=list)


def org_of(web: Web) -> Organisation:
    return organisation(web.settings.org_file)


def blind_to_reports(user: User) -> bool:
    return user.role in BLIND_ROLES


def scoped(web: Web, user: User, query: Select[Any]) -> Select[Any]:
    """The query over the ledger, narrowed to what this person may see; an administrator reads no cases."""
    if user.role is Role.admin:
        raise Forbidden("系统管理员管理账号，不查阅案件")
    visible = web.visible_cases(user)
    return query if visible is None else query.where(visible)


def filtered(query: Select[Any], filters: LedgerFilter) -> Select[Any]:
    c = ledger.c
    for column, value in (
        (c.status, filters.status),
        (c.department, filters.unit),
        (c.category, filters.category),
        (c.locality, filters.locality),
        (c.channel, filters.channel),
    ):
        if value:
            query = query.where(column == value)
    if filters.received_from:
        query = query.where(c.received_on >= filters.received_from)
    if filters.received_to:
        query = query.where(c.received_on <= filters.received_to)
    if filters.overdue is not None:
        late = (c.overdue_clocks.is_not(None)) & (c.overdue_clocks != "")
        query = query.where(late if filters.overdue else ~late)
    if filters.q and (q := filters.q.strip()):
        by_code = select(tracking_cases.c.case_id).where(tracking_cases.c.tracking_key == lookup_key(q))
        query = query.where(or_(c.case_no.contains(q, autoescape=True), c.case_id.in_(by_code)))
    return query


def sorted_by(query: Select[Any], sort: str) -> Select[Any]:
    """``received_on`` ascending, ``-received_on`` descending: any ledger column; the case number breaks ties."""
    name = sort.removeprefix("-")
    column = ledger.c.get(name)
    if column is None:
        raise InvalidInput(f"不能按 {sort!r} 排序: 须为台账的列名，前加 - 为倒序", "sort")
    order = (column.desc() if sort.startswith("-") else column.asc()).nulls_last()  # the same on either database
    return query.order_by(order, ledger.c.case_no)


def shown_row(row: dict[str, Any], user: User) -> dict[str, Any]:
    """A ledger row as this person may read it (the report rule)."""
    if not (row.get("withheld") and blind_to_reports(user)):
        return row
    blanked = {key: None for key in REPORT_COLUMNS if key in row}
    return {**row, **blanked, "request": WITHHELD_TEXT}


def ledger_page(
    web: Web, user: User, filters: LedgerFilter, page: int = 1, size: int = 50, sort: str = DEFAULT_SORT
) -> Page:
    """台账, one page: the rows this person may see that match the filters, sorted, with the total."""
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"page 须在 1–{MAX_PAGE} 之间", "page")
    if not 1 <= size <= MAX_SIZE:
        raise InvalidInput(f"size 须在 1–{MAX_SIZE} 之间", "size")
    query = filtered(scoped(web, user, select(ledger)), filters)
    counted = select(func.count()).select_from(query.subquery())
    with web.engine.connect() as conn:
        total = int(conn.execute(counted).scalar_one())
        rows = conn.execute(sorted_by(query, sort).limit(size).offset((page - 1) * size)).mappings()
        items = [shown_row(dict(r), user) for r in rows]
    return Page(items, total, page, size)


def ledger_all(web: Web, user: User, filters: LedgerFilter, sort: str = DEFAULT_SORT) -> list[dict[str, Any]]:
    """台账, every row this person may see that matches the filters (for exports)."""
    query = sorted_by(filtered(scoped(web, user, select(ledger)), filters), sort)
    with web.engine.connect() as conn:
        return [shown_row(dict(r), user) for r in conn.execute(query).mappings()]


def ledger_csv(web: Web, rows: list[dict[str, Any]]) -> bytes:
    """The 台账 as CSV for Excel: a BOM, the Chinese headers, the labelled rows."""
    org = org_of(web)
    return exports.to_csv([exports.labelled(r, LEDGER_HEADERS, org) for r in rows], LEDGER_HEADERS).encode("utf-8")


def ledger_xlsx(web: Web, rows: list[dict[str, Any]], title: str = "台账") -> bytes:
    """The 台账 as an Excel workbook: one sheet, Chinese headers, dates as dates."""
    org = org_of(web)
    labelled = [exports.labelled(r, LEDGER_HEADERS, org) for r in rows]
    sheet = exports.Sheet(exports.sheet_title(title), LEDGER_HEADERS, labelled)
    buffer = io.BytesIO()
    exports.write_xlsx(buffer, [sheet], web.clock.now())
    return buffer.getvalue()


def ledger_row(web: Web, user: User, case: str) -> dict[str, Any]:
    """One case's ledger row (by id or 信访件编号), if this person may see it; else 404."""
    if user.role is Role.admin:
        raise Forbidden("系统管理员管理账号，不查阅案件")
    case_id = web.resolve_case(case, user)
    with web.engine.connect() as conn:
        row = conn.execute(select(ledger).where(ledger.c.case_id == case_id)).mappings().first()
    if row is None:
        raise NotFound("台账中还没有这个案件（刚登记的案件稍后可见）", "case")
    return shown_row(dict(row), user)


def case_file(web: Web, case_id: str) -> CaseFile | None:
    with web.engine.connect() as conn:
        state = conn.execute(select(case_files.c.state).where(case_files.c.case_id == case_id)).scalar()
    return CaseFile.model_validate_json(state) if state else None


def owner(file: CaseFile, clock: str) -> str:
    """Who owes a clock the file recorded before it knew (a handling limit set as the case was assigned): the
    office accepts, nobody owes the petitioner's windows, the lead the rest."""
    if clock == "acceptance":
        return file.office
    return "" if clock in WINDOW_CLOCKS else file.lead


def clocks_of(file: CaseFile, today: date, org: Organisation) -> list[CaseClock]:
    """Every clock run of the case, the running ones first (nearest due first), then the rest in order."""
    found = []
    for run in file.clocks:
        state = "stopped" if run.stopped_on else "paused" if run.paused_on else "running"
        running = state == "running"
        name = CLOCK_LABELS.get(run.clock, (label(run.clock, Clock), ""))[0]
        unit = run.unit or owner(file, run.clock)
        found.append(
            CaseClock(
                clock=run.clock,
                name=name,
                round=run.round,
                unit=unit,
                unit_name=org.name_of(unit) if unit else "",
                starts_on=run.starts_on,
                due=run.due,
                state=state,
                days_left=(run.due - today).days if running else None,
                warned=run.warned_on is not None,
                overdue=running and run.due < today,
                on_time=run.on_time,
                stopped_on=run.stopped_on,
                paused_on=run.paused_on,
            )
        )
    for no, order in file.orders.items():
        answered = order.answered_on is not None
        found.append(
            CaseClock(
                clock="order_answer",
                name=f"督办单 {no} 回复期限",
                round=file.round,
                unit=order.unit,
                unit_name=org.name_of(order.unit),
                starts_on=order.issued_on,
                due=order.due,
                state="stopped" if answered else "running",
                days_left=None if answered else (order.due - today).days,
                warned=False,
                overdue=not answered and not file.ended() and order.due < today,
                on_time=(order.answered_on <= order.due) if order.answered_on else None,
                stopped_on=order.answered_on,
            )
        )
    for no, proposal in file.proposals.items():
        done = proposal.fed_back_on is not None
        found.append(
            CaseClock(
                clock="proposal_feedback",
                name=f"督办建议 {no} 反馈期限",
                round=file.round,
                unit=proposal.unit,
                unit_name=org.name_of(proposal.unit),
                starts_on=proposal.proposed_on,
                due=proposal.due,
                state="stopped" if done else "running",
                days_left=None if done else (proposal.due - today).days,
                warned=False,
                overdue=not done and not file.ended() and proposal.due < today,
                on_time=(proposal.fed_back_on <= proposal.due) if proposal.fed_back_on else None,
                stopped_on=proposal.fed_back_on,
            )
        )
    return sorted(found, key=lambda c: (STATES[c.state], c.due if c.state == "running" else date.min))


def handoffs_of(web: Web, case_id: str) -> list[dict[str, Any]]:
    """流转记录 of one case, units also by their names."""
    org = org_of(web)
    with web.engine.connect() as conn:
        rows = handoff_rows(conn, case_id)
    for row in rows:
        for key in ("from_unit", "to_unit", "decided_by"):
            codes = str(row.get(key) or "")
            row[f"{key}_name"] = "、".join(org.name_of(c) for c in codes.split("、")) if codes else ""
    return rows


def case_handoffs(web: Web, user: User, case: str) -> list[dict[str, Any]]:
    """流转记录: who handed the case to whom, when, by whose decision and why."""
    row = ledger_row(web, user, case)
    rows = handoffs_of(web, row["case_id"])
    if row.get("withheld") and blind_to_reports(user):
        rows = [{**r, "reason": ""} for r in rows]
    return rows


def case_detail(web: Web, user: User, case: str) -> CaseDetail:
    """One case: the ledger row, its clocks (期限: which, due, days left, warned, overdue) and its 流转记录."""
    row = ledger_row(web, user, case)
    file = case_file(web, row["case_id"])
    clocks = clocks_of(file, web.clock.today(), org_of(web)) if file is not None else []
    return CaseDetail(row, clocks, case_handoffs(web, user, row["case_id"]))


async def case_history(web: Web, user: User, case: str) -> list[dict[str, Any]]:
    """The case's events from the stream, in order: seq, time, title, actor, text (a report's content left out
    for a unit or a leader; the 查询码 index and 查询密码 hash for everyone)."""
    from fastapi.concurrency import run_in_threadpool

    row = await run_in_threadpool(ledger_row, web, user, case)
    blind = bool(row.get("withheld")) and blind_to_reports(user)
    names = org_of(web).name_of
    try:
        events = await stream_history(await web.bridge.staff_client(), row["case_id"])
    except OUTAGE as exc:  # the connection went while reading: as for a server not reached
        raise Unavailable(f"事件流暂不可达，请稍后重试 ({type(exc).__name__})") from None
    found = []
    for item in events:
        kind, payload = item["type"], item["event"]
        hidden = NEVER_SHOWN | (REPORT_FIELDS if blind else frozenset())
        kept = {k: v for k, v in payload.items() if k not in hidden}
        found.append(
            {
                "seq": item["seq"],
                "type": kind,
                "title": event_title(kind),
                "time": payload.get("occurred_at") or payload.get("recorded_at"),
                "actor": str(payload.get("actor") or payload.get("received_by") or ""),  # 经办人, or 登记人
                "text": describe(kind, kept, names),
            }
        )
    return found


def inbox(web: Web, user: User) -> list[dict[str, Any]]:
    """待办 of the signed-in person's unit: each thing due on its open cases, overdue first, then nearest due."""
    if user.role is not Role.department:
        raise Forbidden("待办仅供责任单位账号查看")
    with web.engine.connect() as conn:  # only the files the unit owes something on (open, received: as the CLI)
        files = files_owed_by(conn, user.unit)
    return inbox_view.inbox(files, user.unit, web.clock.today())


@dataclass
class Verified:
    """核验 of one case: whether its history holds, and what does not."""

    case_id: str
    case_no: str
    ok: bool
    messages: int
    resent: int
    findings: list[dict[str, Any]]


async def verify_case(web: Web, user: User, case: str) -> Verified:
    """Issue 6's verify of one case: its hash chains on the stream and against each service's own store (read in a
    worker thread with its own connection: reading the stores blocks, and the API keeps answering meanwhile)."""
    from fastapi.concurrency import run_in_threadpool

    if user.role not in (Role.auditor, Role.supervision):
        raise Forbidden("核验仅供审计和督办人员")
    row = await run_in_threadpool(ledger_row, web, user, case)
    outcome = await run_in_threadpool(verified_in_thread, web.settings, row["case_id"])
    findings = [f.to_dict() for f in outcome.findings]
    return Verified(row["case_id"], row["case_no"], not findings, outcome.messages, outcome.resent, findings)


def verified_in_thread(settings: Settings, case_id: str) -> Outcome:
    """``xinfang verify <case>``'s outcome, on the staff line, in this (worker) thread's own event loop."""
    from services.runtime.bus import connect
    from xinfang.console import client_url
    from xinfang.verify_command import verify

    async def work() -> Outcome:
        nc = await connect(client_url(settings), "xinfang-api-verify", False, settings.credentials("staff"))
        try:
            return await verify(nc, settings, STREAM, [case_id], None, True)
        except OUTAGE as exc:
            raise Unavailable(f"事件流暂不可达，请稍后重试 ({type(exc).__name__})") from None
        finally:
            await nc.close()

    return asyncio.run(work())
