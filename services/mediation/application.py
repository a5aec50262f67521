"""Mediation (办理): opens handling when a case is acknowledged, records the reply and the closure."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events import CaseAcknowledged
from services.mediation.commands import CloseCase, IssueReply
from services.mediation.domain import Handling
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class MediationApplication(ServiceApplication):
    name = "mediation"

    def on_case_acknowledged(self, acknowledged: CaseAcknowledged, uow: UnitOfWork) -> None:
        case_id = UUID(acknowledged.case_id)
        if uow.get(case_id, Handling) is not None:
            return
        uow.add(
            Handling(
                id=case_id,
                case_no=acknowledged.case_no,
                department=acknowledged.department,
                handler=acknowledged.handler,
                opened_on=acknowledged.acknowledged_on,
            )
        )

    def reply(self, cmd: IssueReply) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.reply(cmd.opinion, cmd.text, cmd.on or date.today(), cmd.actor)
        self.commit(handling)
        return self.summary(handling)

    def close_case(self, cmd: CloseCase) -> dict[str, Any]:
        handling = self.load(cmd.case_id, Handling)
        handling.close(cmd.report, cmd.on or date.today(), cmd.actor)
        self.commit(handling)
        return self.summary(handling)

    def summary(self, handling: Handling) -> dict[str, Any]:
        return {"case_id": str(handling.id), "case_no": handling.case_no, "department": handling.department}
