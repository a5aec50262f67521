"""Errors as the HTTP API answers them: ``{"code", "message", "field"}`` with the status to match, never a trace."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from services.runtime.errors import Conflict, PayloadTooLarge, TooManyAttempts, Unavailable, XinfangError

log = logging.getLogger(__name__)
RETRY_AFTER_S = 5


class Unauthenticated(XinfangError):
    """No valid sign-in (or token) with the request."""

    code = "unauthenticated"


class Forbidden(XinfangError):
    """Signed in, but this role may not do this."""

    code = "forbidden"


class RateLimited(XinfangError):
    """Too many requests from one address in a minute."""

    code = "rate_limited"


class ErrorBody(BaseModel):
    """错误: what went wrong, in Chinese, and the field it concerns."""

    code: str = Field(title="错误代码", description="error code: invalid_input, not_found, conflict, a rule's code …")
    message: str = Field(title="错误说明", description="message, in Chinese")
    field: str | None = Field(None, title="字段", description="field the error concerns, when one does")
    reason: str | None = Field(None, title="冲突原因", description="reason: the rule a conflict met")


STATUS_BY_CODE = {
    "invalid_input": 422,
    "idempotency_key_reused": 422,
    "payload_too_large": 413,
    "not_found": 404,
    "not_your_case": 404,  # another unit's case is not there, for that unit
    "unauthenticated": 401,
    "forbidden": 403,
    "rate_limited": 429,
    "too_many_attempts": 429,
    "unavailable": 503,
    "bad_request": 400,
    "method_not_allowed": 405,
    "internal": 500,
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": text}
    for status, text in (
        (400, "请求格式错误 (malformed request)"),
        (401, "未登录 (not signed in)"),
        (403, "无权操作 (this role may not)"),
        (404, "不存在，或不属于本单位 (not found, or another unit's case)"),
        (409, "与案件现状冲突: 规则不允许或已由他人办理 (a rule refused it, or someone did it first)"),
        (413, "请求体过大 (body too large)"),
        (422, "字段不合法 (invalid field)"),
        (429, "请求过于频繁 (too many requests)"),
        (503, "服务暂不可用，稍后重试 (unavailable; see Retry-After)"),
    )
}


def status_of(error: XinfangError) -> int:
    if isinstance(error, Unavailable | RateLimited) and not isinstance(error, TooManyAttempts):
        return 503 if not isinstance(error, RateLimited) else 429
    if isinstance(error, PayloadTooLarge):
        return 413
    if isinstance(error, Conflict):
        return 409
    return STATUS_BY_CODE.get(error.code, 409)  # any other code is a business rule the case's state refused


def error_response(error: XinfangError) -> JSONResponse:
    status = status_of(error)
    headers = {"Retry-After": str(RETRY_AFTER_S)} if status in (429, 503) else None
    if status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse(error.to_dict(), status_code=status, headers=headers)


def _validation_field(loc: tuple[Any, ...]) -> str | None:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header", "form")]
    return ".".join(parts) or None


MESSAGES = {
    "missing": "必填",
    "extra_forbidden": "不认识的字段",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "json_invalid": "不是合法的 JSON",
    "enum": "不在可选值中",
    "literal_error": "不在可选值中",
    "date_from_datetime_parsing": "须为日期 YYYY-MM-DD",
    "date_parsing": "须为日期 YYYY-MM-DD",
    "int_parsing": "须为整数",
    "uuid_parsing": "须为 UUID",
}


def validation_error(exc: RequestValidationError) -> XinfangError:
    first = exc.errors()[0] if exc.errors() else {"loc": (), "type": "", "msg": "请求不合法"}
    field = _validation_field(tuple(first.get("loc", ())))
    kind = str(first.get("type", ""))
    if kind == "json_invalid" or (tuple(first.get("loc", ())) == ("body",) and kind != "missing"):
        error = XinfangError("请求体须为 JSON 对象 (Content-Type: application/json)", None)
        error.code = "bad_request"
        return error
    text = MESSAGES.get(kind) or str(first.get("msg", "不合法"))
    from services.runtime.errors import InvalidInput

    return InvalidInput(f"{field or '请求'}: {text}", field)


def database_unavailable(exc: Exception) -> Unavailable | None:
    """A database that is down, locked, or not yet made (the projections create their tables at their first start,
    which may come after the web's): 503, to be tried again, not a 500."""
    if isinstance(exc, sqlalchemy.exc.OperationalError):
        return Unavailable("读库暂不可用，请稍后重试 (the read-side database is unavailable)")
    if isinstance(exc, sqlalchemy.exc.ProgrammingError) and "does not exist" in str(exc):
        return Unavailable("读库尚未就绪，请稍后重试 (the projections have not created their tables yet)")
    return None


def install(app: FastAPI) -> None:
    """Every error path answers an ErrorBody."""

    @app.exception_handler(XinfangError)
    async def _named(request: Request, exc: XinfangError) -> JSONResponse:
        return error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(validation_error(exc))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "bad_request"
        )
        message = {404: "没有这个地址", 405: "不支持此请求方法", 413: "请求体过大"}.get(exc.status_code, "请求不合法")
        headers = dict(exc.headers or {})
        return JSONResponse({"code": code, "message": message, "field": None}, exc.status_code, headers or None)

    @app.exception_handler(sqlalchemy.exc.OperationalError)
    @app.exception_handler(sqlalchemy.exc.ProgrammingError)
    async def _database(request: Request, exc: Exception) -> JSONResponse:
        if (unready := database_unavailable(exc)) is not None:
            log.warning("read side unavailable on %s: %s", request.url.path, str(exc).splitlines()[0])
            return error_response(unready)
        log.exception("database error on %s %s", request.method, request.url.path)
        return JSONResponse({"code": "internal", "message": "内部错误，已记录", "field": None}, 500)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return JSONResponse({"code": "internal", "message": "内部错误，已记录", "field": None}, 500)
