"""Supervision's commands (xf.cmd.supervision.*): their payloads, nothing else."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from events.vocabulary import (
    Adoption,
    AftercareKind,
    OrderForm,
    OrderGround,
    ProposalKind,
    Rating,
    ReviewOutcome,
    Stage,
)
from services.runtime.commands import CaseCommand, Command
from services.runtime.notices import ServeNotice  # noqa: F401  (every service serves notices of its decisions)


class RateSatisfaction(CaseCommand):
    """回访评价: the petitioner's rating of the latest closed round."""

    name = "rate"

    rating: Rating = Field(description="满意 / 基本满意 / 不满意")
    comment: str = Field("", max_length=5000, description="评价意见")


class RequestReview(CaseCommand):
    """申请复查/复核 (Art 35, 36)."""

    name = "request_review"

    stage: Stage = Field(description="review 复查 | re_review 复核")
    reasons: str = Field(min_length=1, max_length=5000, description="申请理由")


class IssueReviewOpinion(CaseCommand):
    """出具复查/复核意见; the re-review opinion finalises the case (Art 36)."""

    name = "review_opinion"

    stage: Stage = Field(description="review 复查 | re_review 复核")
    outcome: ReviewOutcome = Field(description="维持 / 变更 / 撤销")
    text: str = Field(min_length=1, max_length=20000, description="意见书正文")
    body: str = Field(min_length=1, max_length=50, description="复查/复核机关 code")


class ExcludeHearingDays(CaseCommand):
    """听证期间不计入复查/复核期限 (Art 36)."""

    name = "exclude_hearing"

    stage: Stage = Field(description="review 复查 | re_review 复核")
    from_on: date = Field(description="听证开始日")
    to_on: date = Field(description="听证结束日")


class PubliciseOpinion(CaseCommand):
    """公示复核意见 (Art 36¶2): a re-review opinion given after a hearing, made public by the re-review body."""

    name = "publicise"

    venue: str = Field(min_length=1, max_length=200, description="公示载体: 政府网站, 公告栏 …")
    content: str = Field("", max_length=20000, description="公示内容 (without personal details)")
    until_on: date | None = Field(None, description="公示截止日期")


class RecordAftercare(CaseCommand):
    """记录终结后的疏导教育、矛盾化解、帮扶救助 (Art 37¶3), by the responsible unit."""

    name = "record_aftercare"
    for_departments = True

    work: AftercareKind = Field(description="education 疏导教育 | reconciliation 矛盾化解 | assistance 帮扶救助")
    content: str = Field(min_length=1, max_length=20000, description="工作情况")
    department: str = Field("", max_length=50, description="责任单位 code; default the lead department")


class IssueOrder(CaseCommand):
    """下发督办单 to the lead department and the owning leader, on the grounds found (Art 40¶1), in its form."""

    name = "issue_order"

    reason: str = Field(min_length=1, max_length=5000, description="督办事由")
    answer_due: date | None = Field(None, description="回复期限; default issue date + order_answer_days (本地规定)")
    grounds: list[OrderGround] = Field(default_factory=list, max_length=6, description="督办情形 (Art 40¶1)")
    form: OrderForm = Field(OrderForm.letter, description="督办函 letter | 电话 phone | 现场 on_site | 挂牌 listed")


class AnswerOrder(CaseCommand):
    """回复督办单."""

    name = "answer_order"
    for_departments = True

    order_no: str = Field(min_length=1, max_length=80, description="督办单号")
    department: str = Field(min_length=1, max_length=50, description="回复单位 code")
    answer: str = Field(min_length=1, max_length=20000, description="督办回复")


class MakeProposal(CaseCommand):
    """提出改进工作、完善政策或追究责任的建议 (Art 40); the unit it goes to feeds back its adoption in writing."""

    name = "propose"

    kind: ProposalKind = Field(description="建议类别: improve_work | improve_policy | accountability")
    text: str = Field(min_length=1, max_length=20000, description="建议内容")
    department: str = Field("", max_length=50, description="反馈单位 code; default the lead department")
    order_no: str = Field("", max_length=80, description="所涉督办单号 (required for accountability)")
    feedback_due: date | None = Field(None, description="反馈期限; default + proposal_feedback_days (本地规定)")


class GiveFeedback(CaseCommand):
    """书面反馈建议采纳情况 (Art 40¶4), by the unit the proposal went to."""

    name = "feedback"
    for_departments = True

    proposal_no: str = Field(min_length=1, max_length=80, description="建议书编号")
    department: str = Field(min_length=1, max_length=50, description="反馈单位 code")
    adoption: Adoption = Field(description="采纳情况: adopted | partly_adopted | not_adopted")
    feedback: str = Field(min_length=1, max_length=20000, description="书面反馈内容")


class Sweep(Command):
    """时限巡查: warnings and overdue marks as of a date (default today, never in the future), each once."""

    name = "sweep"

    as_of: date | None = Field(None, description="巡查日期; default today; never in the future")


class PublishBulletin(Command):
    """通报: name every case overdue or rated unsatisfied in a period; once per period."""

    name = "publish_bulletin"

    period_from: date = Field(description="通报期间起")
    period_to: date = Field(description="通报期间止; never in the future")
    on: date | None = Field(None, description="发布日期; default today")
    actor: str = Field("", max_length=100, description="经办人")
