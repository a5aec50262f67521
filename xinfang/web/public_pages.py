"""网上信访的页面: the petitioner's pages, no sign-in: submit, track by 查询码 + 查询密码, rate, review, supplement.

The pages call what the public API calls (``api_public``); they hold no rule. Forms without a session are held to a
signed double-submit token: the first page sets a random nonce in the cookie ``xf_public`` (HttpOnly, SameSite=Strict,
path /public), and every form carries ``csrf`` = HMAC-SHA256(web key, "public-csrf:" + nonce). A POST whose field
does not match its cookie's HMAC is refused: another site can neither read the cookie nor compute the field, and a
cookie planted from elsewhere has no matching field without the district's key.

The code and secret are posted, never put in a URL; after tracking, the case's forms carry them as hidden fields
(each act checks them again under the tracking lock-out), and every page answers ``Cache-Control: no-store``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from events.vocabulary import Kind, Rating, Stage, label
from services.runtime.errors import NotFound, TooManyAttempts, XinfangError
from services.runtime.organisation import organisation
from xinfang.web import throttle
from xinfang.web.api_public import (
    KEEP_THEM,
    PublicPetition,
    RateRequest,
    ReviewRequest,
    Sent,
    SupplementRequest,
    TrackRequest,
    act,
    submit,
    timeline,
)
from xinfang.web.errors import MESSAGES, status_of
from xinfang.web.pages import templates
from xinfang.web.wiring import Web

COOKIE = "xf_public"
NONCE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
PLACES = ("street", "township", "community", "village")  # where a matter happens: 问题属地
Form = dict[str, str]


class StaleForm(Exception):
    """A form whose CSRF token does not match its cookie: the page expired, or another site posted it."""


def csrf_for(web: Web, nonce: str) -> str:
    return hmac.new(web.sessions.key, f"public-csrf:{nonce}".encode(), hashlib.sha256).hexdigest()[:32]


def _nonce(request: Request) -> str | None:
    value = request.cookies.get(COOKIE, "")
    return value if NONCE.match(value) else None


def page(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A public page, with the form token of this browser's nonce (set now if it has none)."""
    web = Web.of(request)
    nonce = _nonce(request) or secrets.token_urlsafe(24)
    ctx = {"csrf": csrf_for(web, nonce), "errors": {}, "values": {}, **context}
    response = templates.TemplateResponse(request, f"public/{template}", ctx, status_code=status)
    if request.cookies.get(COOKIE) != nonce:
        secure = web.settings.secure_cookies
        response.set_cookie(COOKIE, nonce, httponly=True, samesite="strict", secure=secure, path="/public")
    response.headers["Cache-Control"] = "no-store"
    return response


def message(request: Request, title: str, text: str, status: int) -> HTMLResponse:
    return page(request, "message.html", status, title=title, text=text)


async def posted(request: Request) -> Form:
    """The form's fields, once its CSRF token matched this browser's cookie."""
    form = await request.form()
    nonce, sent = _nonce(request), form.get("csrf")
    expected = csrf_for(Web.of(request), nonce) if nonce else ""
    if not nonce or not isinstance(sent, str) or not hmac.compare_digest(sent, expected):
        raise StaleForm
    return {k: v.strip() for k, v in form.items() if isinstance(v, str) and k != "csrf"}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Each invalid field's first message, in Chinese, to show beside it."""
    shown: dict[str, str] = {}
    for error in exc.errors():
        field = str(error["loc"][0]) if error["loc"] else "form"
        unchosen = error["type"] in ("enum", "literal_error") and error.get("input") == ""
        said = MESSAGES.get(str(error["type"])) or str(error["msg"]).removeprefix("Value error, ")
        text = "请选择" if unchosen else said
        shown.setdefault(field, text)
    return shown


def choices() -> dict[str, Any]:
    """The form's lists: matter kinds, categories, and the district's places with their street or township."""
    org = organisation()
    units = org.units
    places = [
        (u.code, f"{units[u.parent].name} {u.name}" if u.kind in ("community", "village") and u.parent else u.name)
        for u in units.values()
        if u.kind in PLACES
    ]
    kinds = [(k.value, label(k.value, Kind)) for k in (Kind.claim, Kind.suggestion, Kind.report)]
    return {"kinds": kinds, "categories": list(org.categories.items()), "places": places}


router = APIRouter(prefix="/public", dependencies=[Depends(throttle.check)], include_in_schema=False)


@router.get("", response_class=HTMLResponse)
async def home(request: Request) -> HTMLResponse:
    return page(request, "home.html")


@router.get("/submit", response_class=HTMLResponse)
async def submit_form(request: Request) -> HTMLResponse:
    return page(request, "submit.html", command_id=str(uuid4()), **choices())


