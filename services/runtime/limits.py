"""法定时限: the statutory limits, defined once, and the one function every due date is computed with.

Every service reads its limits from here (through Settings, so an office can configure its own); the deadline a
department sees in mediation and the clock supervision keeps are the same computation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from events.vocabulary import DayCount, Kind, opinion_matter
from services.runtime.calendar import WorkingCalendar


@dataclass(frozen=True)
class Limits:
    """The time limits in days, as the 信访工作条例 (2022) sets them unless an office configures otherwise."""

    acceptance: int = 15  # 受理告知, from receipt (Art 22, 23)
    objection: int = 5  # 交办异议, working days from the department's receipt (Art 23¶3)
    receipt_notice: int = 15  # 接收情况告知, from the department's receipt (Art 23¶3)
    handling: int = 60  # 办理答复, from acceptance (Art 34)
    extension_max: int = 30  # 延期, at most (Art 34)
    review_request: int = 30  # 申请复查/复核, from the written answer's delivery (送达, Art 35, 36)
    review: int = 30  # 复查/复核意见, from the request (Art 35, 36)
    order_answer: int = 30  # 督办单回复, from issue: 本地规定 (local practice; the 2022 text sets no limit)
    proposal_feedback: int = 30  # 建议采纳情况书面反馈, from the proposal (Art 40¶4 sets no limit: 本地规定)
    warning_days: tuple[int, ...] = (5, 3, 1)  # 预警, days before a limit
    # A local rule, not the statute's: the 2022 text lets nothing pause the 15 days (Art 22, 23); an office may
    # stop the acceptance clock while the petitioner supplements materials (一次性告知).
    materials_pause: bool = False
    # A practice, not the statute: 不满意 in the first round sends the case back for re-handling. It never takes
    # away the petitioner's request for 复查 (Art 35).
    unsatisfied_sends_back: bool = True
    # Local rules too: the 60 days bind only Art 31(6) claims (Art 34); an office may give suggestions (Art 29) and
    # reports (Art 30) a limit of its own. None: no clock.
    suggestion_handling: int | None = None
    report_handling: int | None = None

    def handling_for(self, kind: str, claim_route: str | None) -> int | None:
        """The handling limit of a matter: the statute's for an Art 31(6) claim, the office's own (if any) for a
        suggestion or a report, none for an Art 31(5) matter, which is answered by the body's duty."""
        if opinion_matter(kind, claim_route):
            return self.handling
        return {Kind.suggestion: self.suggestion_handling, Kind.report: self.report_handling}.get(Kind(kind))


STATUTE = Limits()


def due_date(
    starts_on: date,
    days: int,
    count: DayCount = DayCount.calendar,
    calendar: WorkingCalendar | None = None,
    paused_days: int = 0,
) -> date:
    """The due date ``days`` after ``starts_on`` (the start day itself not counted), in calendar days or working
    days, plus the days a clock was paused."""
    if count == DayCount.working:
        if calendar is None:
            raise ValueError("counting working days needs the working calendar")
        end = calendar.add_working_days(starts_on, days)
    else:
        end = starts_on + timedelta(days=days)
    return end + timedelta(days=paused_days)


@dataclass(frozen=True)
class Terms:
    """The limits and the working calendar a service counts with."""

    limits: Limits
    calendar: WorkingCalendar

    def objection_due(self, received_on: date) -> date:
        """异议期限: so many working days from the department's receipt of the 交办 (自收到之日起, Art 23¶3)."""
        return due_date(received_on, self.limits.objection, DayCount.working, self.calendar)

    def receipt_notice_due(self, received_on: date) -> date:
        """接收情况告知期限: so many days from the department's receipt (Art 23¶3)."""
        return due_date(received_on, self.limits.receipt_notice)
