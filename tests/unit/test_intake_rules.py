"""Intake's rules (受理), named, on the Petition and Matter aggregates without infrastructure."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from events.intake import UrgentMatterReported
from events.vocabulary import LegalRoute, Risk, label
from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition, ReportUrgent
from services.intake.domain import Matter, Petition
from services.intake.domain.errors import (
    AcceptedBelow,
    AlreadyDecided,
    DecidedBeforeReceipt,
    DuplicateOfOpenCase,
    FinalisedMatter,
    MaterialsAlreadyRequested,
    MaterialsOutstanding,
    NoMaterialsOutstanding,
    NotAcceptedBelow,
    NotFinalised,
    NotSameMatter,
    ReceivedInFuture,
    RouteOnlyForLegalProcedure,
    RouteRequired,
    TargetNotOpen,
    TooManyRepresentatives,
)
from services.intake.domain.identity import petitioner_key
from services.intake.domain.matter import OpenCase
from services.intake.domain.offices import DISTRICT_BUREAU, Offices
from services.runtime.clock import OFFICE_TIME
from services.runtime.effective import BeforePreviousEvent
from services.runtime.errors import InvalidInput
from services.runtime.organisation import organisation
from tests.support.clock import CLOCK
from tests.support.harness import Reactor, memory_store

TODAY = date(2026, 11, 22)
STREET = "990101"  # 清河街道: a petition office below the district bureau
OFFICES = Offices(organisation())


def petition(received_on: date = TODAY, petitioners: int = 1, repeat: bool = False, **extra: Any) -> Petition:
    people = [{"name": f"信访人{i}"} for i in range(petitioners)]
    return Petition(
        id=uuid4(),
        case_no=extra.pop("case_no", "XF1"),
        channel="letter",
        received_on=received_on,
        received_by="王",
        kind=extra.pop("kind", "claim"),
        category="urban_construction",
        locality="990101",
        petitioners=people,
        request="诉求",
        facts="",
        collective=Petition.is_collective(False, people),
        repeat=repeat,
        query_code_hash="h",
        entered_on=TODAY,
        **extra,
    )


def matter_of(*petitions: Petition) -> Matter:
    matter = Matter(root_case=petitions[0].id)
    for p in petitions:
        matter.add_case(p.id, p.case_no)
    return matter


def accept(p: Petition, matter: Matter | None = None, on: date = TODAY, **options: Any) -> Matter:
    """Accept as the application does: the petition decides, its matter opens the case."""
    matter = matter or matter_of(p)
    p.accept(on, options.pop("major", False), "王", matter, OFFICES, **options)
    matter.open_case(p.id, p.office)
    return matter


def test_received_date_may_be_earlier_than_entry_but_never_later() -> None:
    assert petition(TODAY - timedelta(days=20)).received_on == TODAY - timedelta(days=20)
    with pytest.raises(ReceivedInFuture):
        petition(TODAY + timedelta(days=1))


def test_acceptance_is_decided_once() -> None:
    p = petition()
    matter = accept(p)
    with pytest.raises(AlreadyDecided):
        accept(p, matter)
    with pytest.raises(AlreadyDecided):
        p.decline(TODAY, "outside_scope", "", "王", matter, OFFICES)


def test_decision_cannot_predate_receipt() -> None:
    with pytest.raises(DecidedBeforeReceipt):
        accept(petition(), on=TODAY - timedelta(days=1))


def test_five_petitioners_make_a_collective_case_which_is_major() -> None:
    p = petition(petitioners=5)
    assert p.collective
    accept(p)
    assert p.major
    repeat = petition(repeat=True)
    accept(repeat)
    assert repeat.major
    plain = petition()
    accept(plain)
    assert not plain.major


def test_a_group_visit_names_at_most_five_representatives_art_20() -> None:
    assert petition(petitioners=30, representatives=5).representatives == 5
    with pytest.raises(TooManyRepresentatives) as raised:
        petition(petitioners=30, representatives=6)
    assert raised.value.field == "representatives"


def test_major_means_marked_collective_repeat_or_skip_level_and_lists_the_risks() -> None:
    p = petition(petitioners=5, repeat=True, skip_level=True)
    assert p.risks(True) == [Risk.marked, Risk.collective, Risk.repeat, Risk.skip_level]
    skip = petition(skip_level=True)
    accept(skip)
    assert skip.major
    assert petition().risks(False) == []


def test_materials_are_requested_once_listing_everything() -> None:
    p = petition()
    p.request_materials(TODAY, ["身份证复印件", "购房合同"], "王")
    assert p.materials == "outstanding"
    with pytest.raises(MaterialsAlreadyRequested):
        p.request_materials(TODAY, ["遗漏的一项"], "王")
    p.supplement_materials(TODAY, ["身份证复印件", "购房合同"], "王")
    with pytest.raises(MaterialsAlreadyRequested):
        p.request_materials(TODAY, ["再要一项"], "王")


def test_materials_are_requested_only_before_the_decision() -> None:
    p = petition()
    accept(p)
    with pytest.raises(AlreadyDecided):
        p.request_materials(TODAY, ["身份证复印件"], "王")


def test_a_supplement_needs_an_outstanding_notice() -> None:
    p = petition()
    with pytest.raises(NoMaterialsOutstanding):
        p.supplement_materials(TODAY, ["购房合同"], "王")


def test_a_petition_is_not_accepted_while_materials_are_outstanding() -> None:
    p = petition()
    p.request_materials(TODAY, ["购房合同"], "王")
    with pytest.raises(MaterialsOutstanding):
        accept(p)
    p.supplement_materials(TODAY, ["购房合同"], "王")
    accept(p)
    assert p.status == "accepted"


def test_an_action_is_never_dated_before_the_cases_previous_event() -> None:
    p = petition(TODAY - timedelta(days=10))
    p.request_materials(TODAY - timedelta(days=5), ["购房合同"], "王")
    with pytest.raises(BeforePreviousEvent):
        p.supplement_materials(TODAY - timedelta(days=6), ["购房合同"], "王")


def test_a_finalised_matter_is_not_accepted_again_without_new_facts_art_36() -> None:
    first = petition(TODAY - timedelta(days=200), case_no="XF-FIRST")
    matter = accept(first, on=TODAY - timedelta(days=200))
    matter.mark_closed(first.id, 1)
    matter.finalise(first.id, TODAY - timedelta(days=10))
    again = petition(repeat=True)
    matter.add_case(again.id, again.case_no)
    with pytest.raises(FinalisedMatter):
        accept(again, matter)
    accept(again, matter, new_facts=True)
    assert again.status == "accepted"


def test_a_matter_accepted_below_within_its_limit_is_not_accepted_above_art_19() -> None:
    below = petition(office=STREET, case_no="XF-BELOW")
    matter = accept(below)
    matter.record_due(below.id, TODAY + timedelta(days=60), 1)
    above = petition(office=DISTRICT_BUREAU, skip_level=True)
    matter.add_case(above.id, above.case_no)
    with pytest.raises(AcceptedBelow):
        accept(above, matter)
    # Past its limit, the case below no longer bars the petition as accepted below; it is still open.
    with pytest.raises(DuplicateOfOpenCase):
        accept(above, matter, on=TODAY + timedelta(days=61))


def test_a_bureau_office_answers_for_its_parent_area() -> None:
    assert OFFICES.area(DISTRICT_BUREAU) == "990100"
    assert OFFICES.is_below(STREET, DISTRICT_BUREAU)
    assert not OFFICES.is_below(DISTRICT_BUREAU, STREET)
    assert not OFFICES.is_below(DISTRICT_BUREAU, DISTRICT_BUREAU)
    assert not OFFICES.is_below("990102", STREET)


def test_a_duplicate_of_an_open_case_is_not_accepted() -> None:
    first = petition(case_no="XF-FIRST")
    matter = accept(first)
    again = petition()
    matter.add_case(again.id, again.case_no)
    with pytest.raises(DuplicateOfOpenCase):
        accept(again, matter)
    matter.mark_closed(first.id, 1)
    accept(again, matter)
    assert again.status == "accepted"


def test_an_accepted_repeat_names_the_matters_first_case() -> None:
    first = petition()
    matter = accept(first)
    matter.mark_closed(first.id, 1)
    again = petition(repeat=True)
    matter.add_case(again.id, again.case_no)
    accept(again, matter)
    assert matter.first_case(again.id) == first.id
    assert matter.first_case(first.id) is None


def test_a_legal_procedure_decline_names_its_route_art_31() -> None:
    p = petition()
    with pytest.raises(RouteRequired) as raised:
        p.decline(TODAY, "legal_procedure", "", "王", matter_of(p), OFFICES)
    assert raised.value.field == "routed_to"
    p.decline(TODAY, "legal_procedure", "请向人民法院起诉", "王", matter_of(p), OFFICES, "litigation")
    assert p.status == "not_accepted"


def test_a_party_members_appeal_goes_to_its_own_procedure_art_31() -> None:
    """Art 31(3): 党员申诉、申请复审 are 导入 their procedure like the other legal routes."""
    p = petition()
    p.decline(TODAY, "legal_procedure", "请按党员申诉程序提出", "王", matter_of(p), OFFICES, "party_appeal")
    (declined,) = [e for e in p.collect_events() if type(e).__name__ == "NotAccepted"]
    assert declined.routed_to == "party_appeal" and label(LegalRoute.party_appeal) == "党员申诉、申请复审"


def test_a_route_is_named_only_for_legal_procedure_art_31() -> None:
    p = petition()
    with pytest.raises(RouteOnlyForLegalProcedure):
        p.decline(TODAY, "outside_scope", "", "王", matter_of(p), OFFICES, "arbitration")


def test_declining_as_finalised_needs_a_finalised_matter_art_36() -> None:
    first = petition()
    matter = accept(first)
    again = petition()
    matter.add_case(again.id, again.case_no)
    with pytest.raises(NotFinalised):
        again.decline(TODAY, "finalised", "", "王", matter, OFFICES)
    matter.finalise(first.id, TODAY)
    again.decline(TODAY, "finalised", "", "王", matter, OFFICES)
    assert again.pending_events[-1].related_case == str(first.id)


def test_declining_as_accepted_below_needs_an_open_case_below_within_its_limit_art_19() -> None:
    same_level = petition()
    matter = accept(same_level)
    above = petition()
    matter.add_case(above.id, above.case_no)
    with pytest.raises(NotAcceptedBelow):
        above.decline(TODAY, "accepted_below", "", "王", matter, OFFICES)
    below = petition(office=STREET)
    matter = accept(below)
    matter.mark_replied(below.id, 1)
    matter.add_case(above.id, above.case_no)
    with pytest.raises(NotAcceptedBelow):
        above.decline(TODAY, "accepted_below", "", "王", matter, OFFICES)


def test_a_repeat_petition_merges_only_into_an_open_case_of_its_matter() -> None:
    first, other = petition(case_no="XF-FIRST"), petition()
    matter = matter_of(first)
    again = petition(related_case=first.id)
    matter.add_case(again.id, again.case_no)
    with pytest.raises(TargetNotOpen):
        again.merge(TODAY, first, matter, "王")
    accept(first, matter)
    with pytest.raises(NotSameMatter) as raised:
        again.merge(TODAY, other, matter, "王")
    assert raised.value.field == "into"
    again.merge(TODAY, first, matter, "王")
    assert again.status == "merged"
    with pytest.raises(AlreadyDecided):
        accept(again, matter)


def test_matter_reactions_are_idempotent_and_follow_rounds() -> None:
    p = petition()
    matter = accept(p)
    due = TODAY + timedelta(days=60)
    for _ in range(2):
        matter.record_due(p.id, due, 1)
        matter.mark_replied(p.id, 1)
        matter.mark_closed(p.id, 1)
    versions = matter.version
    matter.record_due(p.id, due, 1)
    matter.reopen(p.id, 2, p.office)
    matter.reopen(p.id, 2, p.office)
    assert matter.open[p.id] == OpenCase(office=p.office, due_on=None, replied=False)
    matter.mark_replied(p.id, 1)  # a late reply of the earlier round changes nothing
    matter.mark_closed(p.id, 1)
    assert matter.version == versions + 1 and p.id in matter.open
    matter.finalise(p.id, TODAY)
    matter.finalise(p.id, TODAY)
    assert matter.finalised and matter.version == versions + 2 and not matter.open


def test_the_same_petitioner_is_known_by_id_number_else_name_and_phone() -> None:
    secret = b"k"
    by_id = petitioner_key(secret, [{"name": "张三", "id_number": "11010119700101001x"}])
    assert by_id == petitioner_key(secret, [{"name": "张 三", "id_number": " 110101 19700101001X"}])
    by_phone = petitioner_key(secret, [{"name": "张三", "phone": "138-0000-0001"}])
    assert by_phone == petitioner_key(secret, [{"name": "张三", "phone": "13800000001"}])
    assert by_phone != petitioner_key(secret, [{"name": "李四", "phone": "13800000001"}])
    assert by_phone != petitioner_key(b"other", [{"name": "张三", "phone": "13800000001"}])


# 重大、紧急信访 (Art 25)


class Noon:
    """The office's clock at 12:00 北京时间 on the pinned day."""

    def today(self) -> date:
        return CLOCK.today()

    def now(self) -> datetime:
        return datetime.combine(CLOCK.today(), time(4, 0), tzinfo=UTC)


