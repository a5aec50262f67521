"""Intake (受理): registers petitions from every channel and decides acceptance."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from services.intake.commands import AcceptPetition, DeclinePetition, RegisterPetition
from services.intake.domain import Petition, hash_query_code
from services.organisation import Organisation
from services.runtime.store import ServiceApplication

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_query_code() -> str:
    """查询码: eight characters a petitioner can read out over the phone."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def case_number(case_id: UUID, entered_on: date) -> str:
    """信访件编号: entry date and the head of the case id, unique without a shared counter."""
    return f"XF{entered_on:%Y%m%d}{case_id.hex[:8].upper()}"


class IntakeApplication(ServiceApplication):
    name = "intake"

    def __init__(self, env: dict[str, str], org: Organisation):
        super().__init__(env=env)
        self.org = org

    def register(self, cmd: RegisterPetition) -> dict[str, Any]:
        self.org.check_category(cmd.category)
        self.org.check_locality(cmd.locality)
        code = new_query_code()
        today = date.today()
        case_id = uuid4()
        petitioners = [p.model_dump() for p in cmd.petitioners]
        petition = Petition(
            id=case_id,
            case_no=case_number(case_id, today),
            channel=cmd.channel,
            received_on=cmd.received_on or today,
            received_by=cmd.received_by,
            kind=cmd.kind,
            category=cmd.category,
            locality=cmd.locality,
            petitioners=petitioners,
            request=cmd.request,
            facts=cmd.facts,
            collective=Petition.is_collective(cmd.collective, petitioners),
            repeat=cmd.repeat,
            query_code_hash=hash_query_code(code),
            entered_on=today,
        )
        self.commit(petition)
        return {**self.summary(petition), "query_code": code}

    def accept(self, cmd: AcceptPetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.accept(cmd.on or date.today(), cmd.major, cmd.actor)
        self.commit(petition)
        return self.summary(petition)

    def decline(self, cmd: DeclinePetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.decline(cmd.on or date.today(), cmd.reason, cmd.explanation, cmd.actor)
        self.commit(petition)
        return self.summary(petition)

    def summary(self, petition: Petition) -> dict[str, Any]:
        return {"case_id": str(petition.id), "case_no": petition.case_no, "status": petition.status}

    def case(self, case_id: UUID) -> Petition:
        return self.load(case_id, Petition)
