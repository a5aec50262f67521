"""The Supervision aggregate (督办) of one case: its clocks, rating, review chain, orders and bulletins.

The rules live in domain-named modules (clocks, rating, review, orders); this module assembles them.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from services.runtime.errors import DomainError
from services.supervision.clocks import CaseAlreadyFinalised
from services.supervision.orders import (
    AnswerDueBeforeIssue,
    CaseNotOpen,
    NotOrderAddressee,
    OrderAlreadyAnswered,
    Orders,
    UnknownOrder,
)
from services.supervision.rating import AlreadyRated, NotClosedYet
from services.supervision.review import (
    HearingPeriodInvalid,
    NoReplyYet,
    NoReviewOpinion,
    NotReviewBody,
    OpinionAlreadyIssued,
    RehandlingInProgress,
    ReviewAlreadyRequested,
    ReviewNotAssigned,
    ReviewNotOpen,
    ReviewWindowClosed,
)


class UnknownCase(DomainError):
    """督办没有这个案件的登记事件."""

    code = "unknown_case"


class Supervision(Orders):
    """督办 of one case, from its registration to finalisation; its id is the case id."""

    @event("Opened")
    def __init__(self, id: UUID, case_no: str, received_on: date):
        self.case_no = case_no
        self.received_on = received_on
        self.clocks = {}
        self.sources = set()
        self.alarms = {}
        self.department = ""
        self.owning_leader = ""
        self.round = 1
        self.replies = {}
        self.closures = {}
        self.ratings = {}
        self.merged_into = ""
        self.merged_cases = []
        self.reviews = {}
        self.finalised_on = None
        self.orders = {}
        self.bulletins = set()
        self.seen(received_on)

    def note_responsible(self, department: str | None = None, owning_leader: str | None = None) -> None:
        """谁交办、谁督办: the current lead department and owning leader, told by assignment."""
        department = department or self.department
        owning_leader = owning_leader or self.owning_leader
        if (department, owning_leader) != (self.department, self.owning_leader):
            self._responsible_noted(department=department, owning_leader=owning_leader)

    @event("ResponsibleNoted")
    def _responsible_noted(self, department: str, owning_leader: str) -> None:
        self.department = department
        self.owning_leader = owning_leader


__all__ = [
    "AlreadyRated",
    "AnswerDueBeforeIssue",
    "CaseAlreadyFinalised",
    "CaseNotOpen",
    "HearingPeriodInvalid",
    "NoReplyYet",
    "NoReviewOpinion",
    "NotClosedYet",
    "NotOrderAddressee",
    "NotReviewBody",
    "OpinionAlreadyIssued",
    "OrderAlreadyAnswered",
    "RehandlingInProgress",
    "ReviewAlreadyRequested",
    "ReviewNotAssigned",
    "ReviewNotOpen",
    "ReviewWindowClosed",
    "Supervision",
    "UnknownCase",
    "UnknownOrder",
]
