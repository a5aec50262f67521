"""复查 / 复核 (Art 35, 36): each once, each by the body assignment named; the re-review finalises the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from events.vocabulary import Stage, label
from services.runtime.errors import Done
from services.supervision.domain.errors import (
    HearingOnlyForReReview,
    HearingPeriodInvalid,
    NoReplyYet,
    NoReviewOpinion,
    NotReviewBody,
    OpinionAlreadyIssued,
    ReviewAlreadyRequested,
    ReviewNotAssigned,
    ReviewNotOpen,
    ReviewWindowClosed,
)
from services.supervision.domain.visit import ReturnVisit


@dataclass
class Review:
    """One stage of the review chain: when it was asked for (entered by whom), who reviews it, when they gave their
    opinion (entered by whom)."""

    requested_on: date
    body: str = ""
    opinion_on: date | None = None
    requested_by: str = ""
    opinion_by: str = ""


class ReviewChain(dict[str, Review]):
    """The stages requested so far, by stage (review, re_review)."""

    def check_requestable(self, case_no: str, stage: Stage, on: date, visit: ReturnVisit, due: date | None) -> None:
        """复查 answers a written reply, 复核 a review opinion; each once, within 30 days of its delivery. A case
        sent back for re-handling after an unsatisfied rating keeps the petitioner's right to ask (Art 35)."""
        if stage == Stage.review and not visit.replies:
            raise NoReplyYet(f"案件 {case_no} 尚未出具处理意见书，不能申请复查")
        if stage == Stage.re_review and not (self.get(Stage.review) and self[Stage.review].opinion_on):
            raise NoReviewOpinion(f"案件 {case_no} 尚无复查意见，不能申请复核")
        if stage in self:
            done = Done(self[stage].requested_by, self[stage].requested_on)
            raise ReviewAlreadyRequested(f"案件 {case_no} 的{label(stage, Stage)}申请已{done} 登记，每案一次")
        if due is not None and on > due:
            raise ReviewWindowClosed(f"案件 {case_no} 的申请期限已于 {due} 届满，{on} 申请已超期", "on")

    def open_review(self, case_no: str, stage: Stage) -> Review:
        review = self.get(stage)
        if review is None or review.opinion_on is not None:
            raise ReviewNotOpen(f"案件 {case_no} 没有进行中的{label(stage, Stage)}")
        return review

    def check_hearing_period(self, case_no: str, stage: Stage, from_on: date, to_on: date, on: date) -> None:
        """听证期间: only a 复核 leaves hearing time out of its limit (Art 36¶2, 复查 takes none); within the open
        re-review, after its request, before it is recorded, in order."""
        if stage != Stage.re_review:
            raise HearingOnlyForReReview(
                f"案件 {case_no} 的{label(stage, Stage)}期限不扣除听证时间，只有复核可以扣除 (Art 36¶2)", "stage"
            )
        review = self.open_review(case_no, stage)
        if not review.requested_on <= from_on <= to_on <= on:
            raise HearingPeriodInvalid(
                f"听证期间 {from_on}–{to_on} 须在申请日 {review.requested_on} 之后、{on} 之前且起止有序", "from_on"
            )

    def check_opinion(self, case_no: str, stage: Stage, body: str) -> None:
        review = self.get(stage)
        if review is None or not review.body:
            raise ReviewNotAssigned(f"案件 {case_no} 的{label(stage, Stage)}申请尚未交办复查/复核机关")
        if review.opinion_on is not None:
            done = Done(review.opinion_by, review.opinion_on)
            raise OpinionAlreadyIssued(f"案件 {case_no} 的{label(stage, Stage)}意见已{done} 出具 ({review.body})")
        if body != review.body:
            raise NotReviewBody(f"{body} 不是案件 {case_no} 的复查/复核机关 ({review.body})", "body")
