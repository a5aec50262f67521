"""Intake (受理): registers petitions from every channel, links them to their matter and decides acceptance."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any
from uuid import UUID, uuid4

from services.intake.commands import (
    AcceptPetition,
    DeclinePetition,
    MergePetition,
    RegisterPetition,
    RequestMaterials,
    SupplementMaterials,
)
from services.intake.domain import Petition, hash_query_code
from services.intake.identity import FALLBACK_SECRET, petitioner_key
from services.intake.matter import Matter, MatterIndex
from services.intake.offices import Offices
from services.intake.reactions import MatterReactions
from services.organisation import Organisation
from services.runtime.clock import Clock
from services.runtime.errors import NotFound
from services.runtime.store import ServiceApplication

QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def new_query_code() -> str:
    """查询码: eight characters a petitioner can read out over the phone."""
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(8))


def case_number(case_id: UUID, entered_on: date) -> str:
    """信访件编号: entry date and the head of the case id, unique without a shared counter."""
    return f"XF{entered_on:%Y%m%d}{case_id.hex[:8].upper()}"


class IntakeApplication(MatterReactions, ServiceApplication):
    name = "intake"

    def __init__(self, env: dict[str, str], org: Organisation, clock: Clock, petitioner_secret: bytes = b""):
        super().__init__(env, clock)
        self.org = org
        self.offices = Offices(org)
        self.secret = petitioner_secret or FALLBACK_SECRET

    def register(self, cmd: RegisterPetition) -> dict[str, Any]:
        self.check_places(cmd)
        code, today, case_id = new_query_code(), self.clock.today(), uuid4()
        petitioners = [p.model_dump() for p in cmd.petitioners]
        matter, index = self.matter_for(case_id, cmd, petitioners)
        first = matter.first_case(case_id)
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
            repeat=cmd.repeat or matter.has_earlier_case(),
            query_code_hash=hash_query_code(code),
            entered_on=today,
            office=cmd.office,
            representatives=cmd.representatives,
            skip_level=cmd.skip_level,
            related_case=cmd.related_case or first,
            reported_unit=cmd.reported_unit,
            matter_id=matter.id,
        )
        matter.add_case(case_id, petition.case_no)
        self.commit(petition, matter, *index)
        return {**self.summary(petition), "query_code": code, "repeat": petition.repeat}

    def check_places(self, cmd: RegisterPetition) -> None:
        self.org.check_category(cmd.category)
        self.org.check_locality(cmd.locality)
        self.offices.check_unit(cmd.office, "office")
        if cmd.reported_unit:
            self.offices.check_unit(cmd.reported_unit, "reported_unit")

    def matter_for(
        self, case_id: UUID, cmd: RegisterPetition, petitioners: list[dict[str, Any]]
    ) -> tuple[Matter, list[MatterIndex]]:
        """同一事项: the related case's matter, else the indexed (petitioner, category, locality), else a new one."""
        key = MatterIndex.key_for(petitioner_key(self.secret, petitioners), cmd.category, cmd.locality)
        index = self.find(MatterIndex.create_id(key), MatterIndex)
        if cmd.related_case is not None:
            matter = self.matter_of(self.load_as(cmd.related_case, "related_case"))
        elif index is not None:
            matter = self.load(index.matter_id, Matter)
        else:
            matter = Matter(root_case=case_id)
        return matter, [] if index is not None else [MatterIndex(key=key, matter_id=matter.id)]

    def matter_of(self, petition: Petition) -> Matter:
        matter = self.find(petition.matter_id or Matter.create_id(petition.id), Matter)
        if matter is None:  # a petition registered before intake kept matters
            matter = Matter(root_case=petition.id)
            matter.add_case(petition.id, petition.case_no)
        return matter

    def request_materials(self, cmd: RequestMaterials) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.request_materials(self.effective(cmd.on), cmd.items, cmd.actor)
        self.commit(petition)
        return self.summary(petition)

    def supplement_materials(self, cmd: SupplementMaterials) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.supplement_materials(self.effective(cmd.on), cmd.items, cmd.actor)
        self.commit(petition)
        return self.summary(petition)

    def accept(self, cmd: AcceptPetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        matter = self.matter_of(petition)
        petition.accept(self.effective(cmd.on), cmd.major, cmd.actor, matter, self.offices, cmd.new_facts)
        matter.open_case(petition.id, petition.office)
        self.commit(petition, matter)
        return self.summary(petition)

    def decline(self, cmd: DeclinePetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        on, matter = self.effective(cmd.on), self.matter_of(petition)
        petition.decline(on, cmd.reason, cmd.explanation, cmd.actor, matter, self.offices, cmd.routed_to)
        self.commit(petition)
        return self.summary(petition)

    def merge(self, cmd: MergePetition) -> dict[str, Any]:
        petition, target = self.load(cmd.case_id, Petition), self.load_as(cmd.into, "into")
        petition.merge(self.effective(cmd.on), target, self.matter_of(petition), cmd.actor)
        self.commit(petition)
        return {**self.summary(petition), "merged_into": str(target.id), "merged_into_no": target.case_no}

    def summary(self, petition: Petition) -> dict[str, Any]:
        return {"case_id": str(petition.id), "case_no": petition.case_no, "status": petition.status}

    def case(self, case_id: UUID) -> Petition:
        return self.load(case_id, Petition)

    def load_as(self, case_id: UUID, field: str) -> Petition:
        """A petition another field names, or NotFound naming that field."""
        petition = self.find(case_id, Petition)
        if petition is None:
            raise NotFound(f"案件 {case_id} 不存在", field)
        return petition
