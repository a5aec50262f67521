"""法定期限的计算: every clock of one case from the case's public events alone (pure, no store).

The Supervision aggregate folds the same ``step`` over the same facts, so the deadlines it records always
equal what ``recompute`` gives from the case's events.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from events import CaseEvent
from events.vocabulary import Clock, DayCount, DeadlineRule, opinion_matter
from services.runtime.calendar import WorkingCalendar
from services.runtime.limits import Limits, due_date
from services.supervision.domain.facts import Fact, fact_of

Key = tuple[Clock, int]
OUTPUTS = frozenset({"deadline_recorded", "clock_paused", "clock_stopped", "warning_issued", "deadline_missed"})


@dataclass(frozen=True)
class ClockState:
    """One clock of one case: when it started, when it is due, and what moved the due date."""

    starts_on: date
    due_on: date
    limit_days: int
    count: DayCount = DayCount.calendar
    paused_days: int = 0
    extension_days: int = 0
    excluded_days: int = 0
    stopped_on: date | None = None
    on_time: bool | None = None
    paused_on: date | None = None
    uncovered: bool = False  # counted in working days into a year the calendar lacks: weekends only
    rule: str = DeadlineRule.statutory  # or an office's local limit (a suggestion's, a report's)

    @property
    def running(self) -> bool:
        return self.stopped_on is None


@dataclass(frozen=True)
class Change:
    """A clock's new state and why: started | resumed | extended | hearing_excluded | paused | stopped."""

    key: Key
    reason: str
    state: ClockState
    on: date


def clock_due(state: ClockState, calendar: WorkingCalendar) -> date:
    """Limit plus extension and excluded hearing days, counted as the clock counts; paused days added."""
    days = state.limit_days + state.extension_days + state.excluded_days
    return due_date(state.starts_on, days, state.count, calendar, state.paused_days)


class Book:
    """The clocks of one case and the transitions the facts cause; the aggregate and recompute share it."""

    def __init__(self, states: Mapping[Key, ClockState], limits: Limits, calendar: WorkingCalendar):
        self.states = dict(states)
        self.limits = limits
        self.calendar = calendar

    def latest(self, clock: Clock) -> Key | None:
        rounds = [r for c, r in self.states if c == clock]
        return (clock, max(rounds)) if rounds else None

    def start(
        self, key: Key, on: date, limit: int, count: DayCount = DayCount.calendar, rule: str = DeadlineRule.statutory
    ) -> list[Change]:
        if key in self.states:
            return []  # a clock starts once; a redelivered start changes nothing
        state = ClockState(starts_on=on, due_on=on, limit_days=limit, count=count, rule=rule)
        return [Change(key, "started", replace(state, due_on=clock_due(state, self.calendar)), on)]

    def stop(self, key: Key | None, on: date) -> list[Change]:
        state = self.states.get(key) if key else None
        if key is None or state is None or not state.running:
            return []
        if state.paused_on is not None:
            state = replace(state, paused_on=None, paused_days=state.paused_days + (on - state.paused_on).days)
            state = replace(state, due_on=clock_due(state, self.calendar))
        return [Change(key, "stopped", replace(state, stopped_on=on, on_time=on <= state.due_on), on)]

    def pause(self, key: Key, on: date) -> list[Change]:
        state = self.states.get(key)
        if state is None or not state.running or state.paused_on is not None:
            return []
        return [Change(key, "paused", replace(state, paused_on=on), on)]

    def resume(self, key: Key, on: date) -> list[Change]:
        state = self.states.get(key)
        if state is None or not state.running or state.paused_on is None:
            return []
        state = replace(state, paused_on=None, paused_days=state.paused_days + max(0, (on - state.paused_on).days))
        return [Change(key, "resumed", replace(state, due_on=clock_due(state, self.calendar)), on)]

    def add_days(self, key: Key | None, field: str, days: int, reason: str, on: date) -> list[Change]:
        state = self.states.get(key) if key else None
        if key is None or state is None or not state.running:
            return []
        state = replace(state, **{field: getattr(state, field) + days})
        return [Change(key, reason, replace(state, due_on=clock_due(state, self.calendar)), on)]

    def step(self, fact: Fact) -> list[Change]:
        """The clock changes one fact causes, applied to this book."""
        changes = [self.marked(c) for c in (RULES[fact.kind](self, fact) if fact.kind in RULES else [])]
        for change in changes:
            self.states[change.key] = change.state
        return changes

    def marked(self, change: Change) -> Change:
        """A working-day clock whose span reaches a year the calendar lacks says so: its holidays are not known."""
        state = change.state
        uncovered = state.count == DayCount.working and not self.calendar.covers_span(state.starts_on, state.due_on)
        return change if uncovered == state.uncovered else replace(change, state=replace(state, uncovered=uncovered))


A, OB, H, RN = Clock.acceptance, Clock.objection, Clock.handling, Clock.receipt_notice


def _next(b: Book, clock: Clock) -> Key:
    latest = b.latest(clock)
    return (clock, latest[1] + 1 if latest else 1)


