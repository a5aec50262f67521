"""请求标识 (idempotency keys): a command's ``command_id`` is recorded with its effects, so a repeat answers the first.

A client sends every command with a key of its choosing (``command_id``, a UUID) and sends it again with the same
key when the answer did not come. The service keeps one small aggregate per key, a ``CommandRecord`` whose id is
derived from (service, sender, key), saved in the same transaction as the command's own aggregates (group commit):
the digest of the command and its payload, the outcome (the result, or the named error of a refused command, whose
record is then saved alone) and when it was recorded, by the injected clock. A repeat with the same key and the
same payload answers that outcome and applies nothing; with another payload it is refused
(``idempotency_key_reused``). A record older than the retention (``XF_IDEMPOTENCY_RETENTION_DAYS``) no longer
answers: the key is decided anew, and its record renewed.

The key is scoped by who sent it (staff for the bureau's subjects, the unit for a department's own subjects), so one
party's key never reads another's outcome. The store never holds the key itself: the record's id is a one-way
derivation of it, the digest an HMAC under it and the outcome sealed (AES-GCM) under a key derived from it. A
registration's answer carries the petitioner's 查询码 and 查询密码, which the stores otherwise keep only as hashes;
sealed, they can be read back only by a client that sends the key again.

A record is not a case event: its stored events have no public twin, so the relay never puts them on the stream.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID, uuid5

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from eventsourcing.domain import event
from pydantic_core import to_jsonable_python

from services.runtime.aggregate import ServiceAggregate
from services.runtime.errors import ConcurrentChange, Conflict, IdempotencyKeyReused, Unavailable, XinfangError
from services.runtime.stored import stored_events

KEYS = UUID("6b3f2d0e-51c4-4f7a-9d83-2e9a7c1b4f60")
SERVICES = ("intake", "assignment", "mediation", "supervision")
NONCE = 12
TAG = 16


@dataclass(frozen=True)
class CommandKey:
    """One command's key as the service uses it: the record's id, the digest of the command and payload, and the
    key its outcome is sealed with, all derived from (service, sender, ``command_id``); none of them reveals it."""

    record_id: UUID
    digest: str
    seal: bytes

    @classmethod
    def of(cls, service: str, sender: str, command_id: str, command: str, payload: dict[str, Any]) -> CommandKey:
        """``payload``: the command as parsed (defaults filled in), without its ``command_id``."""
        secret = json.dumps([service, sender, command_id]).encode()
        canonical = json.dumps(
            [command, to_jsonable_python(payload)], sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return cls(
            record_id=uuid5(KEYS, hashlib.sha256(secret).hexdigest()),
            digest=hmac.new(secret, b"payload\x00" + canonical.encode(), hashlib.sha256).hexdigest(),
            seal=hmac.new(secret, b"seal", hashlib.sha256).digest(),
        )


class Recalled(XinfangError):
    """The named error a key's first command was refused with, answered again to its repeat."""

    def __init__(self, code: str, message: str, field: str | None):
        super().__init__(message, field)
        self.code = code


def kept(outcome: Any) -> bool:
    """Whether an outcome is kept for the key: a result or a named error (a conflict with what another did first
    among them: it was decided), never a passing one (the service was stopping or unreachable, the store refused a
    save the case had changed under: nothing was decided, a repeat decides again)."""
    return not isinstance(outcome, Unavailable | ConcurrentChange | IdempotencyKeyReused)


def answer_of(outcome: Any) -> dict[str, Any]:
    if isinstance(outcome, XinfangError):
        return {"ok": False, "error": outcome.to_dict()}
    return {"ok": True, "result": outcome}


def seal(key: CommandKey, outcome: Any) -> str:
    nonce = secrets.token_bytes(NONCE)
    both = AESGCM(key.seal).encrypt(nonce, json.dumps(answer_of(outcome), ensure_ascii=False).encode(), None)
    return base64.b64encode(nonce + both[-TAG:] + both[:-TAG]).decode()  # nonce, tag, ciphertext


def unseal(key: CommandKey, sealed: str) -> Any:
    raw = base64.b64decode(sealed)
    answer = json.loads(AESGCM(key.seal).decrypt(raw[:NONCE], raw[NONCE + TAG :] + raw[NONCE : NONCE + TAG], None))
    if answer["ok"]:
        return answer["result"]
    error = answer["error"]
    if error["code"] == Conflict.code:
        return Conflict(error["message"], error.get("field"), error.get("reason"))
    return Recalled(error["code"], error["message"], error.get("field"))


class CommandRecord(ServiceAggregate):
    """请求标识的记录: the first outcome of the command a key was sent with (sealed), the digest of that command and
    payload, and when it was recorded (by the service's clock). Each service has its own subclass (``RECORDS``),
    whose stored events are named below the service."""

    digest: str
    outcome: str
    recorded_at: datetime

    @classmethod
    def first(cls, key: CommandKey, outcome: Any, now: datetime) -> CommandRecord:
        return cls(id=key.record_id, digest=key.digest, outcome=seal(key, outcome), recorded_at=now)  # type: ignore[call-arg]

    def again(self, key: CommandKey, outcome: Any, now: datetime) -> None:
        self.renew(key.digest, seal(key, outcome), now)

    def renew(self, digest: str, outcome: str, recorded_at: datetime) -> None:
        raise NotImplementedError  # each service's record declares it as its event (below)

    def current(self, now: datetime, retention: timedelta) -> bool:
        """Whether the record still answers for its key (recorded within the retention)."""
        return now - self.recorded_at < retention

    def answer(self, key: CommandKey) -> Any:
        """The first outcome for a repeat of the same command, or a refusal for a key reused on another."""
        if not hmac.compare_digest(self.digest, key.digest):
            return IdempotencyKeyReused(
                "请求标识 command_id 已用于另一项请求（命令或内容不同），不能重复使用；新的请求请使用新的请求标识",
                "command_id",
            )
        return unseal(key, self.outcome)


def _declare(service: str) -> type[CommandRecord]:
    """The service's own record class, so its stored events are named below the service (``xf/<service>/…``).
    Its events are declared in its own body: eventsourcing binds an event method to the class that defines it."""

    class Record(CommandRecord):
        @event("Recorded")
        def __init__(self, id: UUID, digest: str, outcome: str, recorded_at: datetime):
            self.digest = digest
            self.outcome = outcome
            self.recorded_at = recorded_at

        @event("Renewed")
        def renew(self, digest: str, outcome: str, recorded_at: datetime) -> None:
            """The key came again after the retention: it names a new command, whose outcome it now answers."""
            self.digest = digest
            self.outcome = outcome
            self.recorded_at = recorded_at

    Record.__name__ = Record.__qualname__ = f"{service.capitalize()}CommandRecord"
    Record.__doc__ = f"{CommandRecord.__doc__} ({service})"
    stored_events(Record, service, "CommandRecord", {"Recorded": None, "Renewed": None})
    return Record


# Declared when the runtime is imported, before any store is read: a service's log holds its records' events.
RECORDS: dict[str, type[CommandRecord]] = {service: _declare(service) for service in SERVICES}
# Each also under its name in this module, where pickle looks for it (a cached record's copy is a pickle round trip).
globals().update({record.__name__: record for record in RECORDS.values()})


def record_class(service: str) -> type[CommandRecord]:
    try:
        return RECORDS[service]
    except KeyError:
        raise KeyError(f"no CommandRecord for service {service!r}; it is one of {SERVICES}") from None
