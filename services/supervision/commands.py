"""Supervision's commands (xf.cmd.supervision.*)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

from pydantic import BaseModel, Field

from events.vocabulary import Rating, ReviewOutcome, Stage
from services.runtime.effective import EffectiveOn

if TYPE_CHECKING:
    from services.runtime.commands import CommandRoutes
    from services.supervision.application import SupervisionApplication

Actor = Annotated[str, Field("", max_length=100, description="经办人")]


class CaseCommand(BaseModel):
    case_id: UUID
    on: EffectiveOn = None
    actor: Actor = ""


class RateSatisfaction(CaseCommand):
    """回访评价: the petitioner's rating of the latest closed round."""

    rating: Rating = Field(description="满意 / 基本满意 / 不满意")
    comment: str = Field("", max_length=5000)


class RequestReview(CaseCommand):
    """申请复查/复核 (Art 35, 36)."""

    stage: Stage = Field(description="review 复查 | re_review 复核")
    reasons: str = Field(min_length=1, max_length=5000, description="申请理由")


class IssueReviewOpinion(CaseCommand):
    """出具复查/复核意见; the re-review opinion finalises the case (Art 36)."""

    stage: Stage
    outcome: ReviewOutcome = Field(description="维持 / 变更 / 撤销")
    text: str = Field(min_length=1, max_length=20000, description="意见书正文")
    body: str = Field(min_length=1, max_length=50, description="复查/复核机关 code")


class ExcludeHearingDays(CaseCommand):
    """听证期间不计入复查/复核期限 (Art 36)."""

    stage: Stage
    from_on: date = Field(description="听证开始日")
    to_on: date = Field(description="听证结束日")


class IssueOrder(CaseCommand):
    """下发督办单 to the lead department and the owning leader."""

    reason: str = Field(min_length=1, max_length=5000, description="督办事由")
    answer_due: date | None = Field(None, description="回复期限; default issue date + order_answer_days")


class AnswerOrder(CaseCommand):
    """回复督办单."""

    order_no: str = Field(min_length=1, max_length=80)
    department: str = Field(min_length=1, max_length=50, description="回复单位 code")
    answer: str = Field(min_length=1, max_length=20000)


class Sweep(BaseModel):
    """时限巡查: warnings and overdue marks as of a date (default today, never in the future)."""

    as_of: EffectiveOn = None


class PublishBulletin(BaseModel):
    """通报: name every case overdue or rated unsatisfied in a period; once per period."""

    period_from: date
    period_to: date = Field(description="通报期间止; never in the future")
    on: EffectiveOn = None
    actor: Actor = ""


def register_commands(app: SupervisionApplication, routes: CommandRoutes) -> None:
    routes.add("rate", RateSatisfaction, app.rate, "回访评价 after closure")
    routes.add("request_review", RequestReview, app.request_review, "申请复查/复核 (Art 35, 36)")
    routes.add("review_opinion", IssueReviewOpinion, app.review_opinion, "复查/复核意见; 复核 finalises")
    routes.add("exclude_hearing", ExcludeHearingDays, app.exclude_hearing, "听证期间不计入复查/复核期限")
    routes.add("sweep", Sweep, app.sweep, "时限巡查: warnings and overdue marks, each once")
    routes.add("issue_order", IssueOrder, app.issue_order, "下发督办单")
    routes.add("answer_order", AnswerOrder, app.answer_order, "回复督办单")
    routes.add("publish_bulletin", PublishBulletin, app.publish_bulletin, "通报 a period")
