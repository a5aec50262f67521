"""回访评价 on the Supervision aggregate: closure per round, the petitioner's rating, re-handling, merged cases."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import event

from events.vocabulary import Rating
from services.runtime.errors import DomainError
from services.supervision.clocks import ClockKeeping
from services.supervision.deadlines import Terms
from services.supervision.facts import Fact

FIRST_ROUND = 1


class NotClosedYet(DomainError):
    """办结后才能回访评价: the round being rated is not closed yet."""

    code = "not_closed_yet"


class AlreadyRated(DomainError):
    """一次回访: each round of handling is rated once."""

    code = "already_rated"


class ReturnVisit(ClockKeeping):
    """Each round's reply and closure, and the petitioner's rating of it; unsatisfied sends round 1 back."""

    if TYPE_CHECKING:
        round: int
        replies: dict[int, date]
        closures: dict[int, date]
        ratings: dict[int, str]
        merged_into: str
        merged_cases: list[str]

    def note_reply(self, round_: int, replied_on: date) -> None:
        if replied_on != self.replies.get(round_):
            self._reply_noted(round=round_, replied_on=replied_on)

    @event("ReplyNoted")
    def _reply_noted(self, round: int, replied_on: date) -> None:
        self.replies[round] = replied_on
        self.seen(replied_on)

    def note_closed(self, round_: int, closed_on: date) -> None:
        if round_ not in self.closures:
            self._closed(round=round_, closed_on=closed_on)

    @event("ClosureNoted")
    def _closed(self, round: int, closed_on: date) -> None:
        self.closures[round] = closed_on
        self.seen(closed_on)

    def note_merged_into(self, master_id: str) -> None:
        """重复信访: this petition is linked to an open case and is rated when that case closes."""
        if not self.merged_into:
            self._merged_into(master_id=master_id)

    @event("MergedInto")
    def _merged_into(self, master_id: str) -> None:
        self.merged_into = master_id

    def link_merged(self, case_id: str) -> None:
        if case_id not in self.merged_cases:
            self._merged_case_linked(case_id=case_id)

    @event("MergedCaseLinked")
    def _merged_case_linked(self, case_id: str) -> None:
        self.merged_cases.append(case_id)

    def check_rateable(self) -> None:
        if self.round not in self.closures:
            raise NotClosedYet(f"案件 {self.case_no} 第 {self.round} 轮尚未办结，不能回访评价")
        if self.round in self.ratings:
            raise AlreadyRated(f"案件 {self.case_no} 第 {self.round} 轮已评价为 {self.ratings[self.round]}")

    def rate(self, rating: Rating, comment: str, on: date, actor: str, terms: Terms) -> None:
        """不满意 in round 1 sends the case back for re-handling (a new round); later rounds do not."""
        self.check_on(on)
        self.check_not_finalised()
        self.check_rateable()
        self._rated(rating=rating, comment=comment, rated_on=on, round=self.round, actor=actor)
        if rating == Rating.unsatisfied and self.round == FIRST_ROUND and not self.merged_into:
            reason = comment or "信访人不满意，退回重办"
            self._sent_back(round=FIRST_ROUND + 1, reason=reason, sent_back_on=on, actor=actor)
            self.observe(Fact("case_sent_back", on, round=FIRST_ROUND + 1), terms)

    @event("Rated")
    def _rated(self, rating: str, comment: str, rated_on: date, round: int, actor: str) -> None:
        self.ratings[round] = rating
        self.seen(rated_on)

    @event("CaseSentBack")
    def _sent_back(self, round: int, reason: str, sent_back_on: date, actor: str) -> None:
        self.round = round
        self.seen(sent_back_on)


Rated: type[Any] = ReturnVisit.Rated  # type: ignore[attr-defined]
