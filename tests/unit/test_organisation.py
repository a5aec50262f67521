"""The shipped organisation and its routing catalogue (派单目录, 属地管理)."""

from __future__ import annotations

import pytest

from services.runtime.errors import InvalidInput
from services.runtime.organisation import NoHigherLevel, NoRoute, Organisation

ORG = Organisation.load()


def test_every_category_routes_district_wide() -> None:
    for category in ORG.categories:
        assert ORG.route(category, ORG.district["code"]).code in ORG.units


def test_a_local_matter_goes_to_its_township_and_a_village_inherits_it() -> None:
    township = ORG.route("urban_management", "990104")
    assert township.code == "990104"
    village = next(code for code, unit in ORG.units.items() if unit.parent == "990104")
    assert ORG.route("urban_management", village).code == "990104"


def test_every_department_has_an_owning_leader() -> None:
    for code, unit in ORG.units.items():
        if unit.kind in ("bureau", "township", "street"):
            assert ORG.leader_for(code) is not None, code


def test_unknown_codes_are_refused_by_name() -> None:
    with pytest.raises(InvalidInput) as raised:
        ORG.check_category("astrology")
    assert raised.value.field == "category"
    with pytest.raises(InvalidInput):
        ORG.check_locality("000000")
    with pytest.raises(NoRoute):
        ORG.route("astrology", "990101")


def test_the_district_sits_under_the_city_and_the_city_is_no_locality() -> None:
    assert ORG.units["990000"].kind == "city" and ORG.units["990100"].parent == "990000"
    assert ORG.units["990000"].parent == "980000" and ORG.units["980000"].kind == "province"
    assert len(ORG.units) == 58
    with pytest.raises(InvalidInput):
        ORG.check_locality("990000")


def test_some_catalogue_rows_name_co_handlers_art_24() -> None:
    lead, co_handlers = ORG.route_row("ecology_environment", "990104002")
    assert (lead.code, [u.code for u in co_handlers]) == ("990100STJ", ["990100CGJ"])
    assert [u.code for u in ORG.route_row("work_safety", "990101")[1]] == ["990100GAJ"]
    assert sum(1 for codes in ORG.co_handlers.values() if codes) == 4
    assert ORG.route_row("education", "990101")[1] == ()


def test_the_common_superior_is_below_the_district_else_the_joint_conference_art_24() -> None:
    assert ORG.common_superior("990104002", "990104003").code == "990104"  # type: ignore[union-attr]
    assert ORG.common_superior("990104PCS", "990104001").code == "990104"  # type: ignore[union-attr]
    assert ORG.common_superior("990100ZJJ", "990100CGJ") is None
    assert ORG.common_superior("990104", "990104001") is None  # a party is never its own judge
    assert ORG.common_superior("990101001", "990104001") is None


def test_the_next_level_up_reviews_art_35_36() -> None:
    assert ORG.next_level_up("990100ZJJ").code == "990100"
    assert ORG.next_level_up("990104002").code == "990104"
    assert ORG.next_level_up("990100").code == "990000"


def test_a_case_led_at_the_top_is_reviewed_by_the_body_named_above_never_by_itself_art_35_36() -> None:
    assert ORG.next_level_up("990000").code == "980000"  # the organisation file names the province above the city
    with pytest.raises(NoHigherLevel):
        ORG.next_level_up("980000")


def test_the_petition_bureau_decides_objections() -> None:
    assert ORG.petition_bureau().code == "990100XFJ"
