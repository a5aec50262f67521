"""Intake's application on a real SQLite file: matters, repeats, finality, skip-level, duplicates, merge, reports."""

from __future__ import annotations

import json
from datetime import timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from events import CaseEvent
from events.intake import (
    CadreReportNotified,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import CaseClosed, ReplyIssued, SuggestionAnswered
from events.notices import NoticeServed
from events.supervision import CaseFinalised, CaseSentBack, DeadlineRecorded
from services.intake.application import IntakeApplication
from services.intake.commands import (
    AcceptPetition,
    DeclinePetition,
    MergePetition,
    RegisterPetition,
    RequestMaterials,
    SupplementMaterials,
)
from services.intake.domain import Petition
from services.intake.domain.errors import (
    AcceptedBelow,
    CadreOnlyForReports,
    ClaimRouteOnlyForClaims,
    CompetentBodyRequired,
    DuplicateOfOpenCase,
    FinalisedMatter,
    GuidanceNotRecorded,
    MaterialsOutstanding,
    NotSameMatter,
    TargetNotOpen,
    WrittenPetitionIncomplete,
)
from services.intake.domain.identity import petitioner_secret
from services.runtime.errors import InvalidInput, NotFound
from services.runtime.notices import (
    NothingToNotify,
    NoticeAlreadyServed,
    NoticeMethodMissing,
    NoticeNotServedHere,
    ServeNotice,
)
from services.runtime.organisation import NoOrganisationDepartment, Organisation, organisation
from tests.support.clock import CLOCK, TODAY
from tests.support.harness import Reactor, public, sqlite_store

PERSON = {"name": "赵小明", "phone": "13900000042", "id_number": "990101198001010042", "address": "清河街道河畔社区9号"}
PETITION: dict[str, Any] = {
    "channel": "visit",
    "received_by": "接待科 王敏",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [PERSON],
    "request": "请求督促开发商修复渗漏的地下车库",
    "facts": "多次反映未果",
}
STREET = "990101"
GUIDANCE = "已告知到清河街道信访办反映"


class Intake:
    """The intake application on a SQLite file, with reactions fed the way the consumer feeds them."""

    def __init__(self, tmp_path: Path):
        env = sqlite_store(tmp_path, "intake")
        self.app = IntakeApplication(env, organisation(), CLOCK, petitioner_secret=petitioner_secret("k"))
        self.reactor = Reactor(self.app)

    def register(self, **changes: Any) -> dict[str, Any]:
        return self.app.register(RegisterPetition.model_validate({**PETITION, **changes}))

    def accept(self, case: dict[str, Any], **options: Any) -> dict[str, Any]:
        return self.app.accept(AcceptPetition(case_id=case["case_id"], **options))

    def react(self, cls: type[CaseEvent], case: dict[str, Any], **fields: Any) -> int:
        """Deliver one public event; returns how many events intake recorded for it."""
        return self.reactor.react(public(cls, case["case_id"], **fields))

    def public(self, case: dict[str, Any] | None = None) -> list[CaseEvent]:
        return self.reactor.public_events(case["case_id"] if case else None)

    def last(self, cls: type[CaseEvent], case: dict[str, Any]) -> Any:
        return [e for e in self.public(case) if isinstance(e, cls)][-1]


@pytest.fixture
def intake(tmp_path: Path) -> Intake:
    return Intake(tmp_path)


def close(intake: Intake, case: dict[str, Any]) -> None:
    intake.react(CaseClosed, case, case_no=case["case_no"], department="990100ZJJ", closed_on=TODAY)


def test_petitions_of_one_petitioner_about_one_matter_are_linked_and_repeats_flagged(intake: Intake) -> None:
    first = intake.register()
    spaced = {**PERSON, "name": "赵 小明", "id_number": " 990101 198001010042"}
    again = intake.register(petitioners=[spaced], request="还是车库渗漏")
    other_matter = intake.register(category="labour_social_security")
    elsewhere = intake.register(locality="990102", related_case=first["case_id"])
    assert (first["repeat"], again["repeat"], other_matter["repeat"], elsewhere["repeat"]) == (False, True, False, True)
    assert intake.last(PetitionRegistered, again).related_case == first["case_id"]
    assert intake.last(PetitionRegistered, other_matter).related_case == ""
    intake.accept(first)
    close(intake, first)
    intake.accept(elsewhere)
    accepted = intake.last(PetitionAccepted, elsewhere)
    assert accepted.repeat and accepted.major and "repeat" in accepted.risks
    assert accepted.related_case == first["case_id"]  # 首办责任 stays with the first case
    assert intake.last(PetitionAccepted, first).related_case == ""


def test_a_finalised_matter_is_refused_after_the_case_finalised_reaction_art_36(intake: Intake) -> None:
    first = intake.register()
    intake.accept(first)
    close(intake, first)
    assert intake.react(CaseFinalised, first, finalised_on=TODAY, basis="复核维持") == 1
    assert intake.react(CaseFinalised, first, finalised_on=TODAY, basis="复核维持") == 0
    again = intake.register()
    with pytest.raises(FinalisedMatter):
        intake.accept(again)
    intake.app.decline(DeclinePetition(case_id=again["case_id"], reason="finalised"))
    assert intake.last(PetitionNotAccepted, again).related_case == first["case_id"]
    with_new_facts = intake.register(facts="出现了新的事实和理由")
    assert intake.accept(with_new_facts, new_facts=True)["status"] == "accepted"


def test_a_matter_accepted_below_and_within_its_limit_is_refused_above_art_19(intake: Intake) -> None:
    below = intake.register(office=STREET)
    intake.accept(below)
    due = TODAY + timedelta(days=60)
    deadline = {"clock": "handling", "starts_on": TODAY, "due_on": due, "limit_days": 60}
    assert intake.react(DeadlineRecorded, below, **deadline) == 1
    assert intake.react(DeadlineRecorded, below, **deadline) == 0
    above = intake.register(skip_level=True, guidance=GUIDANCE)
    with pytest.raises(AcceptedBelow):
        intake.accept(above)
    intake.app.decline(DeclinePetition(case_id=above["case_id"], reason="accepted_below"))
    assert intake.last(PetitionNotAccepted, above).related_case == below["case_id"]
    reply = {"case_no": below["case_no"], "department": "990101", "opinion": "explained", "text": "已答复"}
    assert intake.react(ReplyIssued, below, replied_on=TODAY, **reply) == 1
    later = intake.register(skip_level=True, guidance=GUIDANCE)
    with pytest.raises(DuplicateOfOpenCase):  # replied, so not "within its limit", but still open
        intake.accept(later)
    close(intake, below)
    accepted = intake.accept(later)
    assert accepted["status"] == "accepted"
    assert intake.last(PetitionAccepted, later).risks == ["repeat", "skip_level"]


def test_a_skip_level_visit_records_the_guidance_given_art_20_47(intake: Intake) -> None:
    with pytest.raises(GuidanceNotRecorded) as refused:
        intake.register(skip_level=True)
    assert refused.value.field == "guidance"
    visit = intake.register(skip_level=True, guidance=GUIDANCE)
    assert intake.last(PetitionRegistered, visit).guidance == GUIDANCE
    assert intake.register(channel="letter", skip_level=True)["status"] == "registered"  # only a visit is guided


def test_a_written_petition_states_name_address_request_facts_and_reasons_art_19(intake: Intake) -> None:
    nameless = {**PERSON, "address": ""}
    with pytest.raises(WrittenPetitionIncomplete) as refused:
        intake.register(channel="letter", petitioners=[nameless])
    assert refused.value.field == "petitioners.0.address"
    with pytest.raises(WrittenPetitionIncomplete) as refused:
        intake.register(channel="online", facts="")
    assert refused.value.field == "facts"
    letter = intake.register(channel="letter")
    assert intake.last(PetitionRegistered, letter).recorded_as_told is False


def test_an_oral_petition_is_recorded_as_told_art_19(intake: Intake) -> None:
    call = intake.register(channel="phone", petitioners=[{**PERSON, "address": ""}], facts="")
    assert intake.last(PetitionRegistered, call).recorded_as_told is True


def test_a_case_sent_back_is_open_again_for_its_matter(intake: Intake) -> None:
    first = intake.register()
    intake.accept(first)
    close(intake, first)
    assert intake.react(CaseSentBack, first, round=2, reason="不满意", sent_back_on=TODAY) == 1
    assert intake.react(CaseSentBack, first, round=2, reason="不满意", sent_back_on=TODAY) == 0
    again = intake.register()
    with pytest.raises(DuplicateOfOpenCase):
        intake.accept(again)


def test_a_duplicate_is_merged_into_the_open_case_and_keeps_its_own_query_code(intake: Intake) -> None:
    first = intake.register()
    again = intake.register()
    stranger = intake.register(petitioners=[{"name": "钱某"}])
    with pytest.raises(TargetNotOpen):
        intake.app.merge(MergePetition(case_id=again["case_id"], into=first["case_id"]))
    intake.accept(first)
    intake.accept(stranger)
    with pytest.raises(DuplicateOfOpenCase):
        intake.accept(again)
    with pytest.raises(NotSameMatter):
        intake.app.merge(MergePetition(case_id=again["case_id"], into=stranger["case_id"]))
    merged = intake.app.merge(MergePetition(case_id=again["case_id"], into=first["case_id"]))
    assert merged["status"] == "merged" and merged["merged_into_no"] == first["case_no"]
    event = intake.last(PetitionMerged, again)
    assert (event.merged_into, event.merged_on) == (first["case_id"], TODAY)
    assert again["query_code"] != first["query_code"]
    assert (
        intake.app.load(UUID(again["case_id"]), Petition).query_code_hash
        != intake.app.load(UUID(first["case_id"]), Petition).query_code_hash
    )


def test_a_petition_waits_for_its_materials(intake: Intake) -> None:
    case = intake.register()
    intake.app.request_materials(RequestMaterials(case_id=case["case_id"], items=["身份证复印件", "购房合同"]))
    with pytest.raises(MaterialsOutstanding):
        intake.accept(case)
    intake.app.supplement_materials(SupplementMaterials(case_id=case["case_id"], items=["购房合同"]))
    assert intake.accept(case)["status"] == "accepted"
    types = [e.event_type for e in intake.public(case)]
    assert types == ["petition_registered", "materials_requested", "materials_supplemented", "petition_accepted"]


def test_registration_names_known_units_and_an_existing_related_case(intake: Intake) -> None:
    with pytest.raises(InvalidInput) as office:
        intake.register(office="nowhere")
    assert office.value.field == "office"
    with pytest.raises(InvalidInput) as reported:
        intake.register(kind="report", reported_unit="nowhere")
    assert reported.value.field == "reported_unit"
    with pytest.raises(NotFound) as related:
        intake.register(related_case="00000000-0000-0000-0000-000000000001")
    assert related.value.field == "related_case"


SECRETS = (PERSON["name"], PERSON["phone"], PERSON["id_number"], PERSON["address"])


def test_nothing_of_a_report_or_its_reporter_reaches_any_public_event_art_30_46(intake: Intake) -> None:
    report = intake.register(kind="report", reported_unit="990100ZJJ", request="举报某科长收受开发商财物")
    intake.app.request_materials(RequestMaterials(case_id=report["case_id"], items=["线索材料"]))
    intake.app.supplement_materials(SupplementMaterials(case_id=report["case_id"], items=["线索材料"]))
    intake.accept(report)
    events = intake.public(report)
    assert len(events) == 4
    registered = intake.last(PetitionRegistered, report)
    assert registered.withheld and registered.request == "" and registered.facts == ""
    assert registered.reported_unit == intake.last(PetitionAccepted, report).reported_unit == "990100ZJJ"
    for event in events:
        text = event.model_dump_json()
        for secret in (*SECRETS, "举报某科长收受开发商财物", PETITION["facts"]):
            assert secret not in text, (event.event_type, secret)


def test_no_public_event_carries_a_petitioners_identity(intake: Intake) -> None:
    first = intake.register(petitioners=[PERSON, *[{"name": f"居民{i}", "phone": "1"} for i in range(5)]])
    again = intake.register()
    intake.accept(first)
    intake.app.merge(MergePetition(case_id=again["case_id"], into=first["case_id"]))
    declined = intake.register(category="labour_social_security")
    intake.app.decline(DeclinePetition(case_id=declined["case_id"], reason="legal_procedure", routed_to="arbitration"))
    events = intake.public()
    assert {e.event_type for e in events} >= {"petition_registered", "petition_accepted", "petition_merged"}
    assert intake.last(PetitionNotAccepted, declined).routed_to == "arbitration"
    for event in events:
        for secret in SECRETS:
            assert secret not in event.model_dump_json()


def test_every_notice_is_its_own_record_with_its_day_and_method_art_23(intake: Intake) -> None:
    case = intake.register()
    with pytest.raises(NothingToNotify):  # nothing decided yet
        intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="accepted", method="written"))
    intake.accept(case)
    with pytest.raises(NoticeMethodMissing):
        intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="accepted"))
    with pytest.raises(NoticeNotServedHere):  # the reply is served by the department that wrote it
        intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="reply", method="written"))
    intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="accepted", method="sms", content="已受理"))
    with pytest.raises(NoticeAlreadyServed):
        intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="accepted", method="written"))
    served = intake.last(NoticeServed, case)
    assert (served.notice, served.method, served.served_on, served.content) == ("accepted", "sms", TODAY, "已受理")