def _open_objection(b: Book, f: Fact) -> list[Change]:
    """A window for the lead's objection, 5 working days from its receipt; an earlier one ends."""
    stopped = b.stop(b.latest(OB), f.on)
    if not f.opens_window:
        return stopped
    return stopped + b.start(_next(b, OB), f.on, b.limits.objection, DayCount.working)


def _reassigned(b: Book, f: Fact) -> list[Change]:
    """改派: the earlier lead's objection window and its duty to tell the petitioner end; the new lead's open on
    its receipt (cases assigned before receipts were recorded open the window on the decision)."""
    return _open_objection(b, f) + b.stop(b.latest(RN), f.on)


def _received(b: Book, f: Fact) -> list[Change]:
    """交办已收到 (Art 23¶3): from the lead's receipt, its 5 working days to object and its 15 days to tell the
    petitioner 接收情况以及处理途径和程序; a co-handler's receipt moves no clock of the case."""
    if not f.lead:
        return []
    return _open_objection(b, f) + b.start(_next(b, RN), f.on, b.limits.receipt_notice)


def _accepted(b: Book, f: Fact) -> list[Change]:
    """Art 34: the 60 days bind an Art 31(6) claim; a suggestion or report runs the office's own limit if it set one,
    an Art 31(5) matter none."""
    stopped = b.stop((A, 1), f.on)
    limit = b.limits.handling_for(f.matter, f.claim_route)
    if limit is None:
        return stopped
    rule = DeadlineRule.statutory if opinion_matter(f.matter, f.claim_route) else DeadlineRule.local_limit
    return stopped + b.start((H, 1), f.on, limit, rule=rule)


def _review_requested(b: Book, f: Fact) -> list[Change]:
    """The request closes the window it used (named on it; the latest for requests recorded before that), and the
    review's own 30 days start."""
    clock = Clock.review_request if f.stage == "review" else Clock.re_review_request
    window = b.latest(clock) if f.round < 0 else (clock, f.round) if f.round else None
    return b.stop(window, f.on) + b.start((Clock(f.stage), 1), f.on, b.limits.review)


def _opinion(b: Book, f: Fact) -> list[Change]:
    return b.stop((Clock(f.stage), 1), f.on)


RULES: dict[str, Callable[[Book, Fact], list[Change]]] = {
    "petition_registered": lambda b, f: b.start((A, 1), f.on, b.limits.acceptance),
    # The statute has no pause (Art 22, 23): only an office's local rule stops the 15 days for materials.
    "materials_requested": lambda b, f: b.pause((A, 1), f.on) if b.limits.materials_pause else [],
    "materials_supplemented": lambda b, f: b.resume((A, 1), f.on),
    "petition_accepted": _accepted,
    "petition_not_accepted": lambda b, f: b.stop((A, 1), f.on),
    "petition_merged": lambda b, f: b.stop((A, 1), f.on),
    "case_assigned": lambda b, f: [] if b.latest(OB) or not f.opens_window else _open_objection(b, f),
    "case_reassigned": _reassigned,
    "assignment_received": _received,
    "receipt_served": lambda b, f: b.stop(b.latest(RN), f.on),
    "case_acknowledged": lambda b, f: b.stop(b.latest(OB), f.on),
    "objection_filed": lambda b, f: b.stop(b.latest(OB), f.on),
    "extension_approved": lambda b, f: b.add_days((H, f.round), "extension_days", f.days, "extended", f.on),
    "reply_issued": lambda b, f: b.stop((H, f.round), f.on),
    "suggestion_answered": lambda b, f: b.stop((H, f.round), f.on),
    "duty_answered": lambda b, f: b.stop((H, f.round), f.on),
    "report_fed_back": lambda b, f: b.stop((H, f.round), f.on),
    # The petitioner's 30 days run from receiving the written answer (自收到书面答复之日起, Art 35, 36).
    "reply_served": lambda b, f: b.start((Clock.review_request, f.round), f.on, b.limits.review_request),
    "review_opinion_served": lambda b, f: b.start((Clock.re_review_request, 1), f.on, b.limits.review_request),
    "case_sent_back": lambda b, f: b.start((H, f.round), f.on, b.limits.handling),
    "review_requested": _review_requested,
    "hearing_days_excluded": lambda b, f: b.add_days(
        (Clock(f.stage), 1), "excluded_days", f.days, "hearing_excluded", f.on
    ),
    "review_opinion_issued": _opinion,
    "supervision_order_issued": lambda b, f: b.start((Clock.order_answer, f.round), f.on, f.days),
    "supervision_order_answered": lambda b, f: b.stop((Clock.order_answer, f.round), f.on),
    "proposal_issued": lambda b, f: b.start((Clock.proposal_feedback, f.round), f.on, f.days),
    "proposal_adoption_reported": lambda b, f: b.stop((Clock.proposal_feedback, f.round), f.on),
}


def recompute(events: Sequence[CaseEvent], limits: Limits, calendar: WorkingCalendar) -> dict[Key, ClockState]:
    """Every clock of one case from its public events alone; supervision's clock outputs are ignored."""
    book = Book({}, limits, calendar)
    seen: set[str] = set()
    for event in events:
        if event.event_type in OUTPUTS or event.event_id in seen:
            continue
        seen.add(event.event_id)
        fact = fact_of(event)
        if fact is not None:
            book.step(fact)
    return book.states
