"""Effective dates (生效日期) of staff actions: late entry allowed, never in the future, never out of order."""

from __future__ import annotations

from datetime import date

from services.runtime.aggregate import ServiceAggregate
from services.runtime.errors import DomainError, InvalidInput


def not_in_future(on: date | None, today: date, field: str = "on") -> date | None:
    """A date a command names, refused when it lies after today (nothing is recorded ahead of time)."""
    if on is not None and on > today:
        raise InvalidInput(f"日期 {on} 晚于今天 {today}，不能预先登记 (a date cannot be in the future)", field)
    return on


def effective(on: date | None, today: date, field: str = "on") -> date:
    """An action's effective date: the one given (never in the future), else today."""
    return not_in_future(on, today, field) or today


class BeforePreviousEvent(DomainError):
    """生效日期不能早于本案上一事件的日期: late entry keeps the case's order."""

    code = "before_previous_event"


class CaseAggregate(ServiceAggregate):
    """An aggregate of one case that remembers the date of its latest event, so actions stay in order."""

    @property
    def last_on(self) -> date | None:
        """The latest effective date among this aggregate's events (not a class annotation: eventsourcing
        would take an annotated attribute for a constructor argument)."""
        last: date | None = self.__dict__.get("_last_on")
        return last

    def seen(self, on: date | None) -> None:
        """Record an event's effective date (call from every event method that carries one)."""
        if on is not None and (self.last_on is None or on > self.last_on):
            self.__dict__["_last_on"] = on

    def check_on(self, on: date, field: str = "on") -> None:
        """Refuse an effective date earlier than the case's previous event."""
        if self.last_on is not None and on < self.last_on:
            raise BeforePreviousEvent(f"生效日期 {on} 早于本案上一事件的日期 {self.last_on}", field)
