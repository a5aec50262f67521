"""Events of supervision (督办): clocks, warnings, orders, bulletins, rating, review and finalisation."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import Clock, DayCount, Rating, ReviewOutcome, Stage


class DeadlineRecorded(CaseEvent):
    """法定期限已起算或变更: a clock started, resumed, was extended or had days excluded; the due date is current."""

    event_type = "deadline_recorded"

    clock: Clock = Field(description="which clock")
    starts_on: date
    due_on: date = Field(description="到期日")
    limit_days: int
    count: DayCount = Field(DayCount.calendar, description="日 or 工作日")
    paused_days: int = Field(0, description="补正材料期间, not counted")
    extension_days: int = Field(0, description="经批准延长的天数")
    excluded_days: int = Field(0, description="听证期间, not counted")
    round: int = 1
    reason: str = Field("started", description="started | resumed | extended | hearing_excluded")


class ClockPaused(CaseEvent):
    """法定期限已中止: the petitioner is supplementing materials; the clock resumes on supplement."""

    event_type = "clock_paused"

    clock: Clock
    paused_on: date
    reason: str = ""
    round: int = 1


class ClockStopped(CaseEvent):
    """法定期限已停止: the duty the clock measured was done, on time or late."""

    event_type = "clock_stopped"

    clock: Clock
    stopped_on: date
    due_on: date
    on_time: bool = Field(description="按期: stopped on or before the due date")
    round: int = 1


class WarningIssued(CaseEvent):
    """到期预警: a clock is close to its limit; the department and owning leader are warned."""

    event_type = "warning_issued"

    clock: Clock
    due_on: date
    days_left: int
    warned_on: date
    department: str = ""
    owning_leader: str = ""
    round: int = 1


class DeadlineMissed(CaseEvent):
    """已逾期: a clock passed its limit before its duty was done."""

    event_type = "deadline_missed"

    clock: Clock
    due_on: date
    marked_on: date
    department: str = ""
    owning_leader: str = ""
    round: int = 1


class SupervisionOrderIssued(CaseEvent):
    """督办单已下发 to the department and the owning leader, with its answer deadline."""

    event_type = "supervision_order_issued"

    order_no: str
    department: str
    owning_leader: str = ""
    reason: str
    issued_on: date
    answer_due_on: date


class SupervisionOrderAnswered(CaseEvent):
    """督办单已回复."""

    event_type = "supervision_order_answered"

    order_no: str
    department: str
    answer: str
    answered_on: date


class NamedInBulletin(CaseEvent):
    """已通报: the case is named in a bulletin for late or poor handling in a period."""

    event_type = "named_in_bulletin"

    bulletin_no: str
    period_from: date
    period_to: date
    department: str
    reason: str = Field(description="overdue | unsatisfied | late_acceptance …")
    published_on: date


class SatisfactionRated(CaseEvent):
    """满意度已评价: the petitioner rated the handling after closure (回访)."""

    event_type = "satisfaction_rated"

    rating: Rating = Field(description="满意 / 基本满意 / 不满意")
    comment: str = ""
    rated_on: date
    round: int = 1


class CaseSentBack(CaseEvent):
    """不满意退回重办: an unsatisfied rating sends the case back to its department for a new round."""

    event_type = "case_sent_back"

    round: int = Field(description="the new round")
    reason: str
    sent_back_on: date


class ReviewRequested(CaseEvent):
    """复查/复核已申请: within 30 days of the reply or the review opinion (Art 35, 36)."""

    event_type = "review_requested"

    stage: Stage
    reasons: str
    requested_on: date


class HearingDaysExcluded(CaseEvent):
    """听证期间不计入复查/复核期限."""

    event_type = "hearing_days_excluded"

    stage: Stage
    from_on: date
    to_on: date


class ReviewOpinionIssued(CaseEvent):
    """复查/复核意见已出具."""

    event_type = "review_opinion_issued"

    stage: Stage
    outcome: ReviewOutcome
    text: str
    body: str = Field(description="复查/复核机关 code")
    issued_on: date


class CaseFinalised(CaseEvent):
    """信访事项已终结 (Art 36): the same facts and reasons are not accepted again."""

    event_type = "case_finalised"

    finalised_on: date
    basis: str = Field("", description="终结依据")
