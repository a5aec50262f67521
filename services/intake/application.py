"""Intake (受理): registers petitions from every channel, links them to their matter and decides acceptance."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.domain import Aggregate

from events.mediation import CaseClosed, DutyAnswered, ReplyIssued, ReportFedBack, SuggestionAnswered
from events.supervision import CaseFinalised, CaseSentBack, DeadlineRecorded
from events.vocabulary import Clock as TimeLimit
from services.intake.commands import (
    AcceptPetition,
    DeclinePetition,
    MergePetition,
    RegisterPetition,
    ReportUrgent,
    RequestMaterials,
    ServeNotice,
    SupplementMaterials,
)
from services.intake.domain import Matter, MatterIndex, Offices, Petition
from services.intake.domain.identity import FALLBACK_SECRET, petitioner_key
from services.runtime.clock import OFFICE_TIME, Clock
from services.runtime.errors import InvalidInput, NotFound
from services.runtime.organisation import Organisation
from services.runtime.query_codes import SecretsAhead, new_query_code
from services.runtime.reactions import UnitOfWork
from services.runtime.store import ServiceApplication


class IntakeApplication(ServiceApplication):
    name = "intake"

    def __init__(self, env: dict[str, str], org: Organisation, clock: Clock, petitioner_secret: bytes = b""):
        super().__init__(env, clock)
        self.org = org
        self.offices = Offices(org)
        self.secret = petitioner_secret or FALLBACK_SECRET
        self.secrets = SecretsAhead()

    # Commands

    def register(self, cmd: RegisterPetition) -> dict[str, Any]:
        self._check_places(cmd)
        code, (secret, secret_hash), case_id = new_query_code(), self.secrets.take(), uuid4()
        who = petitioner_key(self.secret, [p.model_dump() for p in cmd.petitioners])
        matter, index = self._matter_for(case_id, cmd, who)
        petition = Petition.register(
            case_id,
            self.clock.today(),
            matter,
            code,
            secret_hash,
            **cmd.model_dump(exclude={"command_id"}),
            petitioner_key=who,
        )
        matter.add_case(case_id, petition.case_no)
        # The code and the secret leave intake once, in this answer; its store keeps their hashes only (and, with
        # a command_id, the answer sealed under that key for a repeat whose answer was lost: runtime.idempotency).
        return self.saved(petition, matter, *index, query_code=code, secret=secret, repeat=petition.repeat)

    def request_materials(self, cmd: RequestMaterials) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.request_materials(self.effective(cmd.on), cmd.items, cmd.actor)
        return self.saved(petition)

    def supplement_materials(self, cmd: SupplementMaterials) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.supplement_materials(self.effective(cmd.on), cmd.items, cmd.actor)
        return self.saved(petition)

    def accept(self, cmd: AcceptPetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        matter = self.matter_of(petition)
        on = self.effective(cmd.on)
        petition.accept(on, cmd.major, cmd.actor, matter, self.offices, cmd.new_facts, cmd.claim_route)
        matter.open_case(petition.id, petition.office)
        return self.saved(petition, matter)

    def decline(self, cmd: DeclinePetition) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        on, matter = self.effective(cmd.on), self.matter_of(petition)
        petition.decline(on, cmd.reason, cmd.explanation, cmd.actor, matter, self.offices, cmd.routed_to)
        return self.saved(petition)

    def merge(self, cmd: MergePetition) -> dict[str, Any]:
        petition, target = self.load(cmd.case_id, Petition), self.load_as(cmd.into, "into")
        petition.merge(self.effective(cmd.on), target, self.matter_of(petition), cmd.actor)
        return self.saved(petition, merged_into=str(target.id), merged_into_no=target.case_no)

    def report_urgent(self, cmd: ReportUrgent) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        on = self.effective(cmd.on)
        reported_at = self.reported_at(on, cmd.at)
        notified = [self.org.unit(code, "departments") for code in cmd.departments]
        recipients = [{"role": role, "code": code, "name": name} for role, code, name in self.org.urgent_recipients()]
        recipients[1:1] = [{"role": "competent_department", "code": u.code, "name": u.name} for u in notified]
        petition.report_urgent(cmd.summary, cmd.measures, recipients, reported_at, on, cmd.actor)
        return self.saved(petition, reported_at=reported_at.isoformat(), recipients=[r["name"] for r in recipients])

    def reported_at(self, on: date, at: time | None) -> datetime:
        """When a report was made, office time: now, or the time staff give (required for an earlier day)."""
        now = self.clock.now().astimezone(OFFICE_TIME)
        if at is None:
            if on != self.clock.today():
                raise InvalidInput(f"补录 {on} 的报告须写明报告时刻 (HH:MM)", "at")
            return now
        reported = datetime.combine(on, at, tzinfo=OFFICE_TIME)
        if reported > now:
            raise InvalidInput(f"报告时刻 {reported:%Y-%m-%d %H:%M} 晚于当前时间", "at")
        return reported

    def serve_notice(self, cmd: ServeNotice) -> dict[str, Any]:
        petition = self.load(cmd.case_id, Petition)
        petition.serve_notice(
            cmd.notice, cmd.method, cmd.content, cmd.unreachable, cmd.competent_body, self.effective(cmd.on), cmd.actor
        )
        return self.saved(petition)

    # Reactions: what happens to a matter's cases later decides whether a new petition is accepted.

    def on_deadline_recorded(self, recorded: DeadlineRecorded, uow: UnitOfWork) -> None:
        """Art 19 needs the handling limit of a case accepted below."""
        found = self.case_and_matter(recorded, uow) if recorded.clock == TimeLimit.handling else None
        if found is not None:
            found[1].record_due(found[0].id, recorded.due_on, recorded.round)

    def on_reply_issued(
        self, replied: ReplyIssued | SuggestionAnswered | DutyAnswered | ReportFedBack, uow: UnitOfWork
    ) -> None:
        """Art 19: a case answered below (whatever its kind's answer) is no longer within its limit there."""
        found = self.case_and_matter(replied, uow)
        if found is not None:
            found[1].mark_replied(found[0].id, replied.round)

    def on_case_closed(self, closed: CaseClosed, uow: UnitOfWork) -> None:
        found = self.case_and_matter(closed, uow)
        if found is not None:
            found[1].mark_closed(found[0].id, closed.round)

    def on_case_sent_back(self, sent_back: CaseSentBack, uow: UnitOfWork) -> None:
        found = self.case_and_matter(sent_back, uow)
        if found is not None:
            found[1].reopen(found[0].id, sent_back.round, found[0].office)

    def on_case_finalised(self, finalised: CaseFinalised, uow: UnitOfWork) -> None:
        """Art 36: after finalisation the same facts and reasons are not accepted again."""
        found = self.case_and_matter(finalised, uow)
        if found is not None:
            found[1].finalise(found[0].id, finalised.finalised_on)

    # Loading

    def _check_places(self, cmd: RegisterPetition) -> None:
        self.org.check_category(cmd.category)
        self.org.check_locality(cmd.locality)
        self.offices.check_unit(cmd.office, "office")
        if cmd.reported_unit:
            self.offices.check_unit(cmd.reported_unit, "reported_unit")
        if cmd.cadre:
            self.org.organisation_department()  # Art 30¶2: there must be one to tell

    def _matter_for(self, case_id: UUID, cmd: RegisterPetition, who: str) -> tuple[Matter, list[MatterIndex]]:
        """同一事项: the related case's matter, else the indexed (petitioner, category, locality), else a new one."""
        key = MatterIndex.key_for(who, cmd.category, cmd.locality)
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

    def case_and_matter(self, event: Any, uow: UnitOfWork) -> tuple[Petition, Matter] | None:
        """The petition an event of another service is about, and its matter; None for a case intake never had."""
        petition = uow.get(UUID(event.case_id), Petition)
        if petition is None:
            return None
        matter = uow.get(petition.matter_id or Matter.create_id(petition.id), Matter)
        if matter is None:
            return None
        uow.add(matter)
        return petition, matter

    def load_as(self, case_id: UUID, field: str) -> Petition:
        """A petition another field names, or NotFound naming that field."""
        petition = self.find(case_id, Petition)
        if petition is None:
            raise NotFound(f"案件 {case_id} 不存在", field)
        return petition

    def saved(self, petition: Petition, *others: Aggregate, **extra: Any) -> dict[str, Any]:
        self.commit(petition, *others)
        return {"case_id": str(petition.id), "case_no": petition.case_no, "status": str(petition.status), **extra}
