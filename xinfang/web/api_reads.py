"""The cases' read side over HTTP: the 台账 (filtered, paged, sorted, exported), one case with its 期限 and 流转记录,
its event history from the stream, its verification, and a unit's 待办. Every route reads through ``reads``: a unit
sees its own cases (another unit's answers 404, as for no case), a leader their own, the bureau and the auditor
every case, an administrator none (403)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response
from pydantic import BaseModel, Field, create_model

from projections.ledger import ledger
from xinfang.web import reads
from xinfang.web.api_actions import CasePath
from xinfang.web.auth import require, staff
from xinfang.web.errors import ERROR_RESPONSES
from xinfang.web.reads import LedgerFilter
from xinfang.web.users import Role, User
from xinfang.web.wiring import Web

router = APIRouter(prefix="/api", tags=["查询 cases"], responses=ERROR_RESPONSES)
READERS = "角色 (roles): intake, assignment, supervision, auditor (every case); department (its unit's); leader (own)."


def _python_type(column: Any) -> Any:
    try:
        return column.type.python_type
    except NotImplementedError:  # a moment (date-time in office time)
        return datetime


def _field(column: Any) -> Any:
    return (_python_type(column) | None, Field(None, title=column.comment or column.name, description=column.name))


# 台账一行: every ledger column, titled with its Chinese name, described by its English key.
LedgerRow: Any = create_model(
    "LedgerRow",
    __doc__="台账一行 (one case of the ledger): every column, codes as stored, dates ISO.",
    **{column.name: _field(column) for column in ledger.c},
)


class CasePage(BaseModel):
    """台账一页 (a page of the ledger)."""

    items: list[LedgerRow] = Field(title="案件", description="items: the page's cases")  # type: ignore[valid-type]
    total: int = Field(title="总数", description="total: cases matching the filters")
    page: int = Field(title="页码", description="page number, from 1")
    size: int = Field(title="每页条数", description="page size (at most 200)")


class ClockOut(BaseModel):
    """期限 (a clock of the case)."""

    clock: str = Field(title="期限类别", description="clock: acceptance, objection, receipt_notice, handling, …")
    name: str = Field(title="期限名称", description="name, in Chinese")
    round: int = Field(title="轮次", description="round of handling")
    unit: str = Field(title="责任单位编码", description="unit who owes it (code)")
    unit_name: str = Field(title="责任单位", description="unit name")
    starts_on: date | None = Field(title="起算日期", description="starts on")
    due: date = Field(title="到期日期", description="due date")
    state: str = Field(title="状态", description="state: running 计时中 | paused 暂停 | stopped 已停止")
    days_left: int | None = Field(title="剩余天数", description="days left as of today (running only; < 0 overdue)")
    warned: bool = Field(title="已预警", description="warned: a warning went out")
    overdue: bool = Field(title="逾期", description="overdue: running past its due date")
    on_time: bool | None = Field(None, title="按期", description="on time: whether the duty was done by its due date")
    stopped_on: date | None = Field(None, title="停止日期", description="stopped on (done)")
    paused_on: date | None = Field(None, title="暂停日期", description="paused on")


class HandoffOut(BaseModel):
    """流转记录一条 (a handoff)."""

    case_no: str | None = Field(None, title="信访件编号", description="case number")
    n: int = Field(title="序号", description="the handoff's place among its case's")
    on: date | None = Field(None, title="日期", description="on")
    kind: str = Field(title="流转", description="kind: 交办, 改派, 异议, 争议提请, 争议裁定, 复查交办, 退回重办 …")
    from_unit: str | None = Field(None, title="移出单位编码", description="from unit (codes)")
    from_unit_name: str = Field("", title="移出单位", description="from unit (names)")
    to_unit: str | None = Field(None, title="接收单位编码", description="to unit (codes)")
    to_unit_name: str = Field("", title="接收单位", description="to unit (names)")
    decided_by: str | None = Field(None, title="决定者", description="decided by")
    reason: str | None = Field(None, title="理由", description="reason")


class CaseView(BaseModel):
    """案件详情 (one case)."""

    case: LedgerRow = Field(title="台账", description="case: its ledger row")  # type: ignore[valid-type]
    clocks: list[ClockOut] = Field(title="期限", description="clocks: running first, nearest due first")
    handoffs: list[HandoffOut] = Field(title="流转记录", description="handoffs, in order")


class HistoryEntry(BaseModel):
    """事件记录一条 (one event of the case's stream)."""

    seq: int = Field(title="序号", description="seq: the event's stream sequence")
    type: str = Field(title="事件类型", description="type: the event type")
    title: str = Field(title="事件", description="title: the event's Chinese name")
    time: datetime | None = Field(None, title="时间", description="time it occurred (UTC)")
    actor: str = Field(title="经办人", description="actor: who did it")
    text: str = Field(title="内容", description="text: the event's fields as staff read them")


class Finding(BaseModel):
    """核验发现 (something that does not hold)."""

    case_id: str = Field(title="案件ID", description="case id")
    seq: int = Field(title="序号", description="stream sequence")
    kind: str = Field(title="类型", description="kind: tampered, dropped, inserted, reordered, …")
    label: str = Field(title="类型名称", description="label, in Chinese")
    source: str = Field(title="发布方", description="source: the producing service")
    n: int = Field(title="链位", description="n: the place in its producer's chain")
    detail: str = Field(title="说明", description="detail")


class VerifyOut(BaseModel):
    """核验结果 (one case's verification)."""

    case_id: str = Field(title="案件ID", description="case id")
    case_no: str = Field(title="信访件编号", description="case number")
    ok: bool = Field(title="核验通过", description="ok: the history holds")
    messages: int = Field(title="消息数", description="messages read from the stream")
    resent: int = Field(title="重发", description="resent: harmless re-sends")
    findings: list[Finding] = Field(title="发现", description="findings")


class InboxItem(BaseModel):
    """待办一项 (a thing the unit owes)."""

    case_id: str = Field(title="案件ID", description="case id")
    case_no: str = Field(title="信访件编号", description="case number")
    role: str = Field(title="角色", description="role: 主办, 协办, 复查复核机关, 被督办单位 …")
    action: str = Field(title="待办事项", description="action: 签收, 答复, 督办单回复 …")
    due: date | None = Field(None, title="期限", description="due date")
    days_left: int | None = Field(None, title="剩余天数", description="days left")
    warned: bool = Field(title="已预警", description="warned")
    overdue: bool = Field(title="逾期", description="overdue")
    category: str = Field(title="问题分类", description="category (code)")
    received_on: date | None = Field(None, title="来信来访日期", description="received on")


def ledger_filter(
    status: str | None = Query(None, title="状态", description="status, e.g. handling, closed"),
    unit: str | None = Query(None, title="主办单位", description="unit: the lead unit's code, e.g. 990100ZJJ"),
    category: str | None = Query(None, title="问题分类", description="category code"),
    locality: str | None = Query(None, title="问题属地", description="locality: unit code of where it arose"),
    channel: str | None = Query(None, title="渠道", description="channel: visit, letter, online, phone, …"),
    received_from: date | None = Query(None, title="来信来访日期起", description="received from (YYYY-MM-DD)"),
    received_to: date | None = Query(None, title="来信来访日期止", description="received to (YYYY-MM-DD)"),
    overdue: bool | None = Query(None, title="逾期", description="overdue: true, some clock overdue; false, none"),
    q: str | None = Query(None, max_length=64, title="检索", description="q: 信访件编号 (or part) or 查询码"),
) -> LedgerFilter:
    return LedgerFilter(status, unit, category, locality, channel, received_from, received_to, overdue, q)


SortParam = Query(
    reads.DEFAULT_SORT,
    max_length=64,
    title="排序",
    description="sort: any ledger column, - first for descending (e.g. -received_on, handling_due, case_no)",
)


@router.get("/cases", summary="台账 ledger", response_model=CasePage, description=READERS)
def list_cases(
    request: Request,
    filters: LedgerFilter = Depends(ledger_filter),
    page: int = Query(1, ge=1, le=reads.MAX_PAGE, title="页码", description="page number, from 1"),
    size: int = Query(50, ge=1, le=reads.MAX_SIZE, title="每页条数", description="page size, 1–200"),
    sort: str = SortParam,
    user: User = Depends(staff),
) -> Any:
    found = reads.ledger_page(Web.of(request), user, filters, page, size, sort)
    return {"items": found.items, "total": found.total, "page": found.page, "size": found.size}


def attachment(filename: str, fallback: str) -> str:
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


@router.get(
    "/cases/export",
    summary="导出台账 export the ledger",
    description=f"The filtered ledger as a file: CSV (UTF-8 with BOM, Chinese headers) or xlsx. {READERS}",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, reads.XLSX: {}}, "description": "台账文件 (the ledger file)"}},
)
def export_cases(
    request: Request,
    filters: LedgerFilter = Depends(ledger_filter),
    format: Literal["csv", "xlsx"] = Query("xlsx", title="格式", description="format: csv | xlsx"),
    sort: str = SortParam,
    user: User = Depends(staff),
) -> Response:
    web = Web.of(request)
    rows = reads.ledger_all(web, user, filters, sort)
    day = web.clock.today().isoformat()
    if format == "csv":
        body, kind = reads.ledger_csv(web, rows), "text/csv; charset=utf-8"
    else:
        body, kind = reads.ledger_xlsx(web, rows, f"台账 {day}"), reads.XLSX
    disposition = attachment(f"台账-{day}.{format}", f"ledger-{day}.{format}")
    return Response(body, media_type=kind, headers={"Content-Disposition": disposition})


