"""登录: signed session tokens (a cookie for the console, a Bearer token for the API), roles and CSRF.

A token is ``<payload>.<mac>``: the username, the expiry and a fingerprint of the password hash, signed with the
district's web key (``<data_dir>/access/web.key``, made on first use). Changing a password or removing the user
ends every session of theirs; nothing is kept server-side.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import Request

from services.runtime.clock import Clock
from xinfang.web.errors import Forbidden, Unauthenticated
from xinfang.web.users import Role, User, UserFile

COOKIE = "xf_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def web_key(path: Path) -> bytes:
    """The signing key, made (readable by its owner only) the first time it is needed."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes()
        with os.fdopen(fd, "wb") as f:
            f.write(secrets.token_bytes(32))
    return path.read_bytes()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Sessions:
    """Issues and checks session tokens against the users file."""

    def __init__(self, key: bytes, users: UserFile, clock: Clock, lifetime: timedelta):
        self.key, self.users, self.clock, self.lifetime = key, users, clock, lifetime

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.key, payload.encode(), hashlib.sha256).digest())

    @staticmethod
    def _fingerprint(user: User) -> str:
        return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]

    def issue(self, user: User) -> tuple[str, datetime]:
        expires = self.clock.now() + self.lifetime
        body = {"u": user.username, "exp": int(expires.timestamp()), "p": self._fingerprint(user)}
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._mac(payload)}", expires

    def user_of(self, token: str) -> User | None:
        payload, _, mac = token.partition(".")
        if not payload or not hmac.compare_digest(mac, self._mac(payload)):
            return None
        try:
            body = json.loads(_unb64(payload))
            username, expires, fingerprint = str(body["u"]), int(body["exp"]), str(body["p"])
        except (ValueError, KeyError, TypeError):
            return None
        if expires <= self.clock.now().timestamp():
            return None
        user = self.users.get(username)
        if user is None or not hmac.compare_digest(fingerprint, self._fingerprint(user)):
            return None
        return user

    def csrf_token(self, token: str) -> str:
        return self._mac(f"csrf:{token}")[:32]


def sessions_of(request: Request) -> Sessions:
    sessions: Sessions = request.app.state.sessions
    return sessions


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def signed_in(request: Request) -> User | None:
    """The person behind the request: a Bearer token, else the console's cookie; None when neither is valid."""
    sessions = sessions_of(request)
    if token := bearer(request):
        return sessions.user_of(token)
    cookie = request.cookies.get(COOKIE)
    return sessions.user_of(cookie) if cookie else None


def by_cookie(request: Request) -> bool:
    return bearer(request) is None and COOKIE in request.cookies


async def check_csrf(request: Request) -> None:
    """A cookie-signed change must carry the page's CSRF token (form field ``csrf`` or header X-CSRF-Token)."""
    if request.method in SAFE_METHODS or not by_cookie(request):
        return
    expected = sessions_of(request).csrf_token(request.cookies[COOKIE])
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        sent = str((await request.form()).get(CSRF_FIELD) or "")
    if not sent or not hmac.compare_digest(sent, expected):
        raise Forbidden("页面已过期或请求来源不明 (CSRF)，请刷新页面后重试", CSRF_FIELD)


def staff(request: Request) -> User:
    """FastAPI dependency: a signed-in person, else 401."""
    user = signed_in(request)
    if user is None:
        raise Unauthenticated("请先登录 (sign in: POST /api/session)")
    return user


def require(*roles: Role) -> Callable[[Request], User]:
    """FastAPI dependency: a signed-in person of one of these roles, else 401 / 403."""

    def dependency(request: Request) -> User:
        user = staff(request)
        if user.role not in roles:
            raise Forbidden(f"角色 {user.role_label} 无权进行此操作")
        return user

    return dependency
