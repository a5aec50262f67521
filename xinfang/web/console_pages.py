"""The staff console's pages: sign-in, home, 台账, registration, the case page with its actions, 待办.

Each page reads the projections through ``xinfang.web.reads`` and sends every change through
``api_actions.perform``, exactly as the API does: the pages hold no rule and write no store.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from urllib.parse import urlencode
from uuid import uuid4

import nats.errors
from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from events.vocabulary import CaseStatus, Channel, label
from projections.ledger import HEADERS as LEDGER_HEADERS
from projections.ledger import TABLE_HEADERS
from projections.views import inbox as inbox_view
from services.runtime.errors import InvalidInput, NotFound, XinfangError
from services.runtime.organisation import Organisation, organisation
from xinfang import exports
from xinfang.web import reads
from xinfang.web.api_actions import perform
from xinfang.web.api_session import WRONG
from xinfang.web.auth import COOKIE, check_csrf
from xinfang.web.catalogue import actions, actions_for
from xinfang.web.errors import Forbidden, status_of
from xinfang.web.forms import Filled, case_forms, error_at, fields_of, initial, places, read_form, title_of
from xinfang.web.pages import page_for, person, render
from xinfang.web.users import Role, User, password_matches
from xinfang.web.wiring import NOT_HERE, Web

router = APIRouter(include_in_schema=False)
CSRF = [Depends(check_csrf)]
HOME_ROWS, PAGE_ROWS = 20, 50
ENTERING_TRIES, ENTERING_PAUSE_S = 10, 0.2  # a just-registered case reaches the ledger within ~2 s
LEDGER_COLUMNS = {**TABLE_HEADERS, "locality": "问题属地"}
INBOX_HEADERS = dict(inbox_view.HEADERS)
SUMMARY: dict[str, str] = {
    key: LEDGER_HEADERS[key]
    for key in ("case_no", "status", "channel", "kind", "received_on", "received_by", "category", "locality",
                "petitioner_count", "collective", "repeat", "major", "request", "department_name", "co_handler_names",
                "owning_leader_name", "acknowledged_on", "handling_due", "warnings", "overdue_clocks", "orders_open",
                "rating")
    if key in LEDGER_HEADERS
}  # fmt: skip
FILTER_TEXT = ("status", "unit", "category", "locality", "channel", "q")
FILTER_LABELS = {"received_from": "来信来访日期起", "received_to": "来信来访日期止", "sort": "排序", "size": "每页"}


def unit_choices(org: Organisation) -> list[tuple[str, str]]:
    """Unit codes a form may name (a datalist beside each unit field)."""
    return [(u.code, u.name) for u in org.units.values() if u.kind not in ("province", "city", "district")]


def local_path(target: str | None) -> str:
    """Where to go after sign-in: a path on this site only (never //host or a scheme); an action's address goes
    back to its case page (the form is sent again from there)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target.split("/act/")[0]


@router.get("/login")
async def login_form(request: Request, next: str = "/") -> Response:
    return render(request, "console/login.html", next=local_path(next), username="", error="")


@router.post("/login")
async def login(
    request: Request, username: str = Form(""), password: str = Form(""), next: str = Form("/")
) -> Response:
    web = Web.of(request)
    user = web.users.get(username.strip())
    if user is None or not await run_in_threadpool(password_matches, user, password):
        return render(request, "console/login.html", 401, next=local_path(next), username=username, error=WRONG)
    token, _ = web.sessions.issue(user)
    answer = RedirectResponse(local_path(next), status_code=303)
    answer.set_cookie(
        COOKIE,
        token,
        max_age=int(web.sessions.lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=web.settings.secure_cookies,
    )
    return answer


@router.post("/logout", dependencies=CSRF)
async def logout() -> Response:
    answer = RedirectResponse("/login", status_code=303)
    answer.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return answer


def _register_page(request: Request, filled: Filled, key: str, status: int = 200) -> Response:
    web = Web.of(request)
    action = actions()[("intake", "register")]
    org = organisation(web.settings.org_file)
    return render(
        request, "console/register.html", status, fields=fields_of(action, org), filled=filled, key=key,
        units=unit_choices(org),
    )  # fmt: skip


@router.get("/cases/new")
async def register_form(request: Request, user: User = Depends(page_for(Role.intake))) -> Response:
    fresh = initial(actions()[("intake", "register")])
    fresh.values.setdefault("channel", "visit")
    return _register_page(request, fresh, str(uuid4()))


@router.post("/cases/new", dependencies=CSRF)
async def register(request: Request, user: User = Depends(page_for(Role.intake))) -> Response:
    web = Web.of(request)
    data = await request.form()
    key = str(data.get("key") or uuid4())
    action = actions()[("intake", "register")]
    filled = read_form(action, data, organisation(web.settings.org_file))
    if filled.errors:
        return _register_page(request, filled, key, 422)
    try:
        answer = await perform(web, user, action, filled.body, None, key)
    except XinfangError as error:
        error_at(filled, error, action)
        return _register_page(request, filled, key, status_of(error))
    return render(request, "console/registered.html", answer=answer)


@dataclass
class Section:
    """A block of the home page: a heading, rows of cases (or 待办 items), a link to see them all."""

    title: str
    rows: list[dict[str, Any]]
    more: str = ""
    inbox: bool = False


def _cases(web: Web, user: User, title: str, more: str, **filters: Any) -> Section:
    page = reads.ledger_page(web, user, reads.LedgerFilter(**filters), size=HOME_ROWS, sort="received_on")
    return Section(f"{title}（{page.total}）", page.items, more)


def home_sections(web: Web, user: User) -> list[Section]:
    """What is due today for this role."""
    if user.role is Role.department:
        soon = web.clock.today() + timedelta(days=3)
        due = [r for r in reads.inbox(web, user) if r["overdue"] or r["due"] is None or r["due"] <= soon]
        return [Section(f"今日待办：逾期、三日内到期和待签收（{len(due)}）", due, "/inbox", inbox=True)]
    if user.role is Role.intake:
        return [
            _cases(web, user, title, f"/ledger?status={status}", status=status)
            for status, title in (("registered", "已登记待受理"), ("materials_supplemented", "已补正待受理"),
                                  ("materials_requested", "待补正材料"))
        ]  # fmt: skip
    if user.role is Role.assignment:
        return [
            _cases(web, user, "交办异议待处理", "/ledger?status=objected", status="objected"),
            _cases(web, user, "交办争议待裁定", "/ledger?status=disputed", status="disputed"),
            _cases(web, user, "已受理待交办", "/ledger?status=accepted", status="accepted"),
        ]
    if user.role is Role.supervision:
        warned = reads.ledger_page(web, user, reads.LedgerFilter(overdue=False), size=HOME_ROWS, sort="-warnings")
        rows = [r for r in warned.items if r.get("warnings")]
        return [_cases(web, user, "逾期案件", "/ledger?overdue=1", overdue=True), Section("已预警（临近期限）", rows)]
    if user.role is Role.leader:
        return [_cases(web, user, "我的包案", "/leaders")]
    return []


def _labelled(web: Web, rows: list[dict[str, Any]], headers: dict[str, str]) -> list[dict[str, Any]]:
    org = organisation(web.settings.org_file)
    return [{**exports.labelled(r, headers, org), "case_id": r["case_id"]} for r in rows]


@router.get("/")
async def home(request: Request, user: User = Depends(person)) -> Response:
    web = Web.of(request)
    sections = await run_in_threadpool(home_sections, web, user)
    for section in sections:
        section.rows = _labelled(web, section.rows, INBOX_HEADERS if section.inbox else LEDGER_COLUMNS)
    return render(request, "console/home.html", sections=sections, columns=LEDGER_COLUMNS, inbox_columns=INBOX_HEADERS)


def _filters(query: Mapping[str, str]) -> reads.LedgerFilter:
    """The ledger's filters from the page's query string; a malformed date is refused naming its field."""
    found: dict[str, Any] = {k: query[k].strip() or None for k in FILTER_TEXT if k in query}
    for name in ("received_from", "received_to"):
        if text := query.get(name, "").strip():
            try:
                found[name] = date.fromisoformat(text)
            except ValueError:
                raise InvalidInput("须为日期 YYYY-MM-DD", name) from None
    found["overdue"] = {"1": True, "0": False}.get(query.get("overdue", ""))
    return reads.LedgerFilter(**found)


def _number(query: Mapping[str, str], name: str, default: int) -> int:
    text = query.get(name, "")
    return int(text) if text.isdigit() and int(text) > 0 else default


@router.get("/ledger")
async def ledger_page(request: Request, user: User = Depends(person)) -> Response:
    web, query = Web.of(request), dict(request.query_params)
    sort = query.get("sort") or reads.DEFAULT_SORT
    if sort.removeprefix("-") not in LEDGER_COLUMNS and sort != reads.DEFAULT_SORT:
        sort = reads.DEFAULT_SORT
    error, page = "", None
    try:
        filters = _filters(query)
        size = min(_number(query, "size", PAGE_ROWS), reads.MAX_SIZE)
        page = await run_in_threadpool(reads.ledger_page, web, user, filters, _number(query, "page", 1), size, sort)
    except InvalidInput as refused:
        error = (
            refused.message
            if not refused.field
            else f"{FILTER_LABELS.get(refused.field, refused.field)}：{refused.message}"
        )
    kept = {k: v for k, v in query.items() if k not in ("page", "sort") and v}
    org = organisation(web.settings.org_file)
    rows = _labelled(web, page.items, LEDGER_COLUMNS) if page else []
    return render(
        request, "console/ledger.html", status_code=422 if error else 200, page=page, rows=rows, error=error,
        query=query, sort=sort, kept=kept, columns=LEDGER_COLUMNS, statuses=_choices(CaseStatus),
        channels=_choices(Channel), categories=sorted(org.categories.items()), units=unit_choices(org),
        places=places(org), link=_link,
    )  # fmt: skip


def _choices(vocabulary: type[StrEnum]) -> list[tuple[str, str]]:
    return [(m.value, label(m.value, vocabulary)) for m in vocabulary]


def _link(kept: dict[str, str], **changes: Any) -> str:
    """A ledger link with the same filters and these changes (page, sort, or the export's format)."""
    return urlencode({**kept, **{k: v for k, v in changes.items() if v is not None}})


@router.get("/inbox")
async def inbox_page(request: Request, user: User = Depends(page_for(Role.department))) -> Response:
    web = Web.of(request)
    rows = _labelled(web, await run_in_threadpool(reads.inbox, web, user), INBOX_HEADERS)
    return render(request, "console/inbox.html", rows=rows, columns=INBOX_HEADERS)


def _moment(value: Any) -> Any:
    """An event's time from the stream (ISO text) as a moment the page shows in 北京时间."""
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return value


async def _history(web: Web, user: User, case_id: str) -> tuple[list[dict[str, Any]], str]:
    """The 流转记录 from the stream; if the stream cannot be read now, the rest of the page is still shown."""
    try:
        events = await reads.case_history(web, user, case_id)
    except (XinfangError, nats.errors.Error, OSError, TimeoutError) as error:
        return [], f"流转记录暂时无法读取，请稍后刷新（{getattr(error, 'message', type(error).__name__)}）"
    return [{**e, "time": _moment(e["time"])} for e in events], ""


async def _detail(web: Web, user: User, case: str) -> reads.CaseDetail | None:
    """The case as the ledger has it; a case just registered may take a moment to reach it (None then)."""
    for _ in range(ENTERING_TRIES):
        try:
            return await run_in_threadpool(reads.case_detail, web, user, case)
        except NotFound as missing:
            if missing.message == NOT_HERE or not user.sees_every_case:
                raise
            await asyncio.sleep(ENTERING_PAUSE_S)
    return None


async def _case_page(
    request: Request, case: str, user: User, failed: tuple[str, Filled] | None = None, status: int = 200
) -> Response:
    web = Web.of(request)
    detail = await _detail(web, user, case)
    if detail is None:
        return render(request, "console/entering.html", status_code=404, case=case)
    row, org = detail.row, organisation(web.settings.org_file)
    history, unread = await _history(web, user, row["case_id"])
    handoffs = [{**h, "reason": org.name_of(str(h.get("reason") or ""))} for h in detail.handoffs]
    forms = case_forms(actions_for(user.role), str(row.get("status") or ""), failed, org)
    summary = exports.labelled(row, SUMMARY, org)
    service, _, command = str(request.query_params.get("done", "")).partition(".")
    done = actions().get((service, command))
    notice = f"已提交：{title_of(done)}" if done else ""  # named by the catalogue, never text from the link
    return render(
        request, "console/case.html", status_code=status, row=row, summary=summary, headers=SUMMARY,
        clocks=detail.clocks, handoffs=handoffs, history=history, unread=unread, groups=forms, notice=notice,
        units=unit_choices(org), key=str(uuid4()),
    )  # fmt: skip


@router.get("/cases/{case}")
async def case_page(request: Request, case: str, user: User = Depends(person)) -> Response:
    return await _case_page(request, case, user)


@router.post("/cases/{case}/act/{service}/{command}", dependencies=CSRF)
async def act(request: Request, case: str, service: str, command: str, user: User = Depends(person)) -> Response:
    web = Web.of(request)
    action = actions().get((service, command))
    if action is None or not action.on_case:
        raise NotFound("没有这个办理事项", "command")
    if not action.allowed(user.role):
        raise Forbidden(f"角色「{user.role_label}」无权进行「{title_of(action)}」")
    case_id = await run_in_threadpool(web.resolve_case, case, user)
    data = await request.form()
    filled, status = read_form(action, data, organisation(web.settings.org_file)), 422
    if not filled.errors:
        try:
            await perform(web, user, action, filled.body, case_id, str(data.get("key") or uuid4()))
        except XinfangError as error:
            if isinstance(error, NotFound | Forbidden):
                raise
            error_at(filled, error, action)  # a rule's refusal, or the services unreachable: said on the form
            status = status_of(error)
        else:
            return RedirectResponse(f"/cases/{case_id}?done={service}.{command}", status_code=303)
    return await _case_page(request, case_id, user, (f"{service}.{command}", filled), status)


def install(app: FastAPI) -> None:
    app.include_router(router)