@router.post("/submit", response_class=HTMLResponse)
async def submit_posted(request: Request) -> HTMLResponse:
    values = await posted(request)
    key = values.pop("command_id", "") or None

    def again(errors: dict[str, str], status: int) -> HTMLResponse:
        context = {"values": values, "errors": errors, "command_id": key or str(uuid4()), **choices()}
        return page(request, "submit.html", status, **context)

    try:
        petition = PublicPetition.model_validate(values)
    except ValidationError as exc:
        return again(field_errors(exc), 422)
    try:
        receipt = await submit(Web.of(request), petition, key, throttle.client_address(request))
    except XinfangError as error:
        return again({error.field or "form": error.message}, status_of(error))
    return page(request, "receipt.html", receipt=receipt, keep=KEEP_THEM)


@router.get("/track", response_class=HTMLResponse)
async def track_form(request: Request) -> HTMLResponse:
    return page(request, "track.html")


async def case_page(
    request: Request, values: Form, failed: str | None = None, errors: dict[str, str] | None = None, **ctx: Any
) -> HTMLResponse:
    """The timeline of the case the posted code and secret name, with the forms of what may be asked for now."""
    status = int(ctx.pop("status", 200))
    done = ctx.pop("done", None)  # just asked for: not offered again while the views catch up
    try:
        found = await timeline(Web.of(request), values.get("query_code", ""), values.get("secret", ""))
    except (NotFound, TooManyAttempts) as error:
        return page(request, "track.html", status_of(error), errors={"form": error.message}, values=values)
    steps: list[str] = [s for s in found.next_steps if s != done]
    if failed and failed not in steps:
        steps.append(failed)  # a refused request keeps its form, with the refusal beside it
    ratings = [(r.value, label(r.value, Rating)) for r in Rating]
    stages = {s.value: label(s.value, Stage) for s in Stage}
    context = {"found": found, "steps": steps, "failed": failed, "errors": errors or {}, "ratings": ratings}
    return page(request, "timeline.html", status, values=values, stages=stages, **context, **ctx)


@router.post("/track", response_class=HTMLResponse)
async def track_posted(request: Request) -> HTMLResponse:
    values = await posted(request)
    try:
        TrackRequest.model_validate({k: values.get(k, "") for k in ("query_code", "secret")})
    except ValidationError as exc:
        return page(request, "track.html", 422, errors=field_errors(exc), values=values)
    return await case_page(request, values)


Act = Callable[[Web, Any], Awaitable[Sent]]


async def acted(
    request: Request, values: Form, which: str, model: type[TrackRequest], fields: dict[str, Any], do: Act
) -> HTMLResponse:
    """One act from the case page: the service's answer, or its refusal beside the form it came from."""
    try:
        asked = model.model_validate({**{k: values.get(k, "") for k in ("query_code", "secret")}, **fields})
    except ValidationError as exc:
        return await case_page(request, values, which, field_errors(exc), status=422)
    try:
        sent = await do(Web.of(request), asked)
    except (NotFound, TooManyAttempts):
        return await case_page(request, values)  # the code or secret no longer holds: the tracking form says why
    except XinfangError as error:
        return await case_page(request, values, which, {error.field or "form": error.message}, status=status_of(error))
    return await case_page(request, values, notice=sent.message, done=which)


@router.post("/rate", response_class=HTMLResponse)
async def rate(request: Request) -> HTMLResponse:
    form = await posted(request)
    fields = {"rating": form.get("rating", ""), "comment": form.get("comment", "")}

    async def do(web: Web, asked: RateRequest) -> Sent:
        return await act(web, asked, "supervision", "rate", {"rating": asked.rating.value, "comment": asked.comment})

    return await acted(request, form, "rate", RateRequest, fields, do)


@router.post("/review", response_class=HTMLResponse)
async def review(request: Request) -> HTMLResponse:
    form = await posted(request)
    fields = {"stage": form.get("stage", ""), "reasons": form.get("reasons", "")}

    async def do(web: Web, asked: ReviewRequest) -> Sent:
        chosen = {"stage": asked.stage.value, "reasons": asked.reasons}
        return await act(web, asked, "supervision", "request_review", chosen)

    which = "re_review" if fields["stage"] == Stage.re_review else "review"
    return await acted(request, form, which, ReviewRequest, fields, do)


@router.post("/supplement", response_class=HTMLResponse)
async def supplement(request: Request) -> HTMLResponse:
    form = await posted(request)
    items = [line.strip() for line in form.get("items", "").splitlines() if line.strip()]

    async def do(web: Web, asked: SupplementRequest) -> Sent:
        return await act(web, asked, "intake", "supplement_materials", {"items": asked.items})

    return await acted(request, form, "supplement", SupplementRequest, {"items": items}, do)


def install(app: FastAPI) -> None:
    app.include_router(router)

    @app.exception_handler(throttle.Throttled)
    async def _throttled(request: Request, exc: throttle.Throttled) -> Response:
        if request.url.path.startswith("/api/"):
            response: Response = JSONResponse(exc.to_dict(), 429)
        else:
            response = message(request, "请求过于频繁", exc.message, 429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(StaleForm)
    async def _stale(request: Request, exc: StaleForm) -> HTMLResponse:
        text = "页面已过期或请求来源不明，请返回重新打开页面后再提交"
        return message(request, "无法提交", text, 403)
