"""账号管理: the administrator lists, adds and removes staff accounts (the same users file as ``xinfang users``);
every change is a CSRF-checked form, its errors shown next to the field."""

from __future__ import annotations

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.runtime.errors import InvalidInput, XinfangError
from services.runtime.organisation import organisation
from xinfang.web.auth import check_csrf
from xinfang.web.pages import page_for, render
from xinfang.web.users import ROLE_LABELS, Role, User, new_user
from xinfang.web.wiring import Web

router = APIRouter(include_in_schema=False)
admin = page_for(Role.admin)
FIELDS = ("username", "name", "role", "unit", "leader")
DONE = {"added": "已添加账号", "removed": "已删除账号"}


def _page(request: Request, status: int = 200, **context: object) -> HTMLResponse:
    web = Web.of(request)
    org = organisation(web.settings.org_file)
    accounts = sorted(web.users.users().values(), key=lambda u: (u.role.value, u.username))
    units = sorted(org.units.values(), key=lambda u: u.code)
    leaders = sorted(org.leaders.values(), key=lambda x: x.id)
    base = {"accounts": accounts, "roles": ROLE_LABELS, "units": units, "leaders": leaders, "unit_name": org.name_of}
    return render(request, "reports/users.html", status, **{"form": {}, "errors": {}, **base, **context})


@router.get("/users", response_class=HTMLResponse)
def users_page(request: Request, done: str = "", who: str = "", user: User = Depends(admin)) -> HTMLResponse:
    notice = f"{DONE[done]} {who}" if done in DONE and who else ""
    return _page(request, notice=notice)


@router.post("/users", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
async def add_user(request: Request, user: User = Depends(admin)) -> Response:
    sent = await request.form()
    form = {k: str(sent.get(k) or "").strip() for k in FIELDS}
    web = Web.of(request)
    try:
        org = organisation(web.settings.org_file)
        if form["unit"] and form["unit"] not in org.units:
            raise InvalidInput(f"组织目录中没有单位 {form['unit']}", "unit")
        if form["leader"] and form["leader"] not in org.leaders:
            raise InvalidInput(f"组织目录中没有领导编号 {form['leader']}", "leader")
        web.users.add(new_user(**form, password=str(sent.get("password") or "")))
    except XinfangError as error:
        return _page(request, 422, form=form, errors={error.field or "username": error.message})
    return RedirectResponse(f"/users?done=added&who={form['username']}", status_code=303)


@router.post("/users/{username}/remove", response_class=HTMLResponse, dependencies=[Depends(check_csrf)])
def remove_user(request: Request, username: str, user: User = Depends(admin)) -> Response:
    if username == user.username:
        return _page(request, 409, problem="不能删除自己正在使用的账号")
    try:
        Web.of(request).users.remove(username)
    except XinfangError as error:
        return _page(request, 404, problem=error.message)
    return RedirectResponse(f"/users?done=removed&who={username}", status_code=303)


def install(app: FastAPI) -> None:
    app.include_router(router)