@router.get("/cases/{case}", summary="案件详情 one case", response_model=CaseView, description=READERS)
def show_case(request: Request, case: str = CasePath, user: User = Depends(staff)) -> Any:
    found = reads.case_detail(Web.of(request), user, case)
    return {"case": found.row, "clocks": [vars(c) for c in found.clocks], "handoffs": found.handoffs}


@router.get(
    "/cases/{case}/history",
    summary="事件记录 history",
    response_model=list[HistoryEntry],
    description=f"The case's events from the stream, in order. {READERS}",
)
async def show_history(request: Request, case: str = CasePath, user: User = Depends(staff)) -> Any:
    return await reads.case_history(Web.of(request), user, case)


@router.get("/cases/{case}/handoffs", summary="流转记录 handoffs", response_model=list[HandoffOut], description=READERS)
def show_handoffs(request: Request, case: str = CasePath, user: User = Depends(staff)) -> Any:
    return reads.case_handoffs(Web.of(request), user, case)


@router.get(
    "/cases/{case}/verify",
    summary="核验 verify one case",
    response_model=VerifyOut,
    description="Its hash chains on the stream and against each service's store. 角色 (roles): auditor, supervision.",
)
async def verify_case(
    request: Request, case: str = CasePath, user: User = Depends(require(Role.auditor, Role.supervision))
) -> Any:
    return vars(await reads.verify_case(Web.of(request), user, case))


@router.get(
    "/inbox",
    summary="待办 inbox",
    response_model=list[InboxItem],
    description="What the signed-in unit owes on its open cases, overdue first. 角色 (roles): department.",
)
def show_inbox(request: Request, user: User = Depends(require(Role.department))) -> Any:
    return reads.inbox(Web.of(request), user)


def install(app: FastAPI) -> None:
    app.include_router(router)
