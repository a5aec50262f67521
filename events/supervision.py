"""Events of supervision (督办): clocks, warnings, orders, bulletins, rating, review and finalisation."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.fields import Department, Leader, Reason, Round
from events.vocabulary import (
    Adoption,
    AftercareKind,
    BulletinReason,
    CaseStatus,
    Clock,
    ClockChange,
    DayCount,
    DeadlineRule,
    OrderForm,
    OrderGround,
    ProposalKind,
    Rating,
    ReviewOutcome,
    Stage,
)


class DeadlineRecorded(CaseEvent):
    """法定期限已起算或变更: a clock started, resumed, was extended or had days excluded; the due date is current."""

    event_type = "deadline_recorded"
    effective = "changed_on"

    clock: Clock = Field(title="时限", description="which clock")
    starts_on: date = Field(title="起算日期")
    due_on: date = Field(title="期限", description="到期日")
    limit_days: int = Field(title="时限天数")
    count: DayCount = Field(DayCount.calendar, title="计算方式", description="日 or 工作日")
    paused_days: int = Field(0, title="暂停天数", description="补正材料期间, not counted")
    extension_days: int = Field(0, title="延长天数", description="经批准延长的天数")
    excluded_days: int = Field(0, title="扣除天数", description="听证期间, not counted")
    round: Round = 1
    reason: ClockChange = Field(ClockChange.started, title="变更原因")
    changed_on: date | None = Field(
        None, title="变更日期", description="the day the fact that moved the clock happened"
    )
    rule: DeadlineRule = Field(
        DeadlineRule.statutory,
        title="计算规则",
        description="statutory, or the local rule (materials pause) it counted",
    )
    calendar_uncovered: bool = Field(
        False,
        title="工作日历未覆盖",
        description="working days counted into a year the calendar lacks: weekends only, holidays unknown",
    )

    @property
    def effective_on(self) -> date:
        return self.changed_on or self.starts_on


class ClockPaused(CaseEvent):
    """法定期限已中止: the petitioner is supplementing materials; the clock resumes on supplement."""

    event_type = "clock_paused"
    effective = "paused_on"

    clock: Clock = Field(title="时限")
    paused_on: date = Field(title="暂停日期")
    reason: str = Field("", title="理由")
    round: Round = 1


class ClockStopped(CaseEvent):
    """法定期限已停止: the duty the clock measured was done, on time or late."""

    event_type = "clock_stopped"
    effective = "stopped_on"

    clock: Clock = Field(title="时限")
    stopped_on: date = Field(title="停止日期")
    due_on: date = Field(title="期限")
    on_time: bool = Field(title="按期", description="stopped on or before the due date")
    round: Round = 1


class WarningIssued(CaseEvent):
    """到期预警: a clock is close to its limit; the department and owning leader are warned."""

    event_type = "warning_issued"
    effective = "warned_on"

    clock: Clock = Field(title="时限")
    due_on: date = Field(title="期限")
    days_left: int = Field(title="剩余天数")
    warned_on: date = Field(title="预警日期")
    department: Department = ""
    owning_leader: Leader = ""
    round: Round = 1


class DeadlineMissed(CaseEvent):
    """已逾期: a clock passed its limit before its duty was done."""

    event_type = "deadline_missed"
    effective = "marked_on"

    clock: Clock = Field(title="时限")
    due_on: date = Field(title="期限")
    marked_on: date = Field(title="标记日期")
    department: Department = ""
    owning_leader: Leader = ""
    round: Round = 1


class SupervisionOrderIssued(CaseEvent):
    """督办单已下发 to the department and owning leader: grounds (Art 40¶1), form, answer due (a local default)."""

    event_type = "supervision_order_issued"
    effective = "issued_on"

    order_no: str = Field(title="督办单号")
    department: Department
    owning_leader: Leader = ""
    reason: Reason = Field(description="督办事由")
    issued_on: date = Field(title="下发日期")
    answer_due_on: date = Field(title="回复期限")
    grounds: list[OrderGround] = Field(default_factory=list, title="督办情形", description="Art 40¶1")
    form: OrderForm = Field(OrderForm.letter, title="督办方式", description="督办函 / 电话 / 现场 / 挂牌督办")


class SupervisionOrderAnswered(CaseEvent):
    """督办单已回复."""

    event_type = "supervision_order_answered"
    effective = "answered_on"

    order_no: str = Field(title="督办单号")
    department: Department
    answer: str = Field(title="回复内容")
    answered_on: date = Field(title="回复日期")


class ProposalIssued(CaseEvent):
    """督办建议已提出 (Art 40): improve the work or a policy, or hold to account; its unit feeds back in writing."""

    event_type = "proposal_issued"
    effective = "proposed_on"

    proposal_no: str = Field(title="建议编号")
    kind: ProposalKind = Field(title="建议类别")
    department: Department = Field(description="the unit that feeds back: 被督办单位, or the one with 管理权限")
    text: str = Field(title="建议内容")
    order_no: str = Field("", title="督办单号", description="the order the proposal goes with, if any")
    proposed_on: date = Field(title="提出日期")
    feedback_due_on: date = Field(title="反馈期限", description="本地规定: the 2022 text sets no limit")


class ProposalAdoptionReported(CaseEvent):
    """建议采纳情况已书面反馈 (Art 40¶4): the unit's written feedback on whether it adopted the proposal."""

    event_type = "proposal_adoption_reported"
    effective = "fed_back_on"

    proposal_no: str = Field(title="建议编号")
    department: Department
    adoption: Adoption = Field(title="采纳情况")
    feedback: str = Field(title="反馈内容", description="the written feedback")
    fed_back_on: date = Field(title="反馈日期")


