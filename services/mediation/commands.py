"""Mediation's staff commands (xf.cmd.mediation.*)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

from events.vocabulary import Opinion

if TYPE_CHECKING:
    from services.mediation.application import MediationApplication
    from services.runtime.commands import CommandRoutes


class IssueReply(BaseModel):
    """出具信访处理意见书 (Art 32)."""

    case_id: UUID
    opinion: Opinion = Field(description="支持 / 解释说明 / 不予支持")
    text: str = Field(min_length=1, max_length=20000, description="处理意见书正文")
    on: date | None = Field(None, description="答复日期; default today")
    actor: str = Field("", max_length=100)


class CloseCase(BaseModel):
    """办结, with the closing report."""

    case_id: UUID
    report: str = Field("", max_length=20000, description="办结报告")
    on: date | None = Field(None, description="办结日期; default today")
    actor: str = Field("", max_length=100)


def register_commands(app: MediationApplication, routes: CommandRoutes) -> None:
    routes.add("reply", IssueReply, app.reply, "出具信访处理意见书")
    routes.add("close", CloseCase, app.close_case, "办结")
