"""The CaseClocks aggregate (督办): statutory clocks of one case and the petitioner's rating."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.errors import DomainError


class NotClosedYet(DomainError):
    """办结后才能回访评价."""

    code = "not_closed_yet"


class AlreadyRated(DomainError):
    """一次回访: the case was already rated."""

    code = "already_rated"


class UnknownCase(DomainError):
    """督办没有这个案件的登记事件."""

    code = "unknown_case"


class CaseClocks(Aggregate):
    """Every clock of one case, started and stopped by the case's events alone; its id is the case id."""

    @event("Opened")
    def __init__(self, id: UUID, case_no: str, received_on: date):
        self.case_no = case_no
        self.received_on = received_on
        self.clocks: dict[str, dict[str, Any]] = {}
        self.closed_on: date | None = None
        self.rating: str | None = None

    def start(self, clock: str, starts_on: date, limit_days: int) -> None:
        """Start a clock once; a repeated start (redelivery) changes nothing."""
        if clock in self.clocks:
            return
        self._started(
            clock=clock,
            starts_on=starts_on,
            due_on=starts_on + timedelta(days=limit_days),
            limit_days=limit_days,
        )

    @event("DeadlineRecorded")
    def _started(self, clock: str, starts_on: date, due_on: date, limit_days: int) -> None:
        self.clocks[clock] = {"starts_on": starts_on, "due_on": due_on, "stopped_on": None}

    def stop(self, clock: str, on: date) -> None:
        running = self.clocks.get(clock)
        if running is None or running["stopped_on"] is not None:
            return
        self._stopped(clock=clock, stopped_on=on, due_on=running["due_on"], on_time=on <= running["due_on"])

    @event("ClockStopped")
    def _stopped(self, clock: str, stopped_on: date, due_on: date, on_time: bool) -> None:
        self.clocks[clock]["stopped_on"] = stopped_on

    def mark_closed(self, on: date) -> None:
        if self.closed_on is None:
            self._closed(closed_on=on)

    @event("CaseClosed")
    def _closed(self, closed_on: date) -> None:
        self.closed_on = closed_on

    def rate(self, rating: str, comment: str, on: date, actor: str) -> None:
        if self.closed_on is None:
            raise NotClosedYet(f"案件 {self.case_no} 尚未办结，不能回访评价")
        if self.rating is not None:
            raise AlreadyRated(f"案件 {self.case_no} 已评价为 {self.rating}")
        if on < self.closed_on:
            raise NotClosedYet(f"评价日期 {on} 早于办结日期 {self.closed_on}", "on")
        self._rated(rating=rating, comment=comment, rated_on=on, actor=actor)

    @event("Rated")
    def _rated(self, rating: str, comment: str, rated_on: date, actor: str) -> None:
        self.rating = rating
