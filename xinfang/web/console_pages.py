"""The staff console's pages: sign-in, home, 台账, registration, the case page with its actions, 待办.

Each page reads the projections through ``xinfang.web.reads`` and sends every change through
``api_actions.perform``, exactly as the API does: the pages hold no rule and write no store.
"""

from __future__ import annotations

from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse, Response

from services.runtime.errors import XinfangError
from services.runtime.organisation import Organisation, organisation
from xinfang.web.api_actions import perform
from xinfang.web.api_session import WRONG
from xinfang.web.auth import COOKIE, check_csrf
from xinfang.web.catalogue import actions
from xinfang.web.forms import Filled, error_at, fields_of, read_form
from xinfang.web.pages import page_for, render
from xinfang.web.users import Role, User, password_matches
from xinfang.web.wiring import Web

router = APIRouter(include_in_schema=False)
CSRF = [Depends(check_csrf)]


def unit_choices(org: Organisation) -> list[tuple[str, str]]:
    """Unit codes a form may name (a datalist beside each unit field)."""
    return [(u.code, u.name) for u in org.units.values() if u.kind not in ("province", "city", "district")]


def local_path(target: str | None) -> str:
    """Where to go after sign-in: a path on this site only (never //host or a scheme)."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return "/"
    return target


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
    return _register_page(request, Filled(values={"channel": "visit"}), str(uuid4()))


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
        return _register_page(request, filled, key, 422 if error.field else 409)
    return render(request, "console/registered.html", answer=answer)


def install(app: FastAPI) -> None:
    app.include_router(router)
