"""Supervision's commands (xf.cmd.supervision.*)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

from events.vocabulary import Rating

if TYPE_CHECKING:
    from services.runtime.commands import CommandRoutes
    from services.supervision.application import SupervisionApplication


class RateSatisfaction(BaseModel):
    """回访评价: the petitioner's rating after closure."""

    case_id: UUID
    rating: Rating = Field(description="满意 / 基本满意 / 不满意")
    comment: str = Field("", max_length=5000)
    on: date | None = Field(None, description="评价日期; default today")
    actor: str = Field("", max_length=100)


def register_commands(app: SupervisionApplication, routes: CommandRoutes) -> None:
    routes.add("rate", RateSatisfaction, app.rate, "回访评价 after closure")
