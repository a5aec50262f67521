"""Events of supervision (督办): statutory clocks and the petitioner's rating."""

from datetime import date

from pydantic import Field

from events.base import CaseEvent
from events.vocabulary import Clock, Rating


class DeadlineRecorded(CaseEvent):
    """法定期限已起算: a statutory clock started for the case, with its due date."""

    event_type = "deadline_recorded"

    clock: Clock = Field(description="which clock: 受理告知 or 办理答复")
    starts_on: date
    due_on: date = Field(description="到期日")
    limit_days: int


class ClockStopped(CaseEvent):
    """法定期限已停止: the duty the clock measured was done, on time or late."""

    event_type = "clock_stopped"

    clock: Clock
    stopped_on: date
    due_on: date
    on_time: bool = Field(description="按期: stopped on or before the due date")


class SatisfactionRated(CaseEvent):
    """满意度已评价: the petitioner rated the handling after closure (回访)."""

    event_type = "satisfaction_rated"

    rating: Rating = Field(description="满意 / 基本满意 / 不满意")
    comment: str = ""
    rated_on: date
