"""The Handling aggregate (办理): the department's work on a case, its reply and its closure."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.errors import DomainError


class AlreadyReplied(DomainError):
    """已出具处理意见书."""

    code = "already_replied"


class NoReplyYet(DomainError):
    """件件有回音: a case cannot be closed before the petitioner has a reply."""

    code = "no_reply_yet"


class AlreadyClosed(DomainError):
    """案件已办结."""

    code = "already_closed"


class DateBeforeHandling(DomainError):
    """日期不能早于签收或答复日期."""

    code = "date_out_of_order"


class Handling(Aggregate):
    """The lead department's handling of one case; its id is the case id."""

    @event("Opened")
    def __init__(self, id: UUID, case_no: str, department: str, handler: str, opened_on: date):
        self.case_no = case_no
        self.department = department
        self.handler = handler
        self.opened_on = opened_on
        self.replied_on: date | None = None
        self.closed_on: date | None = None

    def reply(self, opinion: str, text: str, on: date, actor: str) -> None:
        if self.replied_on is not None:
            raise AlreadyReplied(f"案件 {self.case_no} 已于 {self.replied_on} 答复")
        if on < self.opened_on:
            raise DateBeforeHandling(f"答复日期 {on} 早于签收日期 {self.opened_on}", "on")
        self._replied(
            opinion=opinion,
            text=text,
            replied_on=on,
            actor=actor,
            case_no=self.case_no,
            department=self.department,
        )

    @event("Replied")
    def _replied(self, opinion: str, text: str, replied_on: date, actor: str, case_no: str, department: str) -> None:
        self.replied_on = replied_on
        self.opinion = opinion

    def close(self, report: str, on: date, actor: str) -> None:
        if self.closed_on is not None:
            raise AlreadyClosed(f"案件 {self.case_no} 已于 {self.closed_on} 办结")
        if self.replied_on is None:
            raise NoReplyYet(f"案件 {self.case_no} 尚未出具处理意见书，不能办结")
        if on < self.replied_on:
            raise DateBeforeHandling(f"办结日期 {on} 早于答复日期 {self.replied_on}", "on")
        self._closed(report=report, closed_on=on, actor=actor, case_no=self.case_no, department=self.department)

    @event("Closed")
    def _closed(self, report: str, closed_on: date, actor: str, case_no: str, department: str) -> None:
        self.closed_on = closed_on
