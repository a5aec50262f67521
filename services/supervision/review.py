"""复查 / 复核 on the Supervision aggregate: requests, the reviewing body, hearing days, opinions, finalisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import event

from events.vocabulary import Clock, ReviewOutcome, Stage, label
from services.runtime.errors import DomainError
from services.supervision.deadlines import Terms
from services.supervision.facts import Fact, inclusive_days
from services.supervision.rating import ReturnVisit


class NoReplyYet(DomainError):
    """复查须针对处理意见: there is no reply to review yet (Art 35)."""

    code = "no_reply_yet"


class NoReviewOpinion(DomainError):
    """复核须针对复查意见: there is no review opinion yet (Art 36)."""

    code = "no_review_opinion"


class RehandlingInProgress(DomainError):
    """重新办理中: the re-handling round has no reply yet, so there is nothing to review (Art 35)."""

    code = "rehandling_in_progress"


class ReviewWindowClosed(DomainError):
    """复查/复核应在收到意见之日起30日内提出 (Art 35, 36)."""

    code = "review_window_closed"


class ReviewAlreadyRequested(DomainError):
    """复查、复核各一次 (Art 35, 36)."""

    code = "review_already_requested"


class ReviewNotAssigned(DomainError):
    """复查/复核尚未交办给复查/复核机关."""

    code = "review_not_assigned"


class NotReviewBody(DomainError):
    """复查/复核意见须由交办的复查/复核机关出具 (Art 35, 36)."""

    code = "not_review_body"


class OpinionAlreadyIssued(DomainError):
    """复查/复核意见已出具."""

    code = "opinion_already_issued"


class ReviewNotOpen(DomainError):
    """听证期间只能在复查/复核进行中扣除 (Art 36)."""

    code = "review_not_open"


class HearingPeriodInvalid(DomainError):
    """听证期间须在申请之后、登记之前，且起止有序 (Art 36)."""

    code = "hearing_period_invalid"


class ReviewChain(ReturnVisit):
    """Review then re-review, each once, each handled by the body assignment named; the re-review finalises."""

    def window_due(self, stage: Stage) -> date | None:
        if stage == Stage.review:
            rounds = [r for c, r in self.clocks if c == Clock.review_request]
            state = self.clocks.get((Clock.review_request, max(rounds))) if rounds else None
        else:
            state = self.clocks.get((Clock.re_review_request, 1))
        return state.due_on if state else None

    def check_requestable(self, stage: Stage, on: date) -> None:
        if stage == Stage.review and not self.replies:
            raise NoReplyYet(f"案件 {self.case_no} 尚未出具处理意见书，不能申请复查")
        if stage == Stage.review and self.round not in self.replies:
            raise RehandlingInProgress(f"案件 {self.case_no} 第 {self.round} 轮重新办理中，尚无处理意见")
        if stage == Stage.re_review and not self.reviews.get(Stage.review, {}).get("opinion_on"):
            raise NoReviewOpinion(f"案件 {self.case_no} 尚无复查意见，不能申请复核")
        if stage in self.reviews:
            raise ReviewAlreadyRequested(f"案件 {self.case_no} 已于 {self.reviews[stage]['requested_on']} 申请过")
        due = self.window_due(stage)
        if due is not None and on > due:
            raise ReviewWindowClosed(f"案件 {self.case_no} 的申请期限已于 {due} 届满，{on} 申请已超期", "on")

    def request_review(self, stage: Stage, reasons: str, on: date, actor: str, terms: Terms) -> None:
        self.check_on(on)
        self.check_not_finalised()
        self.check_requestable(stage, on)
        self._review_requested(stage=stage, reasons=reasons, requested_on=on, actor=actor)
        self.observe(Fact("review_requested", on, stage=stage), terms)

    @event("ReviewRequested")
    def _review_requested(self, stage: str, reasons: str, requested_on: date, actor: str) -> None:
        self.reviews[stage] = {"requested_on": requested_on, "body": "", "opinion_on": None}
        self.seen(requested_on)

    def note_review_assigned(self, stage: Stage, body: str) -> None:
        review = self.reviews.get(stage)
        if review is not None and review["body"] != body:
            self._review_assigned(stage=stage, body=body)

    @event("ReviewBodyNoted")
    def _review_assigned(self, stage: str, body: str) -> None:
        self.reviews[stage]["body"] = body

    def open_review(self, stage: Stage) -> dict[str, Any]:
        review = self.reviews.get(stage)
        if review is None or review["opinion_on"] is not None:
            raise ReviewNotOpen(f"案件 {self.case_no} 没有进行中的{label(stage, Stage)}")
        return review

    def exclude_hearing(self, stage: Stage, from_on: date, to_on: date, on: date, actor: str, terms: Terms) -> None:
        """听证时间不计入复查/复核期限 (Art 36)."""
        self.check_on(on)
        self.check_not_finalised()
        review = self.open_review(stage)
        if not review["requested_on"] <= from_on <= to_on <= on:
            raise HearingPeriodInvalid(
                f"听证期间 {from_on}–{to_on} 须在申请日 {review['requested_on']} 之后、{on} 之前且起止有序", "from_on"
            )
        self._hearing_excluded(stage=stage, from_on=from_on, to_on=to_on, recorded_on=on, actor=actor)
        self.observe(Fact("hearing_days_excluded", to_on, stage=stage, days=inclusive_days(from_on, to_on)), terms)

    @event("HearingDaysExcluded")
    def _hearing_excluded(self, stage: str, from_on: date, to_on: date, recorded_on: date, actor: str) -> None:
        self.seen(recorded_on)

    def check_opinion(self, stage: Stage, body: str) -> None:
        review = self.reviews.get(stage)
        if review is None or not review["body"]:
            raise ReviewNotAssigned(f"案件 {self.case_no} 的{label(stage, Stage)}申请尚未交办复查/复核机关")
        if review["opinion_on"] is not None:
            raise OpinionAlreadyIssued(f"案件 {self.case_no} 已于 {review['opinion_on']} 出具{label(stage, Stage)}意见")
        if body != review["body"]:
            raise NotReviewBody(f"{body} 不是案件 {self.case_no} 的复查/复核机关 ({review['body']})", "body")

    def review_opinion(
        self, stage: Stage, outcome: ReviewOutcome, text: str, body: str, on: date, actor: str, terms: Terms
    ) -> None:
        """复查/复核意见; the re-review opinion finalises the case (终结, Art 36)."""
        self.check_on(on)
        self.check_not_finalised()
        self.check_opinion(stage, body)
        self._opinion_issued(stage=stage, outcome=outcome, text=text, body=body, issued_on=on, actor=actor)
        self.observe(Fact("review_opinion_issued", on, stage=stage), terms)
        if stage == Stage.re_review:
            self._finalised(finalised_on=on, basis=f"复核意见: {label(outcome, ReviewOutcome)}", actor=actor)

    @event("ReviewOpinionIssued")
    def _opinion_issued(self, stage: str, outcome: str, text: str, body: str, issued_on: date, actor: str) -> None:
        self.reviews[stage]["opinion_on"] = issued_on
        self.seen(issued_on)

    @event("CaseFinalised")
    def _finalised(self, finalised_on: date, basis: str, actor: str) -> None:
        self.finalised_on = finalised_on
        self.seen(finalised_on)
