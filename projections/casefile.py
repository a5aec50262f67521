"""案卷 (case file): everything the read-side views need of one case, folded from its events in stream order.

One fold, two uses. The ``casefiles`` projection keeps each case's file current (``case_file``) and every event it
folded in a journal (``case_journal``) with its effective date and the time it was recorded. A view "as of" an
effective date D, or "as known at" a time T, folds the journal's events up to D and recorded by T with the same
fold: the current file is the fold of all of them, so the two can never disagree (``tests`` check it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from pydantic import BaseModel, Field

from events import CaseEvent
from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    ObjectionFiled,
    OwningLeaderNamed,
    ReviewAssigned,
    TaskForceFormed,
)
from events.intake import (
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
    UrgentMatterReported,
)
from events.mediation import (
    CaseClosed,
    CoHandlerOpinionSubmitted,
    DutyAnswered,
    ExecutionCarriedOut,
    ExtensionApproved,
    RehandlingStarted,
    ReplyIssued,
    ReportFedBack,
    SuggestionAnswered,
)
from events.supervision import (
    CaseFinalised,
    CaseSentBack,
    ClockPaused,
    ClockStopped,
    DeadlineRecorded,
    ExecutionFollowUpOpened,
    NamedInBulletin,
    ProposalAdoptionReported,
    ProposalIssued,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)
from events.vocabulary import CaseStatus

# Bump when a fold changes what a file holds: the files of an earlier version are rebuilt from the stream at start.
FOLD_VERSION = 3  # 3: the duty and month indexes beside the files
# Where a case's work is over: nothing is due from anyone.
ENDED = frozenset({CaseStatus.not_accepted, CaseStatus.merged, CaseStatus.finalised})


class ClockRun(BaseModel):
    """One run of a duty clock: who owes it, from when, by when, and whether it was done in time."""

    clock: str
    round: int = 1
    unit: str = ""
    starts_on: date
    due: date
    stopped_on: date | None = None
    on_time: bool | None = None
    paused_on: date | None = None
    warned_on: date | None = None

    def running(self) -> bool:
        return self.stopped_on is None and self.paused_on is None


class Order(BaseModel):
    """督办单: to whom, when, its answer's due date and day, its form (挂牌督办 …)."""

    unit: str
    issued_on: date
    due: date
    answered_on: date | None = None
    form: str = ""


class Proposal(BaseModel):
    """督办建议 (Art 40): its kind, the unit that feeds back, its due date and the adoption reported."""

    kind: str
    unit: str
    proposed_on: date
    due: date
    fed_back_on: date | None = None
    adoption: str = ""


class Answer(BaseModel):
    """A round's written answer (处理意见书, 建议回复, 履行或答复, 检举控告反馈)."""

    round: int
    on: date
    unit: str
    opinion: str = ""


class Step(BaseModel):
    """A dated step of a round: 办结 or 评价."""

    round: int
    on: date
    unit: str = ""
    value: str = ""


class Review(BaseModel):
    """复查 or 复核: requested, handed to a body, its opinion."""

    requested_on: date | None = None
    body: str = ""
    assigned_on: date | None = None
    outcome: str = ""
    issued_on: date | None = None


