"""Supervision's reactions to the case events of intake, assignment and mediation (idempotent)."""

from __future__ import annotations

from uuid import UUID

from events import CaseEvent
from events.assignment import CaseAssigned, CaseReassigned, OwningLeaderNamed, ReviewAssigned
from events.intake import PetitionMerged, PetitionRegistered
from events.mediation import CaseClosed, ReplyIssued
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication
from services.supervision.deadlines import Terms
from services.supervision.domain import Supervision, UnknownCase
from services.supervision.facts import fact_of

FIRST_ROUND = 1


class Reactions(ServiceApplication):
    terms: Terms

    def case_of(self, event: CaseEvent, uow: UnitOfWork, case_id: str | None = None) -> Supervision:
        case = uow.get(UUID(case_id or event.case_id), Supervision)
        if case is None:
            raise UnknownCase(f"案件 {case_id or event.case_id} 没有登记事件")
        uow.add(case)
        return case

    def on_registered(self, registered: PetitionRegistered, uow: UnitOfWork) -> None:
        """Art 22, 23: acceptance is decided and told within 15 days of receipt."""
        case = uow.get(UUID(registered.case_id), Supervision)
        if case is None:
            case = Supervision(
                id=UUID(registered.case_id), case_no=registered.case_no, received_on=registered.received_on
            )
            uow.add(case)
        case.observe(fact_of(registered), self.terms)

    def on_clock_event(self, event: CaseEvent, uow: UnitOfWork) -> None:
        """Events that only move clocks: materials, acceptance, acknowledgement, objection, extension."""
        self.case_of(event, uow).observe(fact_of(event), self.terms)

    def on_merged(self, merged: PetitionMerged, uow: UnitOfWork) -> None:
        """重复信访: linked to the open case; rateable once that case closes, with its own rating."""
        case = self.case_of(merged, uow)
        case.note_merged_into(merged.merged_into)
        case.observe(fact_of(merged), self.terms)
        master = uow.get(UUID(merged.merged_into), Supervision)
        if master is None:  # a case registered elsewhere: nothing to link here
            return
        uow.add(master)
        master.link_merged(merged.case_id)
        if FIRST_ROUND in master.closures:
            case.note_closed(FIRST_ROUND, master.closures[FIRST_ROUND])

    def on_assigned(self, assigned: CaseAssigned | CaseReassigned, uow: UnitOfWork) -> None:
        case = self.case_of(assigned, uow)
        case.note_responsible(assigned.department, assigned.owning_leader)
        case.observe(fact_of(assigned), self.terms)

    def on_owning_leader_named(self, named: OwningLeaderNamed, uow: UnitOfWork) -> None:
        self.case_of(named, uow).note_responsible(owning_leader=named.owning_leader)

    def on_reply_issued(self, replied: ReplyIssued, uow: UnitOfWork) -> None:
        case = self.case_of(replied, uow)
        case.note_reply(replied.round, replied.replied_on)
        case.observe(fact_of(replied), self.terms)

    def on_case_closed(self, closed: CaseClosed, uow: UnitOfWork) -> None:
        case = self.case_of(closed, uow)
        case.note_closed(closed.round, closed.closed_on)
        if closed.round == FIRST_ROUND:
            for merged_id in case.merged_cases:
                self.case_of(closed, uow, merged_id).note_closed(FIRST_ROUND, closed.closed_on)

    def on_review_assigned(self, assigned: ReviewAssigned, uow: UnitOfWork) -> None:
        self.case_of(assigned, uow).note_review_assigned(assigned.stage, assigned.body)