def urgent_case(received_on: date | None = None) -> tuple[IntakeApplication, UUID]:
    app = IntakeApplication(memory_store(), organisation(), Noon())
    petition: dict[str, Any] = {
        "channel": "visit", "received_by": "王敏", "category": "urban_construction", "locality": "990101001",
        "petitioners": [{"name": f"业主{i}"} for i in range(30)], "request": "要求开发商交房",
        "received_on": (received_on or CLOCK.today()).isoformat(),
    }  # fmt: skip
    return app, UUID(app.register(RegisterPetition.model_validate(petition))["case_id"])


def urgent_reports(app: IntakeApplication, case_id: UUID) -> list[UrgentMatterReported]:
    return [e for e in Reactor(app).public_events(str(case_id)) if isinstance(e, UrgentMatterReported)]


def test_an_urgent_matter_is_reported_at_once_to_the_party_government_and_the_bureau_above_art_25() -> None:
    app, case_id = urgent_case()
    report = {"case_id": case_id, "summary": "30余名业主聚集区政府门前", "measures": "已安排接谈"}
    answer = app.report_urgent(ReportUrgent.model_validate({**report, "departments": ["990100ZJJ"]}))
    (first,) = urgent_reports(app, case_id)
    assert (first.sequence, first.reported_on, first.measures) == (1, CLOCK.today(), "已安排接谈")
    assert first.reported_at == datetime.combine(CLOCK.today(), time(12, 0), tzinfo=OFFICE_TIME)
    assert [(r.role, r.name) for r in first.recipients] == [
        ("party_and_government", "中共清河区委、清河区人民政府"),
        ("competent_department", "区住房和城乡建设局"),
        ("joint_conference_office", "清河区信访工作联席会议办公室"),
        ("higher_bureau", "滨江市信访局"),
        ("national_bureau", "国家信访局"),
    ]
    assert answer["recipients"][1] == "区住房和城乡建设局"
    app.report_urgent(ReportUrgent.model_validate({**report, "summary": "人员已劝离", "at": "11:30"}))
    second = urgent_reports(app, case_id)[-1]
    assert (second.sequence, second.reported_at.hour, second.summary) == (2, 11, "人员已劝离")  # 续报