class CaseFile(BaseModel):
    """One case as the read side's views read it."""

    case_id: str
    case_no: str = ""
    status: str = ""
    # 登记
    kind: str = ""
    channel: str = ""
    category: str = ""
    locality: str = ""
    office: str = ""
    received_on: date | None = None
    entered_on: date | None = None
    collective: bool = False
    repeat: bool = False
    skip_level: bool = False
    withheld: bool = False
    related_case: str = ""
    petitioner_key: str = ""
    # 受理
    accepted_on: date | None = None
    declined_on: date | None = None
    merged_on: date | None = None
    major: bool = False
    risks: list[str] = Field(default_factory=list)
    urgent_reports: int = 0
    first_urgent_on: date | None = None
    # 交办
    lead: str = ""
    co_handlers: list[str] = Field(default_factory=list)
    first_unit: str = ""
    assigned_on: date | None = None
    received: dict[str, date] = Field(default_factory=dict)
    objection_due: dict[str, date] = Field(default_factory=dict)
    objected: list[str] = Field(default_factory=list)
    reassignments: int = 0
    leader: str = ""
    leader_name: str = ""
    task_force: bool = False
    acknowledged_on: date | None = None
    # 办理
    round: int = 1
    co_opinions: dict[str, int] = Field(default_factory=dict)  # co-handler → the latest round it reported in
    extensions: int = 0
    answers: list[Answer] = Field(default_factory=list)
    closures: list[Step] = Field(default_factory=list)
    ratings: list[Step] = Field(default_factory=list)
    sent_back: int = 0
    execution_opened_on: date | None = None
    executed_on: date | None = None
    # 督办
    clocks: list[ClockRun] = Field(default_factory=list)
    orders: dict[str, Order] = Field(default_factory=dict)
    proposals: dict[str, Proposal] = Field(default_factory=dict)
    bulletins: int = 0
    reviews: dict[str, Review] = Field(default_factory=dict)
    finalised_on: date | None = None

    # Readings the views share

    def ended(self) -> bool:
        return self.status in ENDED

    def open(self) -> bool:
        """Still some unit's work: accepted, not ended, and not closed with the petitioner's rating of it pending."""
        return self.accepted_on is not None and not self.ended()

    def pending(self) -> bool:
        """Open and not yet answered for good: its round not closed, or a review under way without its opinion."""
        if not self.open():
            return False
        if not any(c.round == self.round for c in self.closures):
            return True
        return any(r.requested_on and not r.issued_on for r in self.reviews.values())

    def run(self, clock: str, round: int | None = None) -> ClockRun | None:
        """The latest run of a clock (of a round, when given)."""
        for found in reversed(self.clocks):
            if found.clock == clock and (round is None or found.round == round):
                return found
        return None

    def running(self) -> list[ClockRun]:
        return [c for c in self.clocks if c.running()]

    def answer_of(self, round: int) -> Answer | None:
        return next((a for a in self.answers if a.round == round), None)


Fold = Callable[[CaseFile, Any], None]


def _registered(f: CaseFile, e: PetitionRegistered) -> None:
    f.case_no, f.kind, f.channel, f.category, f.locality = (
        e.case_no,
        str(e.kind),
        str(e.channel),
        e.category,
        e.locality,
    )
    f.office, f.received_on, f.entered_on = e.office, e.received_on, e.entered_on or e.received_on
    f.collective, f.repeat, f.skip_level, f.withheld = e.collective, e.repeat, e.skip_level, e.withheld
    f.related_case = e.related_case
    f.petitioner_key = "" if e.withheld else getattr(e, "petitioner_key", "")


def _accepted(f: CaseFile, e: PetitionAccepted) -> None:
    f.accepted_on, f.major, f.risks = e.accepted_on, e.major, list(dict.fromkeys([*f.risks, *map(str, e.risks)]))
    f.office = e.office or f.office
    f.related_case = e.related_case or f.related_case


def _declined(f: CaseFile, e: PetitionNotAccepted) -> None:
    f.declined_on = e.decided_on


def _merged(f: CaseFile, e: PetitionMerged) -> None:
    f.merged_on = e.merged_on


def _urgent(f: CaseFile, e: UrgentMatterReported) -> None:
    f.urgent_reports += 1
    f.first_urgent_on = f.first_urgent_on or e.reported_on


def _lead(f: CaseFile, e: CaseAssigned | CaseReassigned) -> None:
    previous = f.lead
    f.lead, f.co_handlers = e.department, list(e.co_handlers)
    for run in f.clocks:  # the lead's running duties (答复 runs from acceptance, before any lead) go to the new lead
        if run.stopped_on is None and run.unit in ("", previous) and _responsible(f, run.clock) == f.lead:
            run.unit = f.lead
    if e.owning_leader:
        f.leader, f.leader_name = e.owning_leader, e.owning_leader_name


def _assigned(f: CaseFile, e: CaseAssigned) -> None:
    _lead(f, e)
    f.assigned_on = f.assigned_on or e.assigned_on
    f.first_unit = f.first_unit or e.first_unit or e.department
    f.risks = list(dict.fromkeys([*f.risks, *map(str, e.risks)]))


def _reassigned(f: CaseFile, e: CaseReassigned) -> None:
    _lead(f, e)
    f.reassignments += 1
    f.acknowledged_on = None


