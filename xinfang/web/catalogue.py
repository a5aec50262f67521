"""The staff actions the API offers: every command of the four services, who may send it and how.

Generated from the services' own command models (``services.runtime.wiring.commands_of``), so a new command is on
the API, documented, the day it is on the bus. The request body is the command without ``case_id`` (the path
names the case), ``actor`` (the signed-in person is the 经办人) and ``command_id`` (the Idempotency-Key header).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import Field, create_model

from services.assignment.application import AssignmentApplication
from services.intake.application import IntakeApplication
from services.mediation.application import MediationApplication
from services.runtime.commands import CaseCommand, Command, Payload
from services.runtime.wiring import commands_of
from services.supervision.application import SupervisionApplication
from xinfang.web.users import Role

APPLICATIONS: dict[str, type] = {
    "intake": IntakeApplication,
    "assignment": AssignmentApplication,
    "mediation": MediationApplication,
    "supervision": SupervisionApplication,
}
SERVICE_LABELS = {"intake": "受理", "assignment": "交办", "mediation": "办理", "supervision": "督办"}
BUREAU_ROLE = {
    "intake": Role.intake,
    "assignment": Role.assignment,
    "supervision": Role.supervision,
}  # mediation is the departments' own work
SET_BY_API = ("case_id", "actor", "received_by", "command_id")  # who acts is who signed in


@dataclass(frozen=True)
class Action:
    """One staff action: its command, its request body, and who may send it."""

    service: str
    name: str
    model: type[Command]
    body: type[Payload]

    @property
    def on_case(self) -> bool:
        return issubclass(self.model, CaseCommand)

    @property
    def for_departments(self) -> bool:
        return self.model.for_departments

    @property
    def roles(self) -> tuple[Role, ...]:
        bureau = (BUREAU_ROLE[self.service],) if self.service in BUREAU_ROLE else ()
        return (*bureau, Role.department) if self.for_departments else bureau

    @property
    def summary(self) -> str:
        return (self.model.__doc__ or self.name).strip().splitlines()[0]

    @property
    def path(self) -> str:
        return f"/api/cases/{{case}}/{self.service}/{self.name}" if self.on_case else f"/api/{self.service}/{self.name}"

    def allowed(self, role: Role) -> bool:
        return role in self.roles


def _body_model(service: str, model: type[Command]) -> type[Payload]:
    fields: dict[str, Any] = {
        name: (info.annotation, info) for name, info in model.model_fields.items() if name not in SET_BY_API
    }
    if model.for_departments and "department" in fields and fields["department"][1].is_required():
        info = fields["department"][1]
        described = f"{info.description or '单位'}; a department user's own unit when omitted"
        fields["department"] = (info.annotation | None, Field(None, description=described, title=info.title))
    body: type[Payload] = create_model(  # type: ignore[call-overload]
        f"{service.title()}{model.__name__}Body", __base__=Payload, __doc__=model.__doc__, **fields
    )
    return body


@cache
def actions() -> dict[tuple[str, str], Action]:
    """Every action, by (service, command)."""
    found = {}
    for service, app_class in APPLICATIONS.items():
        for name, (model, _) in sorted(commands_of(app_class).items()):
            found[(service, name)] = Action(service, name, model, _body_model(service, model))
    return found


def actions_for(role: Role, on_case: bool = True) -> list[Action]:
    """What a role may do (on a case, or not on a case), in the services' order."""
    return [a for a in actions().values() if a.allowed(role) and a.on_case == on_case]
