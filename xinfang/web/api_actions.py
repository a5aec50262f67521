"""Staff actions over HTTP: one POST per command, generated from the catalogue; each sends the command and returns
the service's answer. The signed-in person is the 经办人; a department user acts as their unit."""

import re
from typing import Any
from uuid import uuid4

from fastapi import APIRouter, Depends, FastAPI, Header, Path, Request
from fastapi.concurrency import run_in_threadpool

from services.runtime.commands import COMMAND_ID_MAX_LENGTH
from services.runtime.errors import InvalidInput
from xinfang.web.auth import check_csrf, require
from xinfang.web.catalogue import SERVICE_LABELS, Action, actions
from xinfang.web.errors import ERROR_RESPONSES, Forbidden
from xinfang.web.users import Role, User
from xinfang.web.wiring import Web

KEY = re.compile(rf"^[\x21-\x7e]{{1,{COMMAND_ID_MAX_LENGTH}}}$")
CasePath = Path(title="信访件编号或案件ID", description="case: its 信访件编号 (case number) or its case id")
IdempotencyKey = Header(
    None,
    alias="Idempotency-Key",
    description="请求标识 (idempotency key): the same key again answers the first outcome and applies nothing twice",
)


def command_id(key: str | None) -> str:
    if key is None:
        return str(uuid4())
    if not KEY.match(key):
        raise InvalidInput(f"Idempotency-Key 须为 1-{COMMAND_ID_MAX_LENGTH} 个可见 ASCII 字符", "Idempotency-Key")
    return key


async def perform(
    web: Web, user: User, action: Action, fields: dict[str, Any], case: str | None, key: str | None
) -> Any:
    """Send one action as the signed-in person: the console's forms and the API both come here."""
    if not action.allowed(user.role):
        raise Forbidden(f"角色 {user.role_label} 无权进行「{action.summary}」")
    payload = {k: v for k, v in fields.items() if v is not None}
    payload["command_id"] = command_id(key)
    for who in ("actor", "received_by"):  # 经办人 / 登记人: the signed-in person, never free text
        if who in action.model.model_fields:
            payload[who] = user.name
    if case is not None:
        payload["case_id"] = await run_in_threadpool(web.resolve_case, case, user)
    if user.role is Role.department:
        if "department" in action.model.model_fields and not payload.get("department"):
            payload["department"] = user.unit  # the unit acts for itself unless it names a co-handler's part
        return await web.bridge.send_as_unit(user.unit, action.service, action.name, payload)
    return await web.bridge.send(action.service, action.name, payload)


def _route(action: Action) -> Any:
    body_model = action.body
    roles = require(*action.roles)

    if action.on_case:

        async def on_case(
            body: body_model,  # type: ignore[valid-type]
            request: Request,
            case: str = CasePath,
            user: User = Depends(roles),
            key: str | None = IdempotencyKey,
        ) -> Any:
            fields = body.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
            return await perform(Web.of(request), user, action, fields, case, key)

        return on_case

    async def not_on_case(
        body: body_model,  # type: ignore[valid-type]
        request: Request,
        user: User = Depends(roles),
        key: str | None = IdempotencyKey,
    ) -> Any:
        fields = body.model_dump(mode="json", exclude_unset=True)  # type: ignore[attr-defined]
        return await perform(Web.of(request), user, action, fields, None, key)

    return not_on_case


def install(app: FastAPI) -> None:
    router = APIRouter(dependencies=[Depends(check_csrf)], responses=ERROR_RESPONSES)
    for action in actions().values():
        who = "、".join(r.value for r in action.roles)
        router.add_api_route(
            action.path,
            _route(action),
            methods=["POST"],
            name=f"{action.service}.{action.name}",
            operation_id=f"{action.service}_{action.name}",
            summary=action.summary,
            description=f"{(action.model.__doc__ or '').strip()}\n\n角色 (roles): {who}. "
            "Answers the service's result; a rule that refuses it answers 409 with its code.",
            tags=[f"{SERVICE_LABELS[action.service]} {action.service}"],
            response_model=dict[str, Any],
        )
    app.include_router(router)