def _received(f: CaseFile, e: AssignmentReceived) -> None:
    f.received[e.department] = e.received_on
    if e.objection_due_on is not None:
        f.objection_due[e.department] = e.objection_due_on
    else:
        f.objection_due.pop(e.department, None)


def _objected(f: CaseFile, e: ObjectionFiled) -> None:
    f.objected = list(dict.fromkeys([*f.objected, e.department]))


def _leader(f: CaseFile, e: OwningLeaderNamed) -> None:
    f.leader, f.leader_name, f.major = e.owning_leader, e.owning_leader_name, True
    f.risks = list(dict.fromkeys([*f.risks, *map(str, e.risks)]))


def _acknowledged(f: CaseFile, e: CaseAcknowledged) -> None:
    f.acknowledged_on = e.acknowledged_on
    f.objection_due.pop(e.department, None)  # 签收 closes the unit's objection window (Art 23¶3)


def _answered(on: str) -> Fold:
    def fold(f: CaseFile, e: Any) -> None:
        f.answers = [a for a in f.answers if a.round != e.round]
        opinion = str(getattr(e, "opinion", None) or getattr(e, "adoption", None) or "")
        if isinstance(e, DutyAnswered):
            opinion = "performed" if e.performed else "answered"
        f.answers.append(Answer(round=e.round, on=getattr(e, on), unit=e.department, opinion=opinion))

    return fold


def _closed(f: CaseFile, e: CaseClosed) -> None:
    f.closures = [c for c in f.closures if c.round != e.round] + [
        Step(round=e.round, on=e.closed_on, unit=e.department)
    ]


def _rated(f: CaseFile, e: SatisfactionRated) -> None:
    step = Step(round=e.round, on=e.rated_on, unit=f.lead, value=str(e.rating))
    f.ratings = [r for r in f.ratings if r.round != e.round] + [step]


def _sent_back(f: CaseFile, e: CaseSentBack) -> None:
    f.sent_back += 1
    f.round = max(f.round, e.round)


def _rehandling(f: CaseFile, e: RehandlingStarted) -> None:
    f.round = max(f.round, e.round)
    f.execution_opened_on = f.executed_on = None


def _co_opinion(f: CaseFile, e: CoHandlerOpinionSubmitted) -> None:
    f.co_opinions[e.department] = e.round


def _extended(f: CaseFile, e: ExtensionApproved) -> None:
    f.extensions += 1


def _responsible(f: CaseFile, clock: str) -> str:
    """Who owes a clock's duty: the office accepts, the review body reviews, the lead does the rest."""
    if clock == "acceptance":
        return f.office
    if clock in ("review", "re_review"):
        return f.reviews.get(clock, Review()).body or f.lead
    if clock in ("review_request", "re_review_request"):
        return ""  # the petitioner's window, nobody's duty
    return f.lead


def _deadline(f: CaseFile, e: DeadlineRecorded) -> None:
    if e.clock in ("order_answer", "proposal_feedback"):
        return  # followed on the order and the proposal themselves
    found = f.run(str(e.clock), e.round)
    if found is None or (found.stopped_on is not None and e.reason == "started"):
        f.clocks.append(
            ClockRun(
                clock=str(e.clock),
                round=e.round,
                unit=_responsible(f, str(e.clock)),
                starts_on=e.starts_on,
                due=e.due_on,
            )
        )
        return
    found.due, found.paused_on, found.stopped_on, found.on_time = e.due_on, None, None, None


def _paused(f: CaseFile, e: ClockPaused) -> None:
    if found := f.run(str(e.clock), e.round):
        found.paused_on = e.paused_on


def _stopped(f: CaseFile, e: ClockStopped) -> None:
    if found := f.run(str(e.clock), e.round):
        found.stopped_on, found.on_time, found.due = e.stopped_on, e.on_time, e.due_on


def _warned(f: CaseFile, e: WarningIssued) -> None:
    if found := f.run(str(e.clock), e.round):
        found.warned_on = e.warned_on


def _order(f: CaseFile, e: SupervisionOrderIssued) -> None:
    f.orders[e.order_no] = Order(unit=e.department, issued_on=e.issued_on, due=e.answer_due_on, form=str(e.form))