class ExecutionFollowUpOpened(CaseEvent):
    """督促执行已开始 (Art 32¶2): a supported opinion is followed until the department records it carried out."""

    event_type = "execution_follow_up_opened"
    effective = "opened_on"

    department: Department = Field(description="the unit that carries the opinion out")
    opened_on: date = Field(title="开始日期", description="the supported opinion's date")
    round: Round = 1


class NamedInBulletin(CaseEvent):
    """已通报: the case is named in a bulletin for late or poor handling in a period."""

    event_type = "named_in_bulletin"
    effective = "published_on"

    bulletin_no: str = Field(title="通报编号")
    period_from: date = Field(title="通报期间自")
    period_to: date = Field(title="至")
    department: Department
    reason: BulletinReason = Field(title="通报事由")
    published_on: date = Field(title="通报日期")


class SatisfactionRated(CaseEvent):
    """满意度已评价: the petitioner rated the handling after closure (回访)."""

    event_type = "satisfaction_rated"
    effective = "rated_on"
    status = CaseStatus.rated

    rating: Rating = Field(title="评价", description="满意 / 基本满意 / 不满意")
    comment: str = Field("", title="评价意见")
    rated_on: date = Field(title="评价日期")
    round: Round = 1


class CaseSentBack(CaseEvent):
    """不满意退回重办: an unsatisfied rating sends the case back to its department for a new round."""

    event_type = "case_sent_back"
    effective = "sent_back_on"
    status = CaseStatus.sent_back

    round: Round = Field(description="the new round")
    reason: Reason
    sent_back_on: date = Field(title="退回日期")


class ReviewRequested(CaseEvent):
    """复查/复核已申请: within 30 days of the reply or the review opinion (Art 35, 36)."""

    event_type = "review_requested"
    effective = "requested_on"
    status = CaseStatus.review_requested

    stage: Stage = Field(title="阶段")
    reasons: Reason = Field(description="申请理由")
    requested_on: date = Field(title="日期", description="申请日期")
    window_round: int | None = Field(
        None,
        title="申请期限轮次",
        description="the round of the written answer whose delivery opened the window it used; 0: none had opened",
    )

    def case_status(self) -> CaseStatus:
        return CaseStatus.review_requested if self.stage == Stage.review else CaseStatus.re_review_requested


class HearingDaysExcluded(CaseEvent):
    """听证期间不计入复查/复核期限."""

    event_type = "hearing_days_excluded"
    effective = "entered_on"

    stage: Stage = Field(title="阶段")
    from_on: date = Field(title="自")
    to_on: date = Field(title="至")
    entered_on: date | None = Field(None, title="登记日期", description="when staff recorded the hearing period")

    @property
    def effective_on(self) -> date:
        return self.entered_on or self.to_on


class ReviewOpinionIssued(CaseEvent):
    """复查/复核意见已出具."""

    event_type = "review_opinion_issued"
    effective = "issued_on"
    status = CaseStatus.reviewed

    stage: Stage = Field(title="阶段")
    outcome: ReviewOutcome = Field(title="结论")
    text: str = Field(title="正文")
    body: str = Field(title="复查复核机关", description="复查/复核机关 code")
    issued_on: date = Field(title="出具日期")

    def case_status(self) -> CaseStatus:
        return CaseStatus.reviewed if self.stage == Stage.review else CaseStatus.re_reviewed


class ReReviewOpinionPublicised(CaseEvent):
    """复核意见已公示 (Art 36¶2): a re-review opinion given after a hearing, made public by the re-review body."""

    event_type = "re_review_opinion_publicised"
    effective = "publicised_on"

    body: str = Field(title="复核机关", description="复核机关 code")
    venue: str = Field(title="公示载体", description="where it was made public: 政府网站, 公告栏 …")
    content: str = Field("", title="公示内容", description="what was made public (without personal details)")
    publicised_on: date = Field(title="公示日期")
    until_on: date | None = Field(None, title="公示截止日期")


class AftercareRecorded(CaseEvent):
    """终结后续工作已记录 (Art 37¶3): 疏导教育、矛盾化解、帮扶救助 with the petitioner of a finalised case."""

    event_type = "aftercare_recorded"
    effective = "done_on"

    work: AftercareKind = Field(title="工作类别")
    department: Department = Field(description="the responsible unit (责任单位, 基层单位)")
    content: str = Field(title="工作情况")
    done_on: date = Field(title="工作日期")


class CaseFinalised(CaseEvent):
    """信访事项已终结 (Art 36): the same facts and reasons are not accepted again."""

    event_type = "case_finalised"
    effective = "finalised_on"
    status = CaseStatus.finalised

    finalised_on: date = Field(title="终结日期")
    basis: str = Field("", title="终结依据")
