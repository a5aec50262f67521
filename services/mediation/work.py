"""The work records of a round (调查核实、调解、听证、救助): what the department did before it replied."""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.domain import event

from services.mediation.rules import HandlingRules
from services.runtime.effective import CaseAggregate


class HandlingWork(CaseAggregate, HandlingRules):
    """The records half of the Handling aggregate (see domain.py); none is allowed once the round is replied."""

    def _context(self, actor: str) -> dict[str, Any]:
        """What every stored event of the round carries, so the public event needs nothing else."""
        return {"actor": actor, "case_no": self.case_no, "department": self.department, "round": self.round.number}

    def _recorded(self, kind: str, on: date) -> None:
        self.round.records.append(kind)
        self.seen(on)

    def record_investigation(self, findings: str, investigators: list[str], on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_replied("记录调查核实")
        self._investigated(findings=findings, investigators=investigators, investigated_on=on, **self._context(actor))

    def record_mediation(
        self, mediation_type: str, participants: list[str], agreed: bool, agreement: str, on: date, actor: str
    ) -> None:
        self.check_on(on)
        self.check_not_replied("调解")
        self.check_parties(participants)
        self.check_agreement(agreed, agreement)
        self._mediated(
            mediation_type=mediation_type,
            participants=participants,
            agreed=agreed,
            agreement=agreement,
            held_on=on,
            **self._context(actor),
        )

    def record_hearing(
        self, participants: list[str], conclusion: str, complex_case: bool, on: date, actor: str
    ) -> None:
        self.check_on(on)
        self.check_not_replied("举行听证")
        self.check_hearing_warranted(complex_case)
        self._heard(participants=participants, conclusion=conclusion, held_on=on, **self._context(actor))

    def grant_assistance(self, assistance_type: str, amount_fen: int, approved_by: str, on: date, actor: str) -> None:
        self.check_on(on)
        self.check_not_replied("落实救助")
        self.check_amount(amount_fen)
        self.check_approver(approved_by, "救助")
        self._assisted(
            assistance_type=assistance_type,
            amount_fen=amount_fen,
            approved_by=approved_by,
            granted_on=on,
            **self._context(actor),
        )

    @event("InvestigationRecorded")
    def _investigated(
        self,
        findings: str,
        investigators: list[str],
        investigated_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("investigation", investigated_on)

    @event("MediationHeld")
    def _mediated(
        self,
        mediation_type: str,
        participants: list[str],
        agreed: bool,
        agreement: str,
        held_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("mediation", held_on)

    @event("HearingHeld")
    def _heard(
        self,
        participants: list[str],
        conclusion: str,
        held_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("hearing", held_on)

    @event("AssistanceGranted")
    def _assisted(
        self,
        assistance_type: str,
        amount_fen: int,
        approved_by: str,
        granted_on: date,
        actor: str,
        case_no: str,
        department: str,
        round: int,
    ) -> None:
        self._recorded("assistance", granted_on)
