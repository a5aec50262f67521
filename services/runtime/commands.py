"""Staff commands over NATS request/reply: one subject per command, a JSON answer, named errors."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar
from uuid import UUID

from faststream.nats import NatsMessage, NatsRouter
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from services.runtime.consumer import is_transient
from services.runtime.errors import NotFound, NotYourCase, Unavailable, XinfangError
from services.runtime.group_commit import GroupCommit
from services.runtime.idempotency import CommandKey
from services.runtime.payloads import MAX_COMMAND_BYTES, check_size, field_name, invalid_input, load

log = logging.getLogger(__name__)

COMMAND_PREFIX = "xf.cmd"
DEPARTMENT_PREFIX = "xf.dept"  # xf.dept.<unit>.<service>.<command>: a department system acts as the unit it names
COMMANDS_IN_FLIGHT = 64
COMMAND_ID_MAX_LENGTH = 100
STAFF = "staff"  # whose key a bureau command's command_id is (a department's is its unit's, from its subject)


class Payload(BaseModel):
    """A command's payload or a part of one: a field it does not declare is refused, not dropped (a misspelt
    option must not pass unnoticed), and a required text is more than blanks."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _not_blank(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and value and not value.strip() and info.field_name is not None:
            declared = cls.model_fields[info.field_name].metadata
            if any((getattr(m, "min_length", None) or 0) > 0 for m in declared):
                raise ValueError("不能只有空白")
        return value


class Command(Payload):
    """A command's payload; ``name`` is the last token of its subject (``xf.cmd.<service>.<name>``), and the
    docstring says what it does (it becomes the route's description)."""

    name: ClassVar[str] = ""
    # A command a department system may send for its own cases, on its own subjects (department_subject).
    for_departments: ClassVar[bool] = False

    command_id: str | None = Field(
        None,
        min_length=1,
        max_length=COMMAND_ID_MAX_LENGTH,
        pattern=r"^[\x21-\x7e]+$",
        title="请求标识",
        description="idempotency key chosen by the client (a UUID; visible ASCII): a repeat with the same key answers "
        "the first outcome and applies nothing again; the same key with another payload is refused "
        "(idempotency_key_reused); optional for old clients, every client of ours sets it",
    )


class CaseCommand(Command):
    """What every staff action on one case carries."""

    case_id: UUID = Field(title="案件ID")
    on: date | None = Field(
        None, title="生效日期", description="effective date for late entry (补录); default today; never in the future"
    )
    actor: str = Field("", max_length=100, title="经办人")


def command_subject(service: str, command: str) -> str:
    return f"{COMMAND_PREFIX}.{service}.{command}"


def department_subject(unit: str, service: str, command: str) -> str:
    return f"{DEPARTMENT_PREFIX}.{unit}.{service}.{command}"


def parse_as(model: type[BaseModel], body: bytes, unit: str) -> Any:
    """A department's command, acting as the unit its subject names: its ``department`` is that unit (a payload
    naming another is refused, one naming none gets it)."""
    raw = load(body)
    if "department" in model.model_fields:
        named = raw.get("department") or unit
        if isinstance(named, str) and named != unit:
            raise NotYourCase(f"{unit} 不能以 {field_name([named])} 的名义办理", "department")
        if named == unit:  # any other value is refused by the model, as a department of the wrong type
            raw["department"] = unit
    return validate(model, raw)


def parse(model: type[BaseModel], body: bytes) -> Any:
    """A staff command's payload from its body (``services.runtime.payloads`` says what a body must be)."""
    return validate(model, load(body))


def validate(model: type[BaseModel], raw: dict[str, Any]) -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise invalid_input(exc) from None


Handler = Callable[[Any], Any]


def store_unavailable() -> Unavailable:
    return Unavailable("数据库暂时不可用，请稍后重试 (the service's database is unavailable; retry with the same key)")


async def undecoded(msg: NatsMessage) -> bytes:
    """The body as it came: ``parse`` alone reads it. FastStream's own decoder would parse it first, by its
    content-type header or as JSON, and a body it fails on (too deep, not UTF-8 for text/plain, broken JSON sent as
    application/json) would end the handler before it runs, with no answer at all."""
    return msg.body


class CommandRoutes:
    """Registers each command of a service as a FastStream subscriber that answers ok/error JSON."""

    def __init__(
        self,
        service: str,
        committer: GroupCommit,
        parties: Callable[[Any], frozenset[str]] = lambda _: frozenset(),
        max_body: int = MAX_COMMAND_BYTES,
    ):
        self.service = service
        self.max_body = max_body
        self.router = NatsRouter()
        self.committer = committer
        self.parties = parties
        self.on_saved: Callable[[], None] = lambda: None

    def add(self, name: str, model: type[BaseModel], handler: Handler, description: str) -> None:
        self._subscribe(name, model, handler, description, command_subject(self.service, name), department=False)
        if getattr(model, "for_departments", False):
            subject = department_subject("*", self.service, name)
            self._subscribe(name, model, handler, description, subject, department=True)

    def key(self, name: str, command: Any, unit: str) -> CommandKey | None:
        """The command's idempotency key, scoped by who sent it: a department's unit (its subject), else staff."""
        if command.command_id is None:
            return None
        payload = command.model_dump(mode="json", exclude={"command_id"})
        return CommandKey.of(self.service, f"dept.{unit}" if unit else STAFF, command.command_id, name, payload)

    def _on_own_case(self, handler: Handler, unit: str) -> Handler:
        """The handler, once the case is found to be one the unit leads or co-handles (unknown cases alike)."""

        def run(command: Any) -> Any:
            try:
                mine = unit in self.parties(command.case_id)
            except NotFound:
                mine = False
            if not mine:
                raise NotYourCase(f"案件 {command.case_id} 不是 {unit} 承办的案件", "case_id")
            return handler(command)

        return run

    def _subscribe(
        self, name: str, model: type[BaseModel], handler: Handler, description: str, subject: str, department: bool
    ) -> None:
        async def answer(msg: NatsMessage) -> dict[str, Any]:
            try:
                # The unit comes from the subject the department's credentials let it publish on, never the payload.
                unit = msg.raw_message.subject.split(".")[2] if department else ""
                check_size(msg.body, self.max_body)  # before any parsing: an oversized body costs nothing more
                command = parse_as(model, msg.body, unit) if department else parse(model, msg.body)
                run = self._on_own_case(handler, unit) if department else handler
                result = await self.committer.submit(run, command, self.key(name, command, unit))
            except XinfangError as exc:
                return {"ok": False, "error": exc.to_dict()}
            except Exception as exc:
                if is_transient(exc):  # the database went away mid-command: nothing was saved; a retry is safe
                    log.warning("command %s.%s: store unavailable: %s", self.service, name, exc)
                    return {"ok": False, "error": store_unavailable().to_dict()}
                log.exception("command %s.%s failed", self.service, name)
                return {
                    "ok": False,
                    "error": {"code": "internal", "message": f"内部错误: {type(exc).__name__}"},
                }
            self.on_saved()
            return {"ok": True, "result": result}

        answer.__doc__ = description
        answer.__name__ = f"{self.service}_{name}" + ("_as_department" if department else "")
        self.router.subscriber(
            subject,
            queue=f"xf-{self.service}",
            # Commands are decided concurrently so that group commit can batch them; the rules run one at a
            # time on the store's thread, so concurrency here never lets two commands race on one case.
            max_workers=COMMANDS_IN_FLIGHT,
            decoder=undecoded,
            title=answer.__name__,
            description=description,
        )(answer)
