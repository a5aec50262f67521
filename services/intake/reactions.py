"""Intake's reactions: what happens to a matter's cases later decides whether a new petition is accepted."""

from __future__ import annotations

from uuid import UUID

from events import CaseEvent
from events.mediation import CaseClosed, ReplyIssued
from events.supervision import CaseFinalised, CaseSentBack, DeadlineRecorded
from events.vocabulary import Clock
from services.intake.domain import Petition
from services.intake.matter import Matter
from services.runtime.reactions import UnitOfWork


class MatterReactions:
    """Keeps each Matter's open cases, handling due dates, replies and finality; every reaction is idempotent."""

    def case_and_matter(self, event: CaseEvent, uow: UnitOfWork) -> tuple[Petition, Matter] | None:
        petition = uow.get(UUID(event.case_id), Petition)
        if petition is None:  # not a case intake registered
            return None
        matter = uow.get(petition.matter_id or Matter.create_id(petition.id), Matter)
        if matter is None:
            return None
        uow.add(matter)
        return petition, matter

    def on_deadline_recorded(self, recorded: DeadlineRecorded, uow: UnitOfWork) -> None:
        """Art 19 needs the handling limit of a case accepted below."""
        found = self.case_and_matter(recorded, uow) if recorded.clock == Clock.handling else None
        if found is not None:
            found[1].record_due(found[0].id, recorded.due_on, recorded.round)

    def on_reply_issued(self, replied: ReplyIssued, uow: UnitOfWork) -> None:
        found = self.case_and_matter(replied, uow)
        if found is not None:
            found[1].mark_replied(found[0].id, replied.round)

    def on_case_closed(self, closed: CaseClosed, uow: UnitOfWork) -> None:
        found = self.case_and_matter(closed, uow)
        if found is not None:
            found[1].mark_closed(found[0].id, closed.round)

    def on_case_sent_back(self, sent_back: CaseSentBack, uow: UnitOfWork) -> None:
        found = self.case_and_matter(sent_back, uow)
        if found is not None:
            petition, matter = found
            matter.reopen(petition.id, sent_back.round, petition.office)

    def on_case_finalised(self, finalised: CaseFinalised, uow: UnitOfWork) -> None:
        """Art 36: after finalisation the same facts and reasons are not accepted again."""
        found = self.case_and_matter(finalised, uow)
        if found is not None:
            found[1].finalise(found[0].id, finalised.finalised_on)
