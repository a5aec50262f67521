"""The Petition aggregate (信访事项): registration and the acceptance decision, with their rules."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate, event

from services.runtime.errors import DomainError

COLLECTIVE_THRESHOLD = 5  # 5人以上为集体访


class AlreadyDecided(DomainError):
    """受理决定只能作出一次: the petition was already accepted or declined."""

    code = "already_decided"


class ReceivedInFuture(DomainError):
    """来信来访日期不能晚于登记日期 (补录 may be earlier, never later)."""

    code = "received_in_future"


class DecidedBeforeReceipt(DomainError):
    """受理/告知日期不能早于收到日期."""

    code = "decided_before_receipt"


def hash_query_code(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class Petition(Aggregate):
    """One petition from registration to the acceptance decision; its id is the case id."""

    @event("Registered")
    def __init__(
        self,
        id: UUID,
        case_no: str,
        channel: str,
        received_on: date,
        received_by: str,
        kind: str,
        category: str,
        locality: str,
        petitioners: list[dict[str, Any]],
        request: str,
        facts: str,
        collective: bool,
        repeat: bool,
        query_code_hash: str,
        entered_on: date,
    ):
        if received_on > entered_on:
            raise ReceivedInFuture(f"来信来访日期 {received_on} 晚于登记日期 {entered_on}", "received_on")
        self.case_no = case_no
        self.channel = channel
        self.received_on = received_on
        self.received_by = received_by
        self.kind = kind
        self.category = category
        self.locality = locality
        self.petitioners = petitioners
        self.request = request
        self.facts = facts
        self.collective = collective
        self.repeat = repeat
        self.query_code_hash = query_code_hash
        self.status = "registered"
        self.decided_on: date | None = None

    @staticmethod
    def is_collective(marked: bool, petitioners: list[dict[str, Any]]) -> bool:
        """集体访: marked by staff, or five or more petitioners."""
        return marked or len(petitioners) >= COLLECTIVE_THRESHOLD

    def check_undecided(self) -> None:
        if self.status != "registered":
            raise AlreadyDecided(f"案件 {self.case_no} 已作出受理决定 ({self.status})")

    def check_after_receipt(self, on: date) -> None:
        if on < self.received_on:
            raise DecidedBeforeReceipt(f"日期 {on} 早于收到日期 {self.received_on}", "on")

    def accept(self, on: date, marked_major: bool, actor: str) -> None:
        self.check_undecided()
        self.check_after_receipt(on)
        self._accepted(
            accepted_on=on,
            major=marked_major or self.collective or self.repeat,
            actor=actor,
            case_no=self.case_no,
            received_on=self.received_on,
            kind=self.kind,
            category=self.category,
            locality=self.locality,
            collective=self.collective,
            repeat=self.repeat,
        )

    @event("Accepted")
    def _accepted(
        self,
        accepted_on: date,
        major: bool,
        actor: str,
        case_no: str,
        received_on: date,
        kind: str,
        category: str,
        locality: str,
        collective: bool,
        repeat: bool,
    ) -> None:
        self.status = "accepted"
        self.decided_on = accepted_on
        self.major = major

    def decline(self, on: date, reason: str, explanation: str, actor: str) -> None:
        self.check_undecided()
        self.check_after_receipt(on)
        self._declined(decided_on=on, reason=reason, explanation=explanation, actor=actor, case_no=self.case_no)

    @event("NotAccepted")
    def _declined(self, decided_on: date, reason: str, explanation: str, actor: str, case_no: str) -> None:
        self.status = "not_accepted"
        self.decided_on = decided_on
