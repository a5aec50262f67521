"""Assignment's staff commands (xf.cmd.assignment.*)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from services.assignment.application import AssignmentApplication
    from services.runtime.commands import CommandRoutes


class AcknowledgeCase(BaseModel):
    """签收: the lead department takes the case and names its handler."""

    case_id: UUID
    department: str = Field(min_length=1, description="签收单位 code; must be the lead department")
    handler: str = Field("", max_length=100, description="直接承办人")
    on: date | None = Field(None, description="签收日期; default today")
    actor: str = Field("", max_length=100)


def register_commands(app: AssignmentApplication, routes: CommandRoutes) -> None:
    routes.add("acknowledge", AcknowledgeCase, app.acknowledge, "签收: the lead department acknowledges the case")
