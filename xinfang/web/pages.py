"""What every console page shares: the Jinja2 templates, the signed-in person, the CSRF token, the navigation.

A page for a person not signed in sends the browser to the sign-in page (and back afterwards) instead of
answering JSON; a page of a role that may not see it answers 403 in Chinese, as a page.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from services.runtime.errors import XinfangError
from xinfang.web.auth import COOKIE, sessions_of, signed_in
from xinfang.web.errors import Forbidden
from xinfang.web.users import Role, User

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")

# 导航: each role's menu, in the order staff use it (label, path)
NAV: dict[Role, list[tuple[str, str]]] = {
    Role.intake: [("首页", "/"), ("登记", "/cases/new"), ("台账", "/ledger")],
    Role.assignment: [("首页", "/"), ("台账", "/ledger"), ("领导包案", "/leaders")],
    Role.supervision: [("首页", "/"), ("台账", "/ledger"), ("督办看板", "/board"), ("领导包案", "/leaders"),
                       ("考核", "/assessment"), ("趋势", "/trends"), ("关注", "/watch"), ("年度报告", "/annual")],
    Role.department: [("首页", "/"), ("待办", "/inbox"), ("本单位台账", "/ledger")],
    Role.leader: [("首页", "/"), ("我的包案", "/leaders")],
    Role.auditor: [("首页", "/"), ("台账", "/ledger"), ("考核", "/assessment")],
    Role.admin: [("首页", "/"), ("账号", "/users")],
}  # fmt: skip


class SignInFirst(Exception):
    """A page asked for without a sign-in: the browser goes to the sign-in page, then back."""

    def __init__(self, back: str):
        self.back = back


def person(request: Request) -> User:
    """FastAPI dependency for pages: the signed-in person, else off to /login."""
    user = signed_in(request)
    if user is None:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInFirst(back)
    return user


def page_for(*roles: Role) -> Any:
    """FastAPI dependency for pages: a signed-in person of one of these roles, else /login or a 403 page."""

    def dependency(request: Request) -> User:
        user = person(request)
        if user.role not in roles:
            raise Forbidden(f"角色「{user.role_label}」无权查看此页面")
        return user

    return dependency


def csrf_of(request: Request) -> str:
    cookie = request.cookies.get(COOKIE)
    return sessions_of(request).csrf_token(cookie) if cookie else ""


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page: the template with the person, their menu and the CSRF token every form carries."""
    user = signed_in(request)
    base = {"user": user, "nav": NAV.get(user.role, []) if user else [], "csrf": csrf_of(request)}
    base["path"] = request.url.path
    return templates.TemplateResponse(request, template, {**base, **context}, status_code=status_code)


def is_page(request: Request) -> bool:
    """A browser's page request (not the API's, not the public API's)."""
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "text/html")


def _shown(value: Any) -> str:
    """A value as a page shows it: dates as YYYY-MM-DD, moments in 北京时间 to the minute, booleans 是/否."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        from xinfang.exports import office_time

        return office_time(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


templates.env.filters["shown"] = _shown


def install(app: FastAPI) -> None:
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.exception_handler(SignInFirst)
    async def _to_sign_in(request: Request, exc: SignInFirst) -> Response:
        return RedirectResponse(f"/login?next={quote(exc.back, safe='/')}", status_code=303)

    previous = app.exception_handlers.get(XinfangError)
    invalid = app.exception_handlers.get(RequestValidationError)

    @app.exception_handler(RequestValidationError)
    async def _invalid_as_page(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            from xinfang.web.errors import validation_error

            error = validation_error(exc)
            return render(request, "error.html", status_code=400, error=error)
        assert invalid is not None
        return await invalid(request, exc)  # type: ignore[no-any-return, misc]

    @app.exception_handler(XinfangError)
    async def _as_page(request: Request, exc: XinfangError) -> Response:
        if is_page(request) and previous is not None and exc.code in ("forbidden", "not_found"):
            from xinfang.web.errors import status_of

            return render(request, "error.html", status_code=status_of(exc), error=exc)
        assert previous is not None
        return await previous(request, exc)  # type: ignore[no-any-return, misc]
