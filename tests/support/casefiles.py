"""Events of hand-built cases, for the read-side views' tests: each builder makes one public event of one case."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from events import CaseEvent
from events.assignment import AssignmentReceived, CaseAcknowledged, CaseAssigned
from events.intake import PetitionAccepted, PetitionRegistered
from events.mediation import CaseClosed, CoHandlerOpinionSubmitted, ReplyIssued
from events.supervision import (
    CaseSentBack,
    ClockStopped,
    DeadlineRecorded,
    SatisfactionRated,
    SupervisionOrderAnswered,
    SupervisionOrderIssued,
    WarningIssued,
)

RECORDED = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # 20:00 on 30 November, office time


class Case:
    """One hand-built case: ``c.registered(...)``, ``c.clock(...)`` … each returns its event."""

    def __init__(self, case_no: str, recorded_at: datetime = RECORDED):
        self.case_no = case_no
        self.case_id = str(uuid.uuid5(uuid.NAMESPACE_URL, case_no))
        self.recorded_at = recorded_at
        self.n = 0

    def _event(self, cls: type[CaseEvent], recorded_at: datetime | None = None, **fields: Any) -> Any:
        self.n += 1
        at = recorded_at or self.recorded_at
        envelope = {"event_id": f"{self.case_id[:30]}-{self.n:05d}", "case_id": self.case_id, "occurred_at": at,
                    "recorded_at": at}  # fmt: skip
        if "case_no" in cls.model_fields:
            envelope["case_no"] = self.case_no
        return cls(**envelope, **fields)

    def registered(self, on: date, recorded_at: datetime | None = None, **fields: Any) -> PetitionRegistered:
        values = {"channel": "visit", "received_on": on, "received_by": "接访员", "kind": "claim",
                  "category": "housing", "locality": "990101", "request": "请求", "office": "990100XFJ",
                  **fields}  # fmt: skip
        return self._event(PetitionRegistered, recorded_at, **values)  # type: ignore[no-any-return]

    def accepted(self, on: date, **fields: Any) -> PetitionAccepted:
        values = {"accepted_on": on, "received_on": on, "kind": "claim", "category": "housing", "locality": "990101",
                  "office": "990100XFJ", **fields}  # fmt: skip
        return self._event(PetitionAccepted, **values)  # type: ignore[no-any-return]

    def assigned(self, unit: str, on: date, leader: str = "", co_handlers: tuple[str, ...] = ()) -> CaseAssigned:
        return self._event(  # type: ignore[no-any-return]
            CaseAssigned, department=unit, department_name=unit, assigned_on=on, owning_leader=leader,
            owning_leader_name=leader, first_unit=unit, co_handlers=list(co_handlers),
            co_handler_names=list(co_handlers),
        )  # fmt: skip

    def received(self, unit: str, on: date, objection_due: date | None = None, lead: bool = True) -> Any:
        return self._event(
            AssignmentReceived, department=unit, received_on=on, objection_due_on=objection_due, lead=lead
        )

    def acknowledged(self, unit: str, on: date) -> CaseAcknowledged:
        return self._event(CaseAcknowledged, department=unit, acknowledged_on=on)  # type: ignore[no-any-return]

    def clock(self, name: str, starts: date, due: date, round: int = 1) -> DeadlineRecorded:
        return self._event(  # type: ignore[no-any-return]
            DeadlineRecorded, clock=name, starts_on=starts, due_on=due, limit_days=(due - starts).days, round=round
        )

    def stopped(self, name: str, on: date, due: date, round: int = 1) -> ClockStopped:
        return self._event(  # type: ignore[no-any-return]
            ClockStopped, clock=name, stopped_on=on, due_on=due, on_time=on <= due, round=round
        )

    def warned(self, name: str, on: date, due: date) -> WarningIssued:
        return self._event(  # type: ignore[no-any-return]
            WarningIssued, clock=name, due_on=due, days_left=(due - on).days, warned_on=on
        )

    def replied(self, unit: str, on: date, round: int = 1) -> ReplyIssued:
        return self._event(  # type: ignore[no-any-return]
            ReplyIssued, department=unit, opinion="supported", text="处理意见", replied_on=on, round=round
        )

    def co_opinion(self, unit: str, on: date) -> CoHandlerOpinionSubmitted:
        return self._event(  # type: ignore[no-any-return]
            CoHandlerOpinionSubmitted, department=unit, opinion="协办意见", submitted_on=on
        )

    def closed(self, unit: str, on: date, round: int = 1) -> CaseClosed:
        return self._event(CaseClosed, department=unit, closed_on=on, round=round)  # type: ignore[no-any-return]

    def rated(self, rating: str, on: date, round: int = 1) -> SatisfactionRated:
        return self._event(SatisfactionRated, rating=rating, rated_on=on, round=round)  # type: ignore[no-any-return]

    def sent_back(self, on: date, round: int = 2) -> CaseSentBack:
        return self._event(CaseSentBack, round=round, reason="不满意", sent_back_on=on)  # type: ignore[no-any-return]

    def order(self, no: str, unit: str, on: date, due: date, form: str = "letter") -> SupervisionOrderIssued:
        return self._event(  # type: ignore[no-any-return]
            SupervisionOrderIssued, order_no=no, department=unit, reason="督办", issued_on=on, answer_due_on=due,
            form=form,
        )  # fmt: skip

    def order_answered(self, no: str, unit: str, on: date) -> SupervisionOrderAnswered:
        return self._event(  # type: ignore[no-any-return]
            SupervisionOrderAnswered, order_no=no, department=unit, answer="已办理", answered_on=on
        )
