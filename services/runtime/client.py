"""Calling the services' commands over NATS, for the CLI, tests and department systems.

Every command goes with a ``command_id`` (请求标识, a uuid4 unless the caller chose one), and a command that found
no service, or whose answer did not come, is sent again with the same key, with exponential backoff and jitter,
until the caller's deadline: the service answers a repeated key with its first outcome and applies nothing twice
(``services.runtime.idempotency``). Only the answer's wait reads time, and only ``time.monotonic()``.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import nats.errors
from nats.aio.client import Client
from nats.aio.msg import Msg

from services.runtime.commands import command_subject
from services.runtime.errors import (
    Conflict,
    DomainError,
    IdempotencyKeyReused,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unanswered,
    Unavailable,
    XinfangError,
)

ERRORS: dict[str, type[XinfangError]] = {
    InvalidInput.code: InvalidInput,
    NotFound.code: NotFound,
    Unavailable.code: Unavailable,
    IdempotencyKeyReused.code: IdempotencyKeyReused,
}

STAFF_DEADLINE_S = 15.0  # how long a staff command keeps trying through an outage (the CLI's --deadline)
FIRST_PAUSE_S = 0.1
LONGEST_PAUSE_S = 2.0
SHORTEST_WAIT_S = 0.5  # an attempt near the deadline still waits this long for its answer
CLOSED_CHECK_S = 0.25  # how often a waiting request looks whether its connection closed (its answer cannot come)


def error_from(payload: dict[str, Any]) -> XinfangError:
    message, field = payload.get("message", "未知错误"), payload.get("field")
    if payload.get("code") == Conflict.code:  # the rule it met travels as its reason
        return Conflict(message, field, payload.get("reason"))
    cls = ERRORS.get(payload.get("code", ""), DomainError)
    error = cls(message, field)
    error.code = payload.get("code", error.code)
    return error


class Line:
    """A one-shot client's connection (``bus.connect(reconnect=False)``), dialled again once it has closed: the way
    through a NATS server that restarts. Callers sharing a line dial once."""

    def __init__(self, dial: Callable[[], Awaitable[Client]]):
        self.dial = dial
        self.nc: Client | None = None
        self.lock = asyncio.Lock()

    async def client(self) -> Client:
        async with self.lock:
            if self.nc is None or self.nc.is_closed:
                self.nc = await self.dial()
            return self.nc

    async def close(self) -> None:
        if self.nc is not None and not self.nc.is_closed:
            await self.nc.close()


class ConnectionLost(Exception):
    """The connection closed while a request waited for its answer (which may have been decided)."""


def with_command_id(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload with its idempotency key: the caller's, else a new one (the caller's dict is left as it is)."""
    if payload.get("command_id"):
        return payload
    return {**payload, "command_id": str(uuid4())}


def pause(attempt: int, left: float) -> float:
    """Exponential backoff with jitter (half fixed, half random), never past what is left of the deadline."""
    ceiling = min(LONGEST_PAUSE_S, FIRST_PAUSE_S * 2**attempt)
    return max(0.0, min(left, ceiling * (0.5 + random.random() / 2)))


async def ask(nc: Client, subject: str, data: bytes, timeout: float) -> Msg:
    """One request; a connection that closes meanwhile ends the wait at once instead of at the timeout."""
    asking = asyncio.ensure_future(nc.request(subject, data, timeout=timeout))
    try:
        while True:
            done, _ = await asyncio.wait({asking}, timeout=CLOSED_CHECK_S)
            if done:
                return asking.result()
            if nc.is_closed:
                raise ConnectionLost
    finally:
        asking.cancel()


async def request(
    nc: Client | Line, subject: str, payload: dict[str, Any], who: str, timeout: float, deadline: float
) -> Any:
    """Send a command on ``subject`` and return its result, or raise the named error ``who`` answered with.

    No service listening, no answer within ``timeout`` (or before the connection closed), a connection that is
    lost or being re-established, and a service that is stopping: each is tried again with the same key until
    ``deadline`` seconds have passed. Then ``Unanswered`` when the command may have reached the service (it may or
    may not have been applied), else the ``Unavailable`` that kept it from arriving (nothing was applied).
    """
    body = with_command_id(payload)
    data = json.dumps(body, default=str).encode()
    give_up = time.monotonic() + deadline
    attempt = 0
    maybe_applied = False
    while True:
        left = give_up - time.monotonic()
        try:
            client = await nc.client() if isinstance(nc, Line) else nc
            reply = await ask(client, subject, data, min(timeout, max(left, SHORTEST_WAIT_S)))
            answer = json.loads(reply.data)
            if answer.get("ok"):
                return answer["result"]
            error = error_from(answer.get("error") or {})
            if error.code != Unavailable.code:  # a decided outcome (too_many_attempts is one: it is not retried)
                raise error
            failure: XinfangError = error  # the service is stopping: it took the command up and applied nothing
        except nats.errors.MaxPayloadError:  # the server would close the connection on it: never sent, nothing applied
            limit = getattr(client, "max_payload", 0)
            raise PayloadTooLarge(f"请求体 {len(data)} 字节，超过 NATS 服务器允许的 {limit} 字节，未发送") from None
        except nats.errors.NoRespondersError:
            failure = Unavailable(f"{who} 未运行 (no responders on {subject})")
        except nats.errors.TimeoutError:
            maybe_applied = True
            failure = Unavailable(f"{who} 无响应 (timeout on {subject})")
        except ConnectionLost:
            maybe_applied = True
            failure = Unavailable(f"与 NATS 的连接中断 (connection lost waiting on {subject})")
        except (nats.errors.ConnectionClosedError, nats.errors.ConnectionReconnectingError) as exc:
            failure = Unavailable(f"与 NATS 的连接中断 ({type(exc).__name__} on {subject})")
        except nats.errors.OutboundBufferLimitError:
            failure = Unavailable(f"NATS 正在重连，待发送的请求已满 (outbound buffer full on {subject})")
        except Unavailable as exc:  # dialling the server again failed
            if exc.field == "creds":  # refused credentials do not get better by waiting
                raise
            failure = exc
        wait = pause(attempt, give_up - time.monotonic())
        if time.monotonic() + wait >= give_up:
            raise gave_up(failure, maybe_applied, body["command_id"], deadline) from None
        attempt += 1
        await asyncio.sleep(wait)


def gave_up(failure: XinfangError, maybe_applied: bool, command_id: str, deadline: float) -> XinfangError:
    if not maybe_applied:
        return Unavailable(f"{failure.message}；{deadline:g} 秒内重试未果，操作未执行", failure.field)
    return Unanswered(
        f"{deadline:g} 秒内未得到答复 ({failure.message})：该操作可能已执行，也可能未执行 (请求标识 {command_id})",
        command_id,
    )


async def call(
    nc: Client | Line,
    service: str,
    command: str,
    payload: dict[str, Any],
    timeout: float = 10,
    deadline: float = STAFF_DEADLINE_S,
) -> Any:
    """Send one command and return its result, or raise the named error the service answered with (retrying an
    outage with the same key for ``deadline`` seconds; each attempt waits at most ``timeout`` for its answer)."""
    return await request(nc, command_subject(service, command), payload, f"服务 {service}", timeout, deadline)