def test_a_decline_outside_the_scope_names_where_to_go_and_an_unclear_address_is_recorded_art_23(
    intake: Intake,
) -> None:
    case = intake.register()
    intake.app.decline(DeclinePetition(case_id=case["case_id"], reason="outside_scope"))
    with pytest.raises(CompetentBodyRequired):
        intake.app.serve_notice(ServeNotice(case_id=case["case_id"], notice="not_accepted", method="written"))
    told = ServeNotice(case_id=case["case_id"], notice="not_accepted", unreachable=True, competent_body="区法院")
    intake.app.serve_notice(told)
    served = intake.last(NoticeServed, case)
    assert (served.unreachable, served.method, served.competent_body) == (True, None, "区法院")


def test_a_report_about_a_cadre_is_told_to_the_organisation_department_without_its_reporter_art_30_2(
    intake: Intake, tmp_path: Path
) -> None:
    request, cadre = "举报某街道副主任违规插手工程", "清河街道办事处副主任 某某"
    report = intake.register(kind="report", reported_unit=STREET, request=request, cadre=cadre)
    plain = intake.register(kind="report", category="other", request="举报某单位公车私用")
    intake.accept(report, major=True)
    intake.accept(plain)
    notified = intake.last(CadreReportNotified, report)
    assert (notified.department, notified.department_name) == ("990100ZZB", "区委组织部")
    assert notified.notified_on == TODAY and notified.escalated  # a major one also to the leaders (Art 30¶2)
    assert intake.last(PetitionRegistered, report).about_cadre
    assert not [e for e in intake.public(plain) if isinstance(e, CadreReportNotified)]
    for event in intake.public(report):
        for secret in (*SECRETS, request, cadre, PETITION["facts"]):
            assert secret not in event.model_dump_json(), (event.event_type, secret)
    with pytest.raises(CadreOnlyForReports):
        intake.register(cadre=cadre)
    data = json.loads(Path(resources.files("services").joinpath("district.json")).read_text(encoding="utf-8"))
    data["units"] = [u for u in data["units"] if u["kind"] != "organisation_department"]
    bare = IntakeApplication(sqlite_store(tmp_path, "bare"), Organisation(data), CLOCK, petitioner_secret("k"))
    with pytest.raises(NoOrganisationDepartment):
        bare.register(RegisterPetition.model_validate({**PETITION, "kind": "report", "cadre": cadre}))


