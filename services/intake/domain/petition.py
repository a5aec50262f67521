"""The Petition aggregate (信访事项): registration, the materials notice, the acceptance decision and merging."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any
from uuid import UUID

from eventsourcing.domain import event

from events.intake import (
    CadreReportNotified,
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
    UrgentMatterReported,
)
from events.notices import NoticeServed
from events.vocabulary import ORAL_CHANNELS, Channel, ClaimRoute, Kind, NotAcceptedReason, NoticeKind, Risk
from services.intake.domain.errors import (
    AlreadyDecided,
    CadreOnlyForReports,
    ClaimRouteOnlyForClaims,
    CompetentBodyRequired,
    DecidedBeforeReceipt,
    GuidanceNotRecorded,
    MaterialsAlreadyRequested,
    MaterialsOutstanding,
    NoMaterialsOutstanding,
    ReceivedInFuture,
    RouteOnlyForLegalProcedure,
    RouteRequired,
    TooManyRepresentatives,
    WrittenPetitionIncomplete,
)
from services.intake.domain.matter import Matter
from services.intake.domain.offices import DISTRICT_BUREAU, Offices
from services.runtime.effective import CaseAggregate
from services.runtime.errors import Done
from services.runtime.notices import Notices, nothing_to_notify, notice_served
from services.runtime.organisation import Unit
from services.runtime.query_codes import lookup_key
from services.runtime.query_codes import new_query_code as new_query_code  # made in the runtime, still named here
from services.runtime.stored import Twin, same_fields, stored_events

COLLECTIVE_THRESHOLD = 5  # 5人以上为集体访
MAX_REPRESENTATIVES = 5  # Art 20


def case_number(case_id: UUID, entered_on: date) -> str:
    """信访件编号: entry date and the head of the case id, unique without a shared counter."""
    return f"XF{entered_on:%Y%m%d}{case_id.hex[:8].upper()}"


def check_written(channel: str, petitioners: list[dict[str, Any]], facts: str) -> None:
    """Art 19¶1: a written petition states the petitioner's name, address, request, facts and reasons; an oral one
    is recorded as told."""
    if channel in ORAL_CHANNELS:
        return
    for index, person in enumerate(petitioners):
        if not (person.get("address") or "").strip():
            raise WrittenPetitionIncomplete(
                f"书面信访须载明信访人 {person.get('name', '')} 的住址 (Art 19¶1)", f"petitioners.{index}.address"
            )
    if not facts.strip():
        raise WrittenPetitionIncomplete("书面信访须载明事实和理由 (Art 19¶1)", "facts")


def check_guidance(channel: str, skip_level: bool, guidance: str) -> None:
    """越级走访 (Art 20¶1): the petitioner is told where the matter belongs (本级或上一级), and that is recorded."""
    if channel == Channel.visit and skip_level and not guidance.strip():
        raise GuidanceNotRecorded(
            "越级走访须记录引导情况: 告知信访人到有权处理的本级或者上一级机关提出 (Art 20¶1, 47)", "guidance"
        )


class Decision(StrEnum):
    """Where the acceptance decision stands."""

    registered = "registered"
    accepted = "accepted"
    not_accepted = "not_accepted"
    merged = "merged"


DECISIONS = {Decision.accepted: "予以受理", Decision.not_accepted: "不予受理", Decision.merged: "合并到在办案件"}


class Materials(StrEnum):
    """一次性告知: whether materials were asked for, and supplied."""

    none = "none"
    outstanding = "outstanding"
    supplemented = "supplemented"


class Petition(CaseAggregate):
    """One petition from registration to the acceptance decision; its id is the case id."""

    NOTICES = frozenset({NoticeKind.accepted, NoticeKind.not_accepted, NoticeKind.transferred})

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
        office: str = DISTRICT_BUREAU,
        representatives: int = 0,
        skip_level: bool = False,
        related_case: UUID | None = None,
        reported_unit: str = "",
        matter_id: UUID | None = None,
        guidance: str = "",
        cadre: str = "",
        petitioner_key: str = "",
        secret_hash: str = "",
    ):
        if received_on > entered_on:
            raise ReceivedInFuture(f"来信来访日期 {received_on} 晚于登记日期 {entered_on}", "received_on")
        if representatives > MAX_REPRESENTATIVES:
            raise TooManyRepresentatives(
                f"案件 {case_no} 推选代表 {representatives} 人，多人走访代表不超过 {MAX_REPRESENTATIVES} 人",
                "representatives",
            )
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
        self.query_code_hash = query_code_hash  # 查询码索引: sha256 of the code, never the code
        self.secret_hash = secret_hash  # 查询密码: salted scrypt, never the secret ("" before secrets were issued)
        self.entered_on = entered_on
        self.office = office
        self.representatives = representatives
        self.skip_level = skip_level
        self.related_case = related_case
        self.reported_unit = reported_unit
        self.matter_id = matter_id
        self.guidance = guidance
        self.cadre = cadre  # 被反映干部: only ever told to the organisation department, never on the bus
        self.petitioner_key = petitioner_key  # 同一信访人, keyed (HMAC); never a name
        self.status = Decision.registered
        self.materials = Materials.none
        self.decline_reason: str | None = None
        self.notices = Notices()
        self.decided: Done | None = None  # the acceptance decision: who entered it, its day
        self.materials_requested: Done | None = None
        self.urgent_reports = 0  # 重大紧急信访 reported so far (首报, 续报)
        self.seen(received_on)

    @classmethod
    def register(
        cls,
        case_id: UUID,
        entered_on: date,
        matter: Matter,
        query_code: str,
        secret_hash: str,
        *,
        received_on: date | None,
        petitioners: list[dict[str, Any]],
        collective: bool,
        repeat: bool,
        related_case: UUID | None,
        **details: Any,
    ) -> Petition:
        """登记: received today unless entered late (补录); five or more petitioners make it collective (集体访); a
        matter that already has a case makes it a repeat (重复信访), linked to the matter's first case (首办). A visit
        to the wrong level records the guidance given (Art 20¶1, 47). The petitioner's 查询码 and 查询密码 are kept
        as hashes only (the secret's made by the caller: SecretsAhead)."""
        channel = details.get("channel", "")
        check_guidance(channel, details.get("skip_level", False), details.get("guidance", ""))
        if details.get("kind") != Kind.report:  # a report may come without a name (Art 30: its own rules)
            check_written(channel, petitioners, details.get("facts", ""))
            if details.get("cadre"):
                raise CadreOnlyForReports("只有检举控告类事项写明被反映干部 (Art 30¶2)", "cadre")
        return cls(
            id=case_id,
            case_no=case_number(case_id, entered_on),
            received_on=received_on or entered_on,
            petitioners=petitioners,
            collective=cls.is_collective(collective, petitioners),
            repeat=repeat or matter.has_earlier_case(),
            query_code_hash=lookup_key(query_code),
            secret_hash=secret_hash,
            entered_on=entered_on,
            related_case=related_case or matter.first_case(case_id),
            matter_id=matter.id,
            **details,
        )

    @staticmethod
    def is_collective(marked: bool, petitioners: list[dict[str, Any]]) -> bool:
        """集体访: marked by staff, or five or more petitioners."""
        return marked or len(petitioners) >= COLLECTIVE_THRESHOLD

    @property
    def is_report(self) -> bool:
        return bool(self.kind == Kind.report)

    def risks(self, marked_major: bool) -> list[str]:
        """风险标识 that make the case major (重大)."""
        flags = {
            Risk.marked: marked_major,
            Risk.collective: self.collective,
            Risk.repeat: self.repeat,
            Risk.skip_level: self.skip_level,
        }
        return [str(risk) for risk, applies in flags.items() if applies]

    def check_date(self, on: date) -> None:
        """An action's effective date: never before receipt, never before the case's previous event."""
        if on < self.received_on:
            raise DecidedBeforeReceipt(f"日期 {on} 早于收到日期 {self.received_on}", "on")
        self.check_on(on)

    def check_undecided(self) -> None:
        if self.decided is not None:
            raise AlreadyDecided(f"案件 {self.case_no} 已{self.decided} 作出受理决定：{DECISIONS[self.status]}")

    def check_materials_in(self) -> None:
        if self.materials == Materials.outstanding:
            raise MaterialsOutstanding(f"案件 {self.case_no} 的补正材料尚未补齐，不能受理")

    def request_materials(self, on: date, items: list[str], actor: str) -> None:
        self.check_date(on)
        self.check_undecided()
        if self.materials_requested is not None:
            raise MaterialsAlreadyRequested(
                f"案件 {self.case_no} 已{self.materials_requested} 一次性告知补正材料，不能再次告知", "items"
            )
        self._materials_requested(requested_on=on, items=items, actor=actor, case_no=self.case_no)

    @event("MaterialsRequested")
    def _materials_requested(self, requested_on: date, items: list[str], actor: str, case_no: str) -> None:
        self.seen(requested_on)
        self.materials = Materials.outstanding
        self.materials_requested = Done(actor, requested_on)

    def supplement_materials(self, on: date, items: list[str], actor: str) -> None:
        self.check_date(on)
        self.check_undecided()
        if self.materials != Materials.outstanding:
            raise NoMaterialsOutstanding(f"案件 {self.case_no} 没有待补正的材料")
        self._materials_supplemented(supplemented_on=on, items=items, actor=actor, case_no=self.case_no)

    @event("MaterialsSupplemented")
    def _materials_supplemented(self, supplemented_on: date, items: list[str], actor: str, case_no: str) -> None:
        self.seen(supplemented_on)
        self.materials = Materials.supplemented

    def accept(
        self,
        on: date,
        marked_major: bool,
        actor: str,
        matter: Matter,
        offices: Offices,
        new_facts: bool = False,
        claim_route: str = ClaimRoute.opinion,
    ) -> None:
        self.check_date(on)
        self.check_undecided()
        self.check_materials_in()
        self.check_claim_route(claim_route)
        matter.check_acceptable(self.case_no, self.office, on, new_facts, offices)
        risks = self.risks(marked_major)
        first = matter.first_case(self.id)
        self._accepted(
            accepted_on=on,
            major=bool(risks),
            actor=actor,
            case_no=self.case_no,
            received_on=self.received_on,
            kind=self.kind,
            category=self.category,
            locality=self.locality,
            collective=self.collective,
            repeat=self.repeat,
            skip_level=self.skip_level,
            risks=risks,
            related_case=str(first) if first else "",
            office=self.office,
            reported_unit=self.reported_unit,
            new_facts=new_facts,
            request="" if self.is_report else self.request,  # a report's content stays in intake (Art 30, 46)
            facts="" if self.is_report else self.facts,
            claim_route=claim_route if self.kind == Kind.claim else None,
        )
        if self.is_report and self.cadre:
            self.notify_organisation(offices.org.organisation_department(), on, bool(risks), actor)

    def check_claim_route(self, claim_route: str) -> None:
        if self.kind != Kind.claim and claim_route != ClaimRoute.opinion:
            raise ClaimRouteOnlyForClaims(
                f"案件 {self.case_no} 不是申诉求决类事项，不适用依法履行或者答复 (Art 31(5))", "claim_route"
            )

    def notify_organisation(self, department: Unit, on: date, escalated: bool, actor: str) -> None:
        """Art 30¶2: the bureau tells the organisation (人事) department of a report about a cadre, and a major one
        also to the party secretary and the leader in charge of organisation; who reported it and what it says stay
        here (Art 30¶3)."""
        self._cadre_report_notified(
            department=department.code, department_name=department.name, notified_on=on, escalated=escalated,
            actor=actor, case_no=self.case_no,
        )  # fmt: skip

    @event("CadreReportNotified")
    def _cadre_report_notified(
        self, department: str, department_name: str, notified_on: date, escalated: bool, actor: str, case_no: str
    ) -> None:
        self.seen(notified_on)

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
        skip_level: bool = False,
        risks: list[str] | None = None,
        related_case: str = "",
        office: str = DISTRICT_BUREAU,
        reported_unit: str = "",
        new_facts: bool = False,
        request: str = "",
        facts: str = "",
        claim_route: str | None = ClaimRoute.opinion,
    ) -> None:
        self.seen(accepted_on)
        self.status = Decision.accepted
        self.decided = Done(actor, accepted_on)
        self.major = major

    def check_route(self, reason: str, routed_to: str | None) -> None:
        """导入法定途径 (Art 31, 22): named exactly when the reason is legal_procedure."""
        if reason == NotAcceptedReason.legal_procedure and not routed_to:
            raise RouteRequired(f"案件 {self.case_no} 应通过法定途径解决，须告知导入的途径", "routed_to")
        if reason != NotAcceptedReason.legal_procedure and routed_to:
            raise RouteOnlyForLegalProcedure(f"案件 {self.case_no} 的不予受理理由 {reason} 不导入法定途径", "routed_to")

    def decline_basis(self, reason: str, on: date, matter: Matter, offices: Offices) -> UUID | None:
        """The earlier case a finalised or accepted-below decision rests on."""
        if reason == NotAcceptedReason.finalised:
            return matter.check_finalised(self.case_no)
        if reason == NotAcceptedReason.accepted_below:
            return matter.check_open_below(self.case_no, self.office, on, offices)
        return None

    def decline(
        self,
        on: date,
        reason: str,
        explanation: str,
        actor: str,
        matter: Matter,
        offices: Offices,
        routed_to: str | None = None,
    ) -> None:
        self.check_date(on)
        self.check_undecided()
        self.check_route(reason, routed_to)
        basis = self.decline_basis(reason, on, matter, offices)
        self._declined(
            decided_on=on,
            reason=reason,
            explanation=explanation,
            actor=actor,
            case_no=self.case_no,
            routed_to=routed_to,
            related_case=str(basis) if basis else "",
            withheld=self.is_report,
        )

    @event("NotAccepted")
    def _declined(
        self,
        decided_on: date,
        reason: str,
        explanation: str,
        actor: str,
        case_no: str,
        routed_to: str | None = None,
        related_case: str = "",
        withheld: bool = False,
    ) -> None:
        self.seen(decided_on)
        self.status = Decision.not_accepted
        self.decided = Done(actor, decided_on)
        self.decline_reason = reason

    def serve_notice(
        self, notice: str, method: str | None, content: str, unreachable: bool, competent_body: str, on: date,
        actor: str, round_: int = 1,
    ) -> None:  # fmt: skip
        """告知: the petitioner is told of the acceptance decision and of where the case went, once each; where the
        name or address is unclear, that is recorded instead (Art 23¶2)."""
        self.check_on(on)
        self.notices.check(self.case_no, self.NOTICES, notice, method, unreachable, round_)
        self.check_noticeable(notice, competent_body)
        self._notice_served(
            notice=notice, method=method, served_on=on, content=content, unreachable=unreachable,
            competent_body=competent_body, round=round_, actor=actor, case_no=self.case_no, withheld=self.is_report,
        )  # fmt: skip

    def check_noticeable(self, notice: str, competent_body: str) -> None:
        """受理告知 and 去向告知 follow acceptance; 不予受理告知 follows a decline, naming the competent body for a
        matter outside the scope (Art 23¶1)."""
        decided = Decision.not_accepted if notice == NoticeKind.not_accepted else Decision.accepted
        if self.status != decided:
            raise nothing_to_notify(self.case_no, notice)
        if self.decline_reason == NotAcceptedReason.outside_scope and not competent_body.strip():
            raise CompetentBodyRequired(
                f"案件 {self.case_no} 不属于受理范围，须告知向哪个机关、单位提出", "competent_body"
            )

    # 重大、紧急信访 (Art 25)

    def report_urgent(
        self, summary: str, measures: str, recipients: list[dict[str, str]], reported_at: datetime, on: date,
        actor: str,
    ) -> None:  # fmt: skip
        """重大、紧急信访事项 (Art 25): reported at once to the 本级党委和政府 and, by the bureau, to the next-level
        bureau and 国家信访局; notified to the competent departments and the joint conference office. A later
        report on the same case is a 续报."""
        self.check_on(on)
        self._urgent_reported(
            reported_at=reported_at, reported_on=on, summary=summary, measures=measures, recipients=recipients,
            sequence=self.urgent_reports + 1, actor=actor, case_no=self.case_no, withheld=self.is_report,
        )  # fmt: skip

    @event("UrgentMatterReported")
    def _urgent_reported(
        self, reported_at: datetime, reported_on: date, summary: str, measures: str, recipients: list[dict[str, str]],
        sequence: int, actor: str, case_no: str, withheld: bool = False,
    ) -> None:  # fmt: skip
        self.urgent_reports = sequence
        self.seen(reported_on)

    def merge(self, on: date, target: Petition, matter: Matter, actor: str) -> None:
        """重复信访: link the petition to the open case of its matter instead of opening it again."""
        self.check_date(on)
        self.check_undecided()
        matter.check_merge_target(self.case_no, target.id, self.related_case)
        self._merged(
            merged_on=on, merged_into=str(target.id), merged_into_no=target.case_no, actor=actor, case_no=self.case_no
        )

    @event("Merged")
    def _merged(self, merged_on: date, merged_into: str, merged_into_no: str, actor: str, case_no: str) -> None:
        self.seen(merged_on)
        self.status = Decision.merged
        self.decided = Done(actor, merged_on)

    @event("NoticeServed")
    def _notice_served(
        self, notice: str, method: str | None, served_on: date, content: str, unreachable: bool, competent_body: str,
        round: int, actor: str, case_no: str, withheld: bool = False,
    ) -> None:  # fmt: skip
        self.notices.record(notice, round, served_on, actor)
        self.seen(served_on)


