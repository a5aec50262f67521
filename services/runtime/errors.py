"""Named errors: a broken rule reaches the caller as a code, a field and a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

UNSIGNED = "未署名的经办人"


class XinfangError(Exception):
    """Base of every error a caller may see."""

    code = "error"
    # The refusal may lift by itself once this service has consumed events already on their way (the case, or its
    # closing, is on the stream but not yet applied here): the command waits a moment for them before it is answered.
    awaits_events = False

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field

    @property
    def reason(self) -> str:
        """The rule that refused the command: its code (a conflict's is the rule it met, see ``Conflict``)."""
        return self.code

    def to_dict(self) -> dict[str, str | None]:
        return {"code": self.code, "message": self.message, "field": self.field}


class DomainError(XinfangError):
    """A business rule refused the command."""

    code = "rule_broken"


class InvalidInput(XinfangError):
    """A command's input is malformed or missing a field."""

    code = "invalid_input"


class NotFound(XinfangError):
    """No such case in this service."""

    code = "not_found"
    awaits_events = True


class NotYourCase(XinfangError):
    """A department acts on its own cases only: the case is not assigned to it (or names another department)."""

    code = "not_your_case"


class Conflict(XinfangError):
    """Someone else got there first: the act was already done, or the case moved on, since the caller looked. The
    ``reason`` is the rule it met (``already_replied`` …) and the message names who did what, and when."""

    code = "conflict"
    reason: str = "conflict"  # each conflict names its own rule

    def __init__(self, message: str, field: str | None = None, reason: str | None = None):
        super().__init__(message, field)
        if reason:
            self.reason = reason

    def to_dict(self) -> dict[str, str | None]:
        return {**super().to_dict(), "reason": self.reason}


class ConcurrentChange(Conflict):
    """The store refused a save: the case changed between its load and its save (optimistic concurrency), so
    nothing was decided; deciding again sees the change."""

    reason = "concurrent_change"


@dataclass(frozen=True)
class Done:
    """Who did an act on a case and when, as a conflict names it: 由 李四 于 2026-03-02."""

    by: str
    on: date

    def __str__(self) -> str:
        return f"由 {self.by or UNSIGNED} 于 {self.on}"


class IdempotencyKeyReused(InvalidInput):
    """A ``command_id`` (请求标识) already recorded for a different command or payload: a key names one request."""

    code = "idempotency_key_reused"


class Unavailable(XinfangError):
    """The service could not be reached."""

    code = "unavailable"


class Unanswered(Unavailable):
    """No answer within the caller's deadline, after the command may have reached the service: it may or may not
    have been applied. Sending it again with the same ``command_id`` is safe (the service answers its first outcome).
    """

    def __init__(self, message: str, command_id: str):
        super().__init__(message)
        self.command_id = command_id


class TooManyAttempts(Unavailable):
    """Too many wrong 查询码/查询密码 attempts on one code: it is locked for a while, whatever is tried."""

    code = "too_many_attempts"


class PayloadTooLarge(InvalidInput):
    """A command's body over the configured limit (XF_MAX_COMMAND_BYTES), or over what the NATS server lets through:
    refused before it is parsed, or not sent at all."""

    code = "payload_too_large"
