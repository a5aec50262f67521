"""网上信访 over HTTP, no sign-in: submit a petition, track it by 查询码 + 查询密码, supplement, rate, ask for review.

Each act on a case names it by its code and secret, checked by ``xinfang.tracking`` with its lock-out (a wrong
secret answers as an unknown code: 404); the secret travels in the body, never the URL. What comes back is the
public timeline and the case number, nothing of the staff's. The acts are the services' own commands, sent as
staff with the petitioner as the 经办人; the services' rules (windows, states) answer with their code and message.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date
from typing import Annotated, Any, Literal
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field
from sqlalchemy import select

from events.vocabulary import Channel, Kind, Rating, Stage
from projections.ledger import ledger
from projections.tracking import tracking_cases
from services.runtime.commands import Payload
from services.runtime.errors import NotFound, XinfangError
from xinfang.tracking import Throttle, Tracked, track_case
from xinfang.web import throttle
from xinfang.web.api_actions import IdempotencyKey, command_id
from xinfang.web.errors import ERROR_RESPONSES
from xinfang.web.wiring import Web

ACTOR = "信访人（网上信访）"  # the 经办人 of every act a petitioner does online
RECEIVED_BY = "网上信访平台"
KEEP_THEM = "请妥善保存查询码和查询密码：查询密码只显示这一次，遗失后无法找回"
NextStep = Literal["supplement", "rate", "review", "re_review"]
# What the petitioner may ask for next, by the ledger's status (the services still judge each request).
NEXT_STEPS: dict[str, tuple[NextStep, ...]] = {
    "materials_requested": ("supplement",),
    "closed": ("rate", "review"),
    "rated": ("review",),
    "reviewed": ("re_review",),
}
OPINION_STEPS = ("rate", "review", "re_review")  # 回访评价 and 复查复核 are a 申诉求决 matter's (Art 31(6), 35)
Item = Annotated[str, Field(min_length=1, max_length=500)]
Code = Annotated[str, Field(min_length=1, max_length=32, title="查询码", description="query code, from submission")]
Secret = Annotated[str, Field(min_length=1, max_length=64, title="查询密码", description="query secret, shown once")]


class NotReady(XinfangError):
    """The case is tracked, but the service asked has not caught up with it yet: try again shortly."""

    code = "not_ready"


class PublicPetition(Payload):
    """网上信访: what a petitioner writes (Art 19: 姓名、住址、请求、事实和理由)."""

    name: str = Field(min_length=1, max_length=100, title="姓名", description="name (or organisation's name)")
    phone: str = Field(min_length=1, max_length=40, title="联系电话", description="phone, to be reached on")
    id_number: str = Field("", max_length=40, title="身份证号码", description="identity card number")
    address: str = Field(min_length=1, max_length=300, title="住址", description="address")
    kind: Kind = Field(Kind.claim, title="信访事项类别", description="claim 申诉求决 | suggestion | report 检举控告")
    category: str = Field(min_length=1, max_length=50, title="问题分类", description="category code")
    locality: str = Field(min_length=1, max_length=20, title="问题属地", description="locality: the unit code")
    request: str = Field(min_length=1, max_length=5000, title="信访请求", description="what is asked for")
    facts: str = Field(min_length=1, max_length=20000, title="事实和理由", description="facts and reasons")


class Receipt(BaseModel):
    """回执: the case number, and the code and secret to track it by (the secret is never shown again)."""

    case_no: str = Field(title="信访件编号", description="case number")
    query_code: str = Field(title="查询码", description="query code")
    secret: str = Field(title="查询密码", description="query secret, shown this once")
    notice: str = Field(KEEP_THEM, title="提示", description="keep both: the secret cannot be shown again")


class TrackRequest(Payload):
    """信访件查询."""

    query_code: Code
    secret: Secret


class SupplementRequest(TrackRequest):
    """补正材料: what was asked for, now supplied."""

    items: list[Item] = Field(min_length=1, max_length=50, title="补正的材料", description="materials supplied")


class RateRequest(TrackRequest):
    """回访评价 of the closed case."""

    rating: Rating = Field(title="评价", description="satisfied 满意 | basically_satisfied 基本满意 | unsatisfied")
    comment: str = Field("", max_length=5000, title="意见", description="comment")


class ReviewRequest(TrackRequest):
    """申请复查 / 复核 (Art 35, 36), within the window the service keeps."""

    stage: Stage = Field(title="申请事项", description="review 复查 | re_review 复核")
    reasons: str = Field(min_length=1, max_length=5000, title="申请理由", description="reasons")


class Milestone(BaseModel):
    on: date = Field(title="日期", description="date")
    milestone: str = Field(title="进展", description="milestone")
    detail: str = Field(title="说明", description="detail")


class Timeline(BaseModel):
    """办理进展: the public milestones, and what the petitioner may ask for now."""

    case_no: str = Field(title="信访件编号", description="case number")
    milestones: list[Milestone] = Field(title="办理进展", description="public milestones, in order")
    next_steps: list[NextStep] = Field(title="可办事项", description="supplement, rate, review, re_review: offered now")


class Sent(BaseModel):
    """已提交: the services took it; the timeline shows it once recorded."""

    case_no: str = Field(title="信访件编号", description="case number")
    message: str = Field(title="说明", description="message")


def public_command_id(web: Web, key: str | None, address: str) -> str:
    """The register command's id for a petitioner's 请求标识: bound to their address, because anonymous clients share
    one namespace of keys and a repeat answers the first submission's secret — a key another address chose (with
    the same text) must not fetch it."""
    if key is None:
        return str(uuid4())
    bound = hmac.new(web.sessions.key, f"public-key:{address}:{command_id(key)}".encode(), hashlib.sha256)
    return f"public-{bound.hexdigest()[:48]}"


async def submit(web: Web, petition: PublicPetition, key: str | None, address: str) -> Receipt:
    """Register the petition with intake, on the online channel (网上信访)."""
    fields = petition.model_dump(mode="json")
    person = {k: fields.pop(k) for k in ("name", "phone", "id_number", "address")}
    facts = {**fields, "petitioners": [person], "channel": Channel.online, "received_by": RECEIVED_BY}
    payload = {**facts, "command_id": public_command_id(web, key, address)}
    answer = await web.bridge.send("intake", "register", payload)
    return Receipt(case_no=answer["case_no"], query_code=answer["query_code"], secret=answer["secret"])


async def follow(web: Web, code: str, secret: str) -> tuple[str, Tracked]:
    """The case id and public timeline behind a code and secret (404 alike for both wrong; 429 while locked)."""
    now, limits = web.clock.now(), Throttle.of(web.settings)
    return await run_in_threadpool(track_case, web.engine, code.strip(), secret.strip(), now, limits)


def next_steps(web: Web, case_id: str) -> list[NextStep]:
    with web.engine.connect() as conn:
        status = conn.execute(select(ledger.c.status).where(ledger.c.case_id == case_id)).scalar()
        kind = conn.execute(select(tracking_cases.c.kind).where(tracking_cases.c.case_id == case_id)).scalar()
    steps = NEXT_STEPS.get(str(status), ())
    return [s for s in steps if kind == Kind.claim or s not in OPINION_STEPS]


async def timeline(web: Web, code: str, secret: str) -> Timeline:
    case_id, found = await follow(web, code, secret)
    steps = await run_in_threadpool(next_steps, web, case_id)
    milestones = [Milestone(on=m["on"], milestone=m["milestone"], detail=m["detail"] or "") for m in found.milestones]
    return Timeline(case_no=found.case_no, milestones=milestones, next_steps=steps)


async def act(web: Web, asked: TrackRequest, service: str, command: str, fields: dict[str, Any]) -> Sent:
    """One petitioner's act on the case the code and secret name, as the service's command."""
    case_id, found = await follow(web, asked.query_code, asked.secret)
    payload = {**fields, "case_id": case_id, "actor": ACTOR, "command_id": str(uuid4())}
    try:
        await web.bridge.send(service, command, payload)
    except NotFound:  # the code holds, so the service has not yet heard of the case from the stream
        raise NotReady("信访件的办理信息正在同步，请稍后再试") from None
    return Sent(case_no=found.case_no, message="已提交，办理进展稍后更新")


router = APIRouter(
    prefix="/api/public",
    tags=["网上信访"],
    dependencies=[Depends(throttle.check)],
    responses={s: ERROR_RESPONSES[s] for s in (400, 404, 409, 413, 422, 429, 503)},
)


@router.post("/petitions", summary="网上信访: 提交信访事项", response_model=Receipt)
async def post_petition(body: PublicPetition, request: Request, key: str | None = IdempotencyKey) -> Receipt:
    """Submit an online petition; answers the case number, 查询码 and 查询密码 (the secret only this once)."""
    return await submit(Web.of(request), body, key, throttle.client_address(request))


@router.post("/track", summary="信访件查询", response_model=Timeline)
async def post_track(body: TrackRequest, request: Request) -> Timeline:
    """The public timeline by 查询码 + 查询密码 (POST: the secret stays out of URLs and logs)."""
    return await timeline(Web.of(request), body.query_code, body.secret)


@router.post("/supplement", summary="补正材料", response_model=Sent)
async def post_supplement(body: SupplementRequest, request: Request) -> Sent:
    """Supply the materials intake asked for (一次性告知补正)."""
    return await act(Web.of(request), body, "intake", "supplement_materials", {"items": body.items})


@router.post("/rate", summary="回访评价", response_model=Sent)
async def post_rate(body: RateRequest, request: Request) -> Sent:
    """Rate the closed case: 满意 / 基本满意 / 不满意."""
    fields = {"rating": body.rating.value, "comment": body.comment}
    return await act(Web.of(request), body, "supervision", "rate", fields)


@router.post("/review", summary="申请复查/复核", response_model=Sent)
async def post_review(body: ReviewRequest, request: Request) -> Sent:
    """Ask for 复查 (within 30 days of the reply) or 复核 (of the review opinion); the window is the service's."""
    fields = {"stage": body.stage.value, "reasons": body.reasons}
    return await act(Web.of(request), body, "supervision", "request_review", fields)


def install(app: FastAPI) -> None:
    """The petitioner's API and its per-address limit (the pages install themselves, public_pages.install)."""
    web: Web = app.state.web
    app.state.public_window = throttle.SlidingWindow(web.settings.public_rate_per_minute)
    app.include_router(router)
