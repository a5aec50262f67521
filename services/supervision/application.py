"""Supervision (督办): the case's clocks and alarms, rating, review chain, supervision orders and bulletins."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import UUID

from services.calendar import calendar
from services.runtime.clock import Clock
from services.runtime.effective import not_in_future
from services.runtime.errors import Conflict
from services.supervision.bulletin import (
    Bulletin,
    BulletinAlreadyPublished,
    bulletin_id,
    bulletin_no,
    check_period,
    named_in_period,
)
from services.supervision.commands import (
    AnswerOrder,
    ExcludeHearingDays,
    IssueOrder,
    IssueReviewOpinion,
    PublishBulletin,
    RateSatisfaction,
    RequestReview,
    Sweep,
)
from services.supervision.deadlines import Limits, Terms
from services.supervision.domain import Supervision
from services.supervision.reactions import Reactions
from services.supervision.sweeper import AlarmIndex

CONFLICT_RETRIES = 10


class SupervisionApplication(Reactions):
    name = "supervision"

    def __init__(self, env: dict[str, str], clock: Clock, terms: Terms | None = None):
        super().__init__(env, clock)
        self.terms = terms or Terms(Limits(), calendar())
        self.alarm_index = AlarmIndex(self.terms.warning_days)

    def summary(self, case: Supervision, **extra: Any) -> dict[str, Any]:
        return {"case_id": str(case.id), "case_no": case.case_no, "round": case.round, **extra}

    def rate(self, cmd: RateSatisfaction) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.rate(cmd.rating, cmd.comment, self.effective(cmd.on), cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, rating=cmd.rating)

    def request_review(self, cmd: RequestReview) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.request_review(cmd.stage, cmd.reasons, self.effective(cmd.on), cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, stage=cmd.stage)

    def review_opinion(self, cmd: IssueReviewOpinion) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        on = self.effective(cmd.on)
        case.review_opinion(cmd.stage, cmd.outcome, cmd.text, cmd.body, on, cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, stage=cmd.stage, finalised=case.finalised_on is not None)

    def exclude_hearing(self, cmd: ExcludeHearingDays) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.exclude_hearing(cmd.stage, cmd.from_on, cmd.to_on, self.effective(cmd.on), cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, due_on=case.clocks[(cmd.stage, 1)].due_on.isoformat())  # type: ignore[index]

    def issue_order(self, cmd: IssueOrder) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        order_no = case.issue_order(cmd.reason, cmd.answer_due, self.effective(cmd.on), cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, order_no=order_no, department=case.department)

    def answer_order(self, cmd: AnswerOrder) -> dict[str, Any]:
        case = self.load(cmd.case_id, Supervision)
        case.answer_order(cmd.order_no, cmd.department, cmd.answer, self.effective(cmd.on), cmd.actor, self.terms)
        self.commit(case)
        return self.summary(case, order_no=cmd.order_no)

    def sweep(self, cmd: Sweep) -> dict[str, Any]:
        as_of = self.effective(cmd.as_of, "as_of")
        return {"as_of": as_of.isoformat(), "emitted": self.sweep_as_of(as_of)}

    def sweep_as_of(self, as_of: date) -> int:
        """Warnings and overdue marks due as of a date, each once: the loser of a race reloads and emits nothing."""
        self.alarm_index.catch_up(self)
        return sum(self.sweep_case(case_id, as_of) for case_id in self.alarm_index.candidates(as_of))

    def sweep_case(self, case_id: UUID, as_of: date) -> int:
        for _ in range(CONFLICT_RETRIES):
            case = self.load(case_id, Supervision)
            emitted = case.sweep(as_of, self.terms.warning_days)
            if not emitted:
                return 0
            try:
                self.commit(case)
                return emitted
            except Conflict:
                continue
        raise Conflict(f"案件 {case.case_no} 巡查时持续冲突")

    def publish_bulletin(self, cmd: PublishBulletin) -> dict[str, Any]:
        """通报: one per period, naming each case once per reason (overdue | unsatisfied)."""
        period, number = (cmd.period_from, cmd.period_to), bulletin_no(cmd.period_from, cmd.period_to)
        on = self.effective(cmd.on)
        not_in_future(cmd.period_to, self.clock.today(), "period_to")
        check_period(*period)
        if self.exists(bulletin_id(*period)):
            raise BulletinAlreadyPublished(f"{cmd.period_from}–{cmd.period_to} 的通报 {number} 已发布")
        named = named_in_period(self, *period)
        bulletin = Bulletin(
            id=bulletin_id(*period), bulletin_no=number, period_from=period[0], period_to=period[1],
            published_on=on, cases=sorted({str(c) for c, _, _ in named}), actor=cmd.actor,
        )  # fmt: skip
        cases: dict[UUID, Supervision] = {}
        for case_id, reason, department in named:
            if case_id not in cases:
                cases[case_id] = self.load(case_id, Supervision)
            case = cases[case_id]
            case.name_in_bulletin(
                number, period, department or case.department, reason, bulletin.published_on, cmd.actor
            )
        self.commit(bulletin, *cases.values())
        return {"bulletin_no": number, "named": [{"case_no": cases[c].case_no, "reason": r} for c, r, _ in named]}

    def exists(self, aggregate_id: UUID) -> bool:
        return bool(self.recorder.select_events(aggregate_id, limit=1))
