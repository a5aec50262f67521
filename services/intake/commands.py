"""Intake's staff commands: payload models and their NATS subjects (xf.cmd.intake.*)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING
from uuid import UUID

from pydantic import BaseModel, Field

from events.vocabulary import Channel, Kind, NotAcceptedReason

if TYPE_CHECKING:
    from services.intake.application import IntakeApplication
    from services.runtime.commands import CommandRoutes


class Petitioner(BaseModel):
    """信访人; personal data stays in intake's encrypted store and never goes on the bus."""

    name: str = Field(min_length=1, max_length=100, description="姓名或单位名称")
    phone: str = Field("", max_length=40, description="联系电话")
    id_number: str = Field("", max_length=40, description="身份证号码")
    address: str = Field("", max_length=300, description="住址")


class RegisterPetition(BaseModel):
    """登记信访事项."""

    channel: Channel = Field(description="信访渠道")
    received_on: date | None = Field(None, description="来信/来访日期; default today; earlier allowed (补录)")
    received_by: str = Field(min_length=1, max_length=100, description="接访人/登记人")
    kind: Kind = Field(Kind.claim, description="信访事项类别")
    category: str = Field(min_length=1, description="问题分类 code")
    locality: str = Field(min_length=1, description="问题属地 unit code")
    petitioners: list[Petitioner] = Field(min_length=1, description="信访人")
    request: str = Field(min_length=1, max_length=5000, description="信访请求")
    facts: str = Field("", max_length=20000, description="事实和理由")
    collective: bool = Field(False, description="集体访 (also set when 5 or more petitioners)")
    repeat: bool = Field(False, description="重复信访")


class AcceptPetition(BaseModel):
    """受理."""

    case_id: UUID
    on: date | None = Field(None, description="受理日期; default today")
    major: bool = Field(False, description="标记为重大案件 (领导包案)")
    actor: str = Field("", max_length=100, description="经办人")


class DeclinePetition(BaseModel):
    """不予受理, with the reason told to the petitioner."""

    case_id: UUID
    reason: NotAcceptedReason
    explanation: str = Field("", max_length=5000)
    on: date | None = None
    actor: str = Field("", max_length=100)


def register_commands(app: IntakeApplication, routes: CommandRoutes) -> None:
    routes.add("register", RegisterPetition, app.register, "登记信访事项: returns case id, number and query code")
    routes.add("accept", AcceptPetition, app.accept, "受理信访事项")
    routes.add("decline", DeclinePetition, app.decline, "不予受理, with the reason")