def test_an_urgent_report_entered_later_says_when_and_names_known_departments_art_25() -> None:
    app, case_id = urgent_case(received_on=CLOCK.today() - timedelta(days=3))
    earlier = {"case_id": case_id, "summary": "聚集", "on": (CLOCK.today() - timedelta(days=2)).isoformat()}
    with pytest.raises(InvalidInput) as untimed:
        app.report_urgent(ReportUrgent.model_validate(earlier))
    assert untimed.value.field == "at"
    with pytest.raises(InvalidInput) as unknown:
        app.report_urgent(ReportUrgent.model_validate({**earlier, "at": "09:00", "departments": ["NOPE"]}))
    assert unknown.value.field == "departments"
    today = {"case_id": case_id, "summary": "聚集"}
    with pytest.raises(InvalidInput) as ahead:
        app.report_urgent(ReportUrgent.model_validate({**today, "at": "12:30"}))
    assert ahead.value.field == "at"
    assert not urgent_reports(app, case_id)  # nothing half-written
    app.report_urgent(ReportUrgent.model_validate({**earlier, "at": "09:00"}))
    assert urgent_reports(app, case_id)[0].reported_at.isoformat().endswith("09:00:00+08:00")


def test_what_is_reported_of_an_urgent_report_against_an_official_stays_in_intake_art_25_30() -> None:
    app = IntakeApplication(memory_store(), organisation(), Noon())
    report = {
        "channel": "visit", "received_by": "王敏", "kind": "report", "category": "other", "locality": "990101001",
        "petitioners": [{"name": "检举人"}], "request": "举报某科长", "reported_unit": "990101",
    }  # fmt: skip
    case_id = UUID(app.register(RegisterPetition.model_validate(report))["case_id"])
    app.report_urgent(ReportUrgent(case_id=case_id, summary="检举人称某科长威胁其人身安全", measures="已报警"))
    (reported,) = urgent_reports(app, case_id)
    assert (reported.summary, reported.measures) == ("", "") and reported.recipients  # when and to whom only