def _order_answered(f: CaseFile, e: SupervisionOrderAnswered) -> None:
    if found := f.orders.get(e.order_no):
        found.answered_on = e.answered_on


def _proposal(f: CaseFile, e: ProposalIssued) -> None:
    f.proposals[e.proposal_no] = Proposal(
        kind=str(e.kind), unit=e.department, proposed_on=e.proposed_on, due=e.feedback_due_on
    )


def _feedback(f: CaseFile, e: ProposalAdoptionReported) -> None:
    if found := f.proposals.get(e.proposal_no):
        found.fed_back_on, found.adoption = e.fed_back_on, str(e.adoption)


def _review_requested(f: CaseFile, e: ReviewRequested) -> None:
    f.reviews[str(e.stage)] = Review(requested_on=e.requested_on)


def _review_assigned(f: CaseFile, e: ReviewAssigned) -> None:
    review = f.reviews.setdefault(str(e.stage), Review())
    review.body, review.assigned_on = e.body, e.assigned_on


def _review_opinion(f: CaseFile, e: ReviewOpinionIssued) -> None:
    review = f.reviews.setdefault(str(e.stage), Review())
    review.outcome, review.issued_on = str(e.outcome), e.issued_on


def _finalised(f: CaseFile, e: CaseFinalised) -> None:
    f.finalised_on = e.finalised_on


def _execution_opened(f: CaseFile, e: ExecutionFollowUpOpened) -> None:
    f.execution_opened_on = e.opened_on


def _executed(f: CaseFile, e: ExecutionCarriedOut) -> None:
    f.executed_on = e.carried_out_on


def _bulletin(f: CaseFile, e: NamedInBulletin) -> None:
    f.bulletins += 1


def _task_force(f: CaseFile, e: TaskForceFormed) -> None:
    f.task_force = True


FOLDS: dict[type[CaseEvent], Fold] = {
    PetitionRegistered: _registered,
    PetitionAccepted: _accepted,
    PetitionNotAccepted: _declined,
    PetitionMerged: _merged,
    UrgentMatterReported: _urgent,
    CaseAssigned: _assigned,
    CaseReassigned: _reassigned,
    AssignmentReceived: _received,
    ObjectionFiled: _objected,
    OwningLeaderNamed: _leader,
    TaskForceFormed: _task_force,
    CaseAcknowledged: _acknowledged,
    CoHandlerOpinionSubmitted: _co_opinion,
    ExtensionApproved: _extended,
    ReplyIssued: _answered("replied_on"),
    SuggestionAnswered: _answered("answered_on"),
    DutyAnswered: _answered("answered_on"),
    ReportFedBack: _answered("fed_back_on"),
    CaseClosed: _closed,
    SatisfactionRated: _rated,
    CaseSentBack: _sent_back,
    RehandlingStarted: _rehandling,
    ExecutionFollowUpOpened: _execution_opened,
    ExecutionCarriedOut: _executed,
    DeadlineRecorded: _deadline,
    ClockPaused: _paused,
    ClockStopped: _stopped,
    WarningIssued: _warned,
    SupervisionOrderIssued: _order,
    SupervisionOrderAnswered: _order_answered,
    ProposalIssued: _proposal,
    ProposalAdoptionReported: _feedback,
    NamedInBulletin: _bulletin,
    ReviewRequested: _review_requested,
    ReviewAssigned: _review_assigned,
    ReviewOpinionIssued: _review_opinion,
    CaseFinalised: _finalised,
}


def folds(event: type[CaseEvent]) -> bool:
    """Whether the case file reads this event: its own fold, or the status it sets."""
    return event in FOLDS or event.status is not None


def fold(file: CaseFile, event: CaseEvent) -> CaseFile:
    """Fold one event into its case's file (in place), and its status."""
    handler = FOLDS.get(type(event))
    if handler is not None:
        handler(file, event)
    status = event.case_status()
    if status is not None:
        file.status = str(status)
    return file


def fold_all(events: Iterable[CaseEvent]) -> dict[str, CaseFile]:
    """Every case's file from its events, in the order given (stream order)."""
    files: dict[str, CaseFile] = {}
    for event in events:
        fold(files.setdefault(event.case_id, CaseFile(case_id=event.case_id)), event)
    return files