def urgent_reported(stored: Any) -> dict[str, Any]:
    """重大紧急信访 on the bus: when and to whom; what was said of a report stays in intake (Art 30¶3, 46(5))."""
    withheld = getattr(stored, "withheld", False)
    return same_fields(stored, UrgentMatterReported) | ({"summary": "", "measures": ""} if withheld else {})


def registered(stored: Any) -> dict[str, Any]:
    """检举控告 (Art 30, 46): a report's request and facts are withheld; no petitioner ever goes on the bus."""
    withheld = stored.kind == Kind.report
    return same_fields(stored, PetitionRegistered) | {
        "request": "" if withheld else stored.request,
        "facts": "" if withheld else stored.facts,
        "petitioner_count": len(stored.petitioners),
        "related_case": str(stored.related_case or ""),
        "withheld": withheld,
        "recorded_as_told": stored.channel in ORAL_CHANNELS,
        "about_cadre": withheld and bool(getattr(stored, "cadre", "")),
        "petitioner_key": "" if withheld else getattr(stored, "petitioner_key", ""),  # a reporter is never linked
        "tracking_key": stored.query_code_hash,
        "secret_hash": getattr(stored, "secret_hash", "") or "",
    }


def declined(stored: Any) -> dict[str, Any]:
    """检举控告: what a reporter is told of the decline stays in intake (Art 30¶3, 46(5))."""
    return same_fields(stored, PetitionNotAccepted) | (
        {"explanation": ""} if getattr(stored, "withheld", False) else {}
    )


stored_events(
    Petition,
    "intake",
    "Petition",
    {
        "Registered": Twin(PetitionRegistered, registered),
        "MaterialsRequested": MaterialsRequested,
        "MaterialsSupplemented": MaterialsSupplemented,
        "Accepted": PetitionAccepted,
        "NotAccepted": Twin(PetitionNotAccepted, declined),
        "Merged": PetitionMerged,
        "NoticeServed": Twin(NoticeServed, notice_served),
        "UrgentMatterReported": Twin(UrgentMatterReported, urgent_reported),
        "CadreReportNotified": CadreReportNotified,
    },
)
