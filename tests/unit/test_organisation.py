"""The shipped organisation and its routing catalogue (派单目录, 属地管理)."""

from __future__ import annotations

import pytest

from services.organisation import NoRoute, Organisation
from services.runtime.errors import InvalidInput

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
