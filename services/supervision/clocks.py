"""法定时限 on the Supervision aggregate: clocks moved by the case's facts, warnings and overdue marks."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import event

from events.vocabulary import Clock
from services.runtime.effective import CaseAggregate
from services.runtime.errors import DomainError
from services.supervision.alarms import MISSED, pending_alarm
from services.supervision.deadlines import Book, ClockState, Key, Terms
from services.supervision.facts import Fact


class CaseAlreadyFinalised(DomainError):
    """信访事项已终结，不再办理同一事实和理由 (Art 36)."""

    code = "case_already_finalised"


class ClockKeeping(CaseAggregate):
    """The case's clocks, the public events that moved them, and the alarms already emitted."""

    if TYPE_CHECKING:
        case_no: str
        clocks: dict[Key, ClockState]
        sources: set[str]
        alarms: dict[Key, list[tuple[int, date]]]
        department: str
        owning_leader: str
        reviews: dict[str, dict[str, Any]]
        finalised_on: date | None

    def check_not_finalised(self) -> None:
        if self.finalised_on is not None:
            raise CaseAlreadyFinalised(f"案件 {self.case_no} 已于 {self.finalised_on} 终结")

    def observe(self, fact: Fact | None, terms: Terms) -> None:
        """Move the clocks as a fact says; a republished event (same source) changes nothing."""
        if fact is None or (fact.source and fact.source in self.sources):
            return
        for change in Book(self.clocks, terms.limits, terms.calendar).step(fact):
            clock, round_ = change.key
            self._clock_changed(
                clock=clock, round=round_, change=change.reason, on=change.on, source=fact.source,
                state=asdict(change.state),
            )  # fmt: skip

    @event("ClockChanged")
    def _clock_changed(self, clock: str, round: int, change: str, on: date, source: str, state: dict[str, Any]) -> None:
        self.clocks[(Clock(clock), round)] = ClockState(**state)
        if source:
            self.sources.add(source)
        self.seen(on)

    def responsible(self, clock: Clock) -> str:
        """Who a warning goes to: the reviewing body for a review clock, else the lead department."""
        if clock in (Clock.review, Clock.re_review):
            return str(self.reviews.get(clock, {}).get("body") or "")
        return self.department

    def sweep(self, as_of: date, offsets: tuple[int, ...]) -> int:
        """Emit the warning or overdue mark each running duty clock has reached as of a date, each once."""
        emitted = 0
        for (clock, round_), state in sorted(self.clocks.items()):
            stage = pending_alarm((clock, round_), state, as_of, offsets, self.alarms.get((clock, round_), []))
            if stage is None:
                continue
            who = {"department": self.responsible(clock), "owning_leader": self.owning_leader}
            if stage == MISSED:
                self._missed(clock=clock, round=round_, due_on=state.due_on, marked_on=as_of, **who)
            else:
                days_left = (state.due_on - as_of).days
                self._warned(
                    clock=clock, round=round_, due_on=state.due_on, days_left=days_left, warned_on=as_of,
                    stage=stage, **who,
                )  # fmt: skip
            emitted += 1
        return emitted

    # Alarms are the system's, not a staff action: they do not move the case's effective date (no seen()).
    @event("WarningIssued")
    def _warned(
        self, clock: str, round: int, due_on: date, days_left: int, warned_on: date, stage: int, department: str,
        owning_leader: str,
    ) -> None:  # fmt: skip
        self.alarms.setdefault((Clock(clock), round), []).append((stage, due_on))

    @event("DeadlineMissed")
    def _missed(
        self, clock: str, round: int, due_on: date, marked_on: date, department: str, owning_leader: str
    ) -> None:
        self.alarms.setdefault((Clock(clock), round), []).append((MISSED, due_on))


# The stored event classes eventsourcing declared from the @event methods above, for readers of the log.
ClockChanged: type[Any] = ClockKeeping.ClockChanged  # type: ignore[attr-defined]
WarningIssued: type[Any] = ClockKeeping.WarningIssued  # type: ignore[attr-defined]
DeadlineMissed: type[Any] = ClockKeeping.DeadlineMissed  # type: ignore[attr-defined]
