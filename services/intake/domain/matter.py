"""The Matter aggregate (同一事项): one petitioner's cases about one matter, which are open, and finality."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import takewhile
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.intake.domain.errors import (
    AcceptedBelow,
    DuplicateOfOpenCase,
    FinalisedMatter,
    NotAcceptedBelow,
    NotFinalised,
    NotSameMatter,
    TargetNotOpen,
)
from services.intake.domain.offices import Offices
from services.runtime.aggregate import ServiceAggregate
from services.runtime.stored import stored_events

MATTERS = UUID("3d8f0f6e-2b7c-4d3e-9a51-6c0b7e1f2a44")


class MatterIndex(ServiceAggregate):
    """Finds a matter by (petitioner key, category, locality); its id is derived from that key (uuid5)."""

    @event("Indexed")
    def __init__(self, key: str, matter_id: UUID):
        self.key = key
        self.matter_id = matter_id

    @staticmethod
    def create_id(key: str) -> UUID:
        return uuid5(MATTERS, f"/matter-index/{key}")

    @staticmethod
    def key_for(petitioner: str, category: str, locality: str) -> str:
        return f"{petitioner}/{category}/{locality}"


@dataclass
class OpenCase:
    """A case of the matter that is accepted and not closed: where it was accepted, its limit, whether answered."""

    office: str
    due_on: date | None = None
    replied: bool = False

    def within_limit(self, on: date) -> bool:
        """Still being handled below within its time limit (Art 19)."""
        return not self.replied and (self.due_on is None or on <= self.due_on)


class Matter(ServiceAggregate):
    """同一信访人同一事项: its cases in order, the open ones (accepted, not closed) and whether it was finalised."""

    @event("Started")
    def __init__(self, root_case: UUID):
        self.root_case = root_case
        self.cases: dict[UUID, str] = {}  # case id → 信访件编号, in registration order
        self.accepted: list[UUID] = []
        self.open: dict[UUID, OpenCase] = {}
        self.rounds: dict[UUID, int] = {}
        self.final_case: UUID | None = None
        self.finalised_on: date | None = None

    @staticmethod
    def create_id(root_case: UUID) -> UUID:
        return uuid5(MATTERS, f"/matter/{root_case}")

    @property
    def finalised(self) -> bool:
        return self.final_case is not None

    def has_earlier_case(self) -> bool:
        return bool(self.cases)

    def first_case(self, besides: UUID) -> UUID | None:
        """首办: the matter's first accepted case, else its first case registered before ``besides``."""
        if self.accepted and self.accepted[0] != besides:
            return self.accepted[0]
        earlier = list(takewhile(lambda case: case != besides, self.cases))
        return earlier[0] if earlier else None

    @event("CaseAdded")
    def add_case(self, case_id: UUID, case_no: str) -> None:
        self.cases[case_id] = case_no

    def open_below(self, office: str, on: date, offices: Offices) -> UUID | None:
        """An open case accepted by an office below ``office`` and still within its time limit (Art 19)."""
        for case, state in self.open.items():
            if offices.is_below(state.office, office) and state.within_limit(on):
                return case
        return None

    def check_acceptable(self, case_no: str, office: str, on: date, new_facts: bool, offices: Offices) -> None:
        if self.finalised and not new_facts:
            raise FinalisedMatter(
                f"案件 {case_no} 所涉事项已于 {self.finalised_on} 终结 (前案 {self.case_no(self.final_case)})，"
                "同一事实和理由不再受理；如有新的事实和理由请注明"
            )
        below = self.open_below(office, on, offices)
        if below is not None:
            raise AcceptedBelow(f"案件 {case_no} 所涉事项已由下级受理 (案件 {self.case_no(below)}) 且在办理期限内")
        if self.open:
            other = self.case_no(next(iter(self.open)))
            raise DuplicateOfOpenCase(f"案件 {case_no} 与在办案件 {other} 为同一信访人同一事项，请合并", "case_id")

    def check_finalised(self, case_no: str) -> UUID:
        if self.final_case is None:
            raise NotFinalised(f"案件 {case_no} 所涉事项尚未终结，不能以已终结为由不予受理", "reason")
        return self.final_case

    def check_open_below(self, case_no: str, office: str, on: date, offices: Offices) -> UUID:
        below = self.open_below(office, on, offices)
        if below is None:
            raise NotAcceptedBelow(f"案件 {case_no} 所涉事项没有下级在期限内办理的案件", "reason")
        return below

    def check_merge_target(self, case_no: str, target: UUID, related_case: UUID | None) -> None:
        if target not in self.cases and target != related_case:
            raise NotSameMatter(f"案件 {case_no} 与目标案件 {target} 不是同一信访人同一事项", "into")
        if target not in self.open:
            raise TargetNotOpen(f"目标案件 {self.case_no(target)} 不在办理中 (未受理或已办结)", "into")

    def case_no(self, case: UUID | None) -> str:
        return self.cases.get(case, str(case)) if case is not None else ""

    @event("CaseOpened")
    def open_case(self, case_id: UUID, office: str) -> None:
        self.accepted.append(case_id)
        self.open[case_id] = OpenCase(office)
        self.rounds[case_id] = 1

    def record_due(self, case: UUID, due_on: date, round: int) -> None:
        """A handling deadline for an open case; within a round it only moves later (extensions)."""
        state = self.open.get(case)
        if state is None or round < self.rounds[case] or (state.due_on is not None and due_on <= state.due_on):
            return
        self._due_recorded(case_id=case, due_on=due_on)

    @event("HandlingDueRecorded")
    def _due_recorded(self, case_id: UUID, due_on: date) -> None:
        self.open[case_id].due_on = due_on

    def mark_replied(self, case: UUID, round: int) -> None:
        state = self.open.get(case)
        if state is not None and not state.replied and round >= self.rounds[case]:
            self._replied(case_id=case)

    @event("Replied")
    def _replied(self, case_id: UUID) -> None:
        self.open[case_id].replied = True

    def mark_closed(self, case: UUID, round: int) -> None:
        if case in self.open and round >= self.rounds[case]:
            self._closed(case_id=case)

    @event("Closed")
    def _closed(self, case_id: UUID) -> None:
        del self.open[case_id]

    def reopen(self, case: UUID, round: int, office: str) -> None:
        """不满意退回重办: the case is open again, in a new round, not yet replied."""
        if case in self.rounds and round > self.rounds[case]:
            self._reopened(case_id=case, round=round, office=office)

    @event("Reopened")
    def _reopened(self, case_id: UUID, round: int, office: str) -> None:
        self.open[case_id] = OpenCase(office)
        self.rounds[case_id] = round

    def finalise(self, case: UUID, on: date) -> None:
        if self.final_case != case:
            self._finalised(case_id=case, finalised_on=on)

    @event("Finalised")
    def _finalised(self, case_id: UUID, finalised_on: date) -> None:
        self.final_case = case_id
        self.finalised_on = finalised_on
        self.open.pop(case_id, None)


# Matters stay inside intake: none of their events goes on the bus.
stored_events(MatterIndex, "intake", "MatterIndex", {"Indexed": None})
stored_events(
    Matter,
    "intake",
    "Matter",
    {
        "Started": None,
        "CaseAdded": None,
        "CaseOpened": None,
        "HandlingDueRecorded": None,
        "Replied": None,
        "Closed": None,
        "Reopened": None,
        "Finalised": None,
    },
)