def test_what_a_reporter_is_told_stays_in_intake_art_30_46(intake: Intake) -> None:
    report = intake.register(kind="report", reported_unit=STREET, request="举报某站长收受礼金")
    told = "经审查，所举报某站长收受礼金一事不属本机关受理范围"
    intake.app.decline(DeclinePetition(case_id=report["case_id"], reason="outside_scope", explanation=told))
    notice = {"notice": "not_accepted", "method": "written", "content": told, "competent_body": "市纪委监委"}
    intake.app.serve_notice(ServeNotice(case_id=report["case_id"], **notice))
    declined, served = intake.last(PetitionNotAccepted, report), intake.last(NoticeServed, report)
    assert (declined.explanation, served.content, served.competent_body) == ("", "", "市纪委监委")
    assert intake.app.load(UUID(report["case_id"]), Petition).decline_reason == "outside_scope"


def test_an_accepted_claim_carries_its_route_and_only_a_claim_has_one_art_31(intake: Intake) -> None:
    duty = intake.register(category="ecology_environment", request="请求查处夜间施工噪声扰民")
    intake.accept(duty, claim_route="duty")
    assert intake.last(PetitionAccepted, duty).claim_route == "duty"
    suggestion = intake.register(kind="suggestion", category="other", request="建议设立老年食堂")
    with pytest.raises(ClaimRouteOnlyForClaims):
        intake.accept(suggestion, claim_route="duty")
    intake.accept(suggestion)
    assert intake.last(PetitionAccepted, suggestion).claim_route is None


def test_a_suggestion_answered_below_is_no_longer_within_its_limit_there_art_19_29(intake: Intake) -> None:
    below = intake.register(kind="suggestion", category="other", office=STREET)
    intake.accept(below)
    above = intake.register(kind="suggestion", category="other", skip_level=True, guidance=GUIDANCE)
    with pytest.raises(AcceptedBelow):  # no limit of its own: within it until answered
        intake.accept(above)
    answer = {"case_no": below["case_no"], "department": "990101", "adoption": "adopted", "text": "采纳"}
    assert intake.react(SuggestionAnswered, below, answered_on=TODAY, **answer) == 1
    with pytest.raises(DuplicateOfOpenCase):  # answered, still open until closed
        intake.accept(above)
