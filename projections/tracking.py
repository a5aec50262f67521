"""信访件查询 (petitioner tracking): what a petitioner may see of their own case, found by 查询码 and 查询密码.

Only the public milestones, each from one event, in the order the stream gave them: received, materials asked for
and supplied, the acceptance decision, where the case went (by the unit's name), extensions, the answer (its
opinion, never its text), closure, the rating, re-handling, 复查 and 复核, finalisation. Never a handler, an actor, a
note, findings, orders, warnings, overdue marks, bulletins or proposals, and never another case or petitioner.

A report (检举控告, Art 30) shows it was received and, once accepted or assigned, that it went to the discipline
body — nothing of its unit, its handling or its feedback; a declined report shows the decline and its reason.

The view keeps each case's lookup key (the SHA-256 of its 查询码) and the salted hash of its 查询密码 from the
registration; checking them, and throttling wrong guesses, is the reader's (``xinfang track``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, Text, func, insert, select

from events import EVENT_TYPES, CaseEvent
from events.assignment import CaseAssigned, CaseReassigned, ReviewAssigned
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import CaseClosed, DutyAnswered, ExtensionApproved, ReplyIssued, SuggestionAnswered
from events.supervision import (
    CaseFinalised,
    CaseSentBack,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
)
from events.vocabulary import (
    Adoption,
    Channel,
    ClaimRoute,
    Kind,
    LegalRoute,
    NotAcceptedReason,
    Opinion,
    Rating,
    ReviewOutcome,
    Stage,
    label,
)
from projections.columns import headers, shows
from projections.store import Executes, Projection, chunks
from services.runtime.moments import Moment

metadata = MetaData()

tracking_cases = Table(
    "tracking_case",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    shows(PetitionRegistered, "tracking_key", String(64), index=True),
    shows(PetitionRegistered, "secret_hash", String(128)),
    shows(PetitionRegistered, "case_no", String(32)),
    shows(PetitionRegistered, "kind", String(16)),
)
milestones = Table(
    "tracking_milestone",
    metadata,
    Column("event_id", String(36), primary_key=True, comment="事件ID"),
    Column("case_id", String(36), index=True, comment="案件ID"),
    Column("n", Integer, comment="序号", doc="the milestone's place among its case's milestones"),
    Column("on", Date, comment="日期"),
    Column("recorded_at", Moment(), comment="记录时间"),
    Column("milestone", String(32), comment="进展"),
    Column("detail", Text, comment="说明"),
)
HEADERS = headers(milestones, ("on", "milestone", "detail"))

Milestone = tuple[str, str]  # 进展, 说明
Row = dict[str, Any]

RECEIVED = "已收到"
TO_DISCIPLINE = "已转纪检监察机关"


def _received(e: PetitionRegistered) -> Milestone:
    return RECEIVED, f"渠道 {label(e.channel, Channel)} · 收到日期 {e.received_on.isoformat()}"


def _materials_requested(e: MaterialsRequested) -> Milestone:
    return "需补正材料", f"材料 {'、'.join(e.items)}"


def _materials_supplemented(e: MaterialsSupplemented) -> Milestone:
    return "材料已补正", f"材料 {'、'.join(e.items)}" if e.items else ""


def _accepted(e: PetitionAccepted) -> Milestone:
    route = f" · 办理方式 {label(e.claim_route, ClaimRoute)}" if e.claim_route else ""
    return "已受理", f"类别 {label(e.kind, Kind)}{route}"


def _declined(e: PetitionNotAccepted) -> Milestone:
    route = f" · 导入途径 {label(e.routed_to, LegalRoute)}" if e.routed_to else ""
    return "不予受理", f"理由 {label(e.reason, NotAcceptedReason)}{route}"


def _merged(e: PetitionMerged) -> Milestone:
    return "已并入同一事项办理", "与正在办理的同一事项一并办理"  # never which case: it may be another petitioner's


def _assigned(e: CaseAssigned) -> Milestone:
    return "已交办", f"交办至 {e.department_name}"


def _reassigned(e: CaseReassigned) -> Milestone:
    return "已改派", f"改由 {e.department_name} 办理"


def _extended(e: ExtensionApproved) -> Milestone:
    return "办理期限已延长", f"延长 {e.days} 日 · 理由 {e.reason}"  # the reason the petitioner is told (Art 34)


def _replied(e: ReplyIssued) -> Milestone:
    return "已答复", f"处理意见 {label(e.opinion, Opinion)} · 答复日期 {e.replied_on.isoformat()}"


def _suggestion_answered(e: SuggestionAnswered) -> Milestone:
    return "已答复", f"采纳情况 {label(e.adoption, Adoption)} · 回复日期 {e.answered_on.isoformat()}"


def _duty_answered(e: DutyAnswered) -> Milestone:
    done = "已依法履行" if e.performed else "已依法答复"
    return "已答复", f"{done} · 答复日期 {e.answered_on.isoformat()}"


def _closed(e: CaseClosed) -> Milestone:
    return "已办结", ""


def _rated(e: SatisfactionRated) -> Milestone:
    return "已评价", f"评价 {label(e.rating, Rating)}"


def _sent_back(e: CaseSentBack) -> Milestone:
    return "已退回重新办理", f"第 {e.round} 轮办理"


def _review_requested(e: ReviewRequested) -> Milestone:
    return f"{label(e.stage, Stage)}申请已提交", ""


def _review_assigned(e: ReviewAssigned) -> Milestone:
    stage = label(e.stage, Stage)
    return f"{stage}已交办", f"交由 {e.body_name} {stage}" if e.body_name else ""


def _review_opinion(e: ReviewOpinionIssued) -> Milestone:
    return f"{label(e.stage, Stage)}意见已出具", f"结论 {label(e.outcome, ReviewOutcome)}"


def _finalised(e: CaseFinalised) -> Milestone:
    return "已终结", ""


# Every milestone a petitioner sees, each from one event; every other event shows nothing.
MILESTONES: dict[type[CaseEvent], Callable[[Any], Milestone]] = {
    PetitionRegistered: _received,
    MaterialsRequested: _materials_requested,
    MaterialsSupplemented: _materials_supplemented,
    PetitionAccepted: _accepted,
    PetitionNotAccepted: _declined,
    PetitionMerged: _merged,
    CaseAssigned: _assigned,
    CaseReassigned: _reassigned,
    ExtensionApproved: _extended,
    ReplyIssued: _replied,
    SuggestionAnswered: _suggestion_answered,
    DutyAnswered: _duty_answered,
    CaseClosed: _closed,
    SatisfactionRated: _rated,
    CaseSentBack: _sent_back,
    ReviewRequested: _review_requested,
    ReviewAssigned: _review_assigned,
    ReviewOpinionIssued: _review_opinion,
    CaseFinalised: _finalised,
}


def _forwarded(e: PetitionAccepted | CaseAssigned) -> Milestone:
    return TO_DISCIPLINE, ""


def _report_declined(e: PetitionNotAccepted) -> Milestone:
    return "不予受理", f"理由 {label(e.reason, NotAcceptedReason)}"


# A report's whole timeline (Art 30, 46(5)): received, and once accepted or assigned, forwarded — shown once.
REPORT_MILESTONES: dict[type[CaseEvent], Callable[[Any], Milestone]] = {
    PetitionRegistered: _received,
    PetitionAccepted: _forwarded,
    CaseAssigned: _forwarded,
    PetitionNotAccepted: _report_declined,
}


class CaseState:
    """What the view knows of a case while applying a batch: its kind, its milestones so far, whether a report
    was shown forwarded."""

    def __init__(self, kind: str, count: int, forwarded: bool):
        self.kind, self.count, self.forwarded = kind, count, forwarded

    def milestone(self, event: CaseEvent) -> Milestone | None:
        if self.kind != Kind.report:
            return MILESTONES[type(event)](event)
        shape = REPORT_MILESTONES.get(type(event))
        if shape is None:
            return None
        found = shape(event)
        if found[0] == TO_DISCIPLINE:
            if self.forwarded:
                return None
            self.forwarded = True
        return found


def utc(moment: datetime) -> datetime:
    """A moment in UTC; one read back from SQLite (which keeps no offset) was stored in UTC."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Tracking(Projection):
    """信访件查询: each case's lookup key and secret hash, and its public milestones."""

    name = "tracking"
    mark = 32
    tables = (tracking_cases, milestones)
    ignored = frozenset(t for t in EVENT_TYPES.values() if t not in MILESTONES)

    def applies(self, event: type[CaseEvent]) -> bool:
        return event in MILESTONES

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        """Each case's state read once for the batch (kind, milestones so far), its milestones written at the end."""
        registered = [e for e in events if isinstance(e, PetitionRegistered)]
        new = {e.case_id for e in registered}
        known = self._known(conn, [c for c in dict.fromkeys(e.case_id for e in events) if c not in new])
        if registered:  # after the read, which it cannot change: the read side's writes then go together
            conn.execute(
                insert(tracking_cases),
                [{"case_id": e.case_id, "tracking_key": e.tracking_key, "secret_hash": e.secret_hash,
                  "case_no": e.case_no, "kind": str(e.kind)} for e in registered],
            )  # fmt: skip
        rows: list[Row] = []
        for event in events:
            if isinstance(event, PetitionRegistered):
                known[event.case_id] = CaseState(str(event.kind), 0, False)
            state = known[event.case_id]
            found = state.milestone(event)
            if found is None:
                continue
            state.count += 1
            rows.append({"event_id": event.event_id, "case_id": event.case_id, "n": state.count,
                         "on": event.effective_on, "recorded_at": utc(event.recorded_at), "milestone": found[0],
                         "detail": found[1]})  # fmt: skip
        if rows:
            conn.execute(insert(milestones), rows)

    def _known(self, conn: Executes, case_ids: list[str]) -> dict[str, CaseState]:
        """What is stored of these cases: kind, milestones so far, and whether a report was shown forwarded."""
        kinds: dict[str, str] = {}
        counts: dict[str, int] = {}
        forwarded: set[str] = set()
        for part in chunks(case_ids):
            query = select(tracking_cases.c.case_id, tracking_cases.c.kind).where(tracking_cases.c.case_id.in_(part))
            kinds |= {case: kind for case, kind in conn.execute(query)}
            mine = milestones.c.case_id.in_(part)
            query = select(milestones.c.case_id, func.count()).where(mine).group_by(milestones.c.case_id)
            counts |= {case: int(n) for case, n in conn.execute(query)}
            query = select(milestones.c.case_id).where(mine, milestones.c.milestone == TO_DISCIPLINE).distinct()
            forwarded.update(conn.execute(query).scalars())
        return {case: CaseState(kinds.get(case) or "", counts.get(case, 0), case in forwarded) for case in case_ids}


def tracked_case(conn: Connection, tracking_key: str) -> Row | None:
    """The case a lookup key names, with its secret hash; None for a key no case has."""
    found = conn.execute(select(tracking_cases).where(tracking_cases.c.tracking_key == tracking_key)).mappings()
    first = found.first()
    return dict(first) if first is not None else None


def timeline(conn: Connection, case_id: str, as_of: date | None = None, known_at: datetime | None = None) -> list[Row]:
    """A case's milestones in order: those dated on or before ``as_of`` and recorded by ``known_at``, if given."""
    query = select(milestones).where(milestones.c.case_id == case_id).order_by(milestones.c.n)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    if as_of is not None:
        rows = [r for r in rows if r["on"] <= as_of]
    if known_at is not None:
        rows = [r for r in rows if utc(r["recorded_at"]) <= utc(known_at)]
    return rows
