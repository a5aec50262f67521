"""Supervision (督办): keeps every case's clocks from the case events, and takes the petitioner's rating."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from events import (
    CaseClosed,
    CaseEvent,
    PetitionAccepted,
    PetitionNotAccepted,
    PetitionRegistered,
    ReplyIssued,
)
from events.vocabulary import Clock
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication
from services.supervision.commands import RateSatisfaction
from services.supervision.domain import CaseClocks, UnknownCase


class SupervisionApplication(ServiceApplication):
    name = "supervision"

    def __init__(self, env: dict[str, str], acceptance_days: int = 15, handling_days: int = 60):
        super().__init__(env=env)
        self.limits = {Clock.acceptance: acceptance_days, Clock.handling: handling_days}

    def clocks_of(self, event: CaseEvent, uow: UnitOfWork) -> CaseClocks:
        clocks = uow.get(UUID(event.case_id), CaseClocks)
        if clocks is None:
            raise UnknownCase(f"案件 {event.case_id} 没有登记事件")
        uow.add(clocks)
        return clocks

    def on_registered(self, registered: PetitionRegistered, uow: UnitOfWork) -> None:
        """Art 22, 23: acceptance is decided within 15 days of receipt."""
        clocks = uow.get(UUID(registered.case_id), CaseClocks)
        if clocks is None:
            clocks = CaseClocks(
                id=UUID(registered.case_id), case_no=registered.case_no, received_on=registered.received_on
            )
            uow.add(clocks)
        clocks.start(Clock.acceptance, registered.received_on, self.limits[Clock.acceptance])

    def on_accepted(self, accepted: PetitionAccepted, uow: UnitOfWork) -> None:
        """Art 34: handled and answered within 60 days of acceptance."""
        clocks = self.clocks_of(accepted, uow)
        clocks.stop(Clock.acceptance, accepted.accepted_on)
        clocks.start(Clock.handling, accepted.accepted_on, self.limits[Clock.handling])

    def on_not_accepted(self, declined: PetitionNotAccepted, uow: UnitOfWork) -> None:
        self.clocks_of(declined, uow).stop(Clock.acceptance, declined.decided_on)

    def on_reply_issued(self, replied: ReplyIssued, uow: UnitOfWork) -> None:
        self.clocks_of(replied, uow).stop(Clock.handling, replied.replied_on)

    def on_case_closed(self, closed: CaseClosed, uow: UnitOfWork) -> None:
        self.clocks_of(closed, uow).mark_closed(closed.closed_on)

    def rate(self, cmd: RateSatisfaction) -> dict[str, Any]:
        clocks = self.load(cmd.case_id, CaseClocks)
        clocks.rate(cmd.rating, cmd.comment, cmd.on or date.today(), cmd.actor)
        self.commit(clocks)
        return {"case_id": str(clocks.id), "case_no": clocks.case_no, "rating": clocks.rating}
