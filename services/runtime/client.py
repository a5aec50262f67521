"""Calling the services' commands over NATS, for the CLI, tests and department systems."""

from __future__ import annotations

import json
from typing import Any

import nats
import nats.errors
from nats.aio.client import Client

from services.runtime.commands import command_subject
from services.runtime.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    Unavailable,
    XinfangError,
)

ERRORS: dict[str, type[XinfangError]] = {
    InvalidInput.code: InvalidInput,
    NotFound.code: NotFound,
    Conflict.code: Conflict,
}


def error_from(payload: dict[str, Any]) -> XinfangError:
    cls = ERRORS.get(payload.get("code", ""), DomainError)
    error = cls(payload.get("message", "未知错误"), payload.get("field"))
    error.code = payload.get("code", error.code)
    return error


async def call(nc: Client, service: str, command: str, payload: dict[str, Any], timeout: float = 10) -> Any:
    """Send one command and return its result, or raise the named error the service answered with."""
    subject = command_subject(service, command)
    try:
        reply = await nc.request(subject, json.dumps(payload, default=str).encode(), timeout=timeout)
    except nats.errors.NoRespondersError:
        raise Unavailable(f"服务 {service} 未运行 (no responders on {subject})") from None
    except nats.errors.TimeoutError:
        raise Unavailable(f"服务 {service} 无响应 (timeout on {subject})") from None
    answer = json.loads(reply.data)
    if not answer.get("ok"):
        raise error_from(answer.get("error") or {})
    return answer["result"]
