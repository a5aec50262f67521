"""登录 over the API: a token for a username and password; who am I; sign out (the console's cookie too)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import BaseModel, Field

from xinfang.web.auth import COOKIE, staff
from xinfang.web.errors import ERROR_RESPONSES, Unauthenticated
from xinfang.web.users import User, password_matches
from xinfang.web.wiring import Web

router = APIRouter(prefix="/api", tags=["登录 session"], responses=ERROR_RESPONSES)
WRONG = "用户名或密码错误"


class SignIn(BaseModel):
    """登录."""

    username: str = Field(min_length=1, max_length=64, title="用户名", description="username")
    password: str = Field(min_length=1, max_length=200, title="密码", description="password")


class Me(BaseModel):
    """当前用户."""

    username: str = Field(title="用户名", description="username")
    name: str = Field(title="姓名", description="name: the 经办人 of every act")
    role: str = Field(title="角色", description="role: intake | assignment | supervision | department | leader | …")
    role_label: str = Field(title="角色名称", description="role label, in Chinese")
    unit: str = Field("", title="单位", description="unit of a department user")
    leader: str = Field("", title="领导编号", description="leader id of a 包案领导")


class Token(BaseModel):
    """登录凭据."""

    token: str = Field(title="令牌", description="token: send as Authorization: Bearer <token>")
    expires_at: datetime = Field(title="过期时间", description="expires at")
    user: Me = Field(title="用户", description="user")


def me_of(user: User) -> Me:
    return Me(
        username=user.username, name=user.name, role=user.role.value, role_label=user.role_label, unit=user.unit,
        leader=user.leader,
    )  # fmt: skip


def sign_in(web: Web, username: str, password: str) -> User:
    user = web.users.get(username)
    if not password_matches(user, password) or user is None:
        raise Unauthenticated(WRONG, "password")
    return user


@router.post("/session", summary="登录 sign in", response_model=Token)
async def create_session(body: SignIn, request: Request) -> Token:
    web = Web.of(request)
    user = sign_in(web, body.username, body.password)
    token, expires = web.sessions.issue(user)
    return Token(token=token, expires_at=expires, user=me_of(user))


@router.get("/me", summary="当前用户 who am I", response_model=Me)
async def who_am_i(user: User = Depends(staff)) -> Me:
    return me_of(user)


@router.delete("/session", summary="退出 sign out", status_code=204)
async def end_session(response: Response) -> Response:
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, httponly=True, samesite="strict")
    return response


def install(app: FastAPI) -> None:
    app.include_router(router)
