"""The organisation (单位树, 包案领导) and the routing catalogue (派单目录), read from a JSON file."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from services.runtime.errors import DomainError, InvalidInput


class NoRoute(DomainError):
    """派单目录中没有对应的责任单位."""

    code = "no_route"


class NoHigherLevel(DomainError):
    """复查、复核由上一级机关办理 (Art 35, 36): the organisation file names no body above this one."""

    code = "no_higher_level"


class NoOrganisationDepartment(DomainError):
    """反映干部问题的信访情况向组织（人事）部门通报 (Art 30¶2): the organisation file names no such department."""

    code = "no_organisation_department"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: str
    parent: str | None


@dataclass(frozen=True)
class Leader:
    id: str
    name: str
    title: str
    oversees: tuple[str, ...]


class Organisation:
    """Units form a tree; a catalogue maps category × locality to the responsible department."""

    def __init__(self, data: dict):
        self.district = data["district"]
        self.units = {u["code"]: Unit(u["code"], u["name"], u["kind"], u["parent"]) for u in data["units"]}
        self.leaders = {x["id"]: Leader(x["id"], x["name"], x["title"], tuple(x["oversees"])) for x in data["leaders"]}
        self.categories = {c["code"]: c["name"] for c in data["categories"]}
        self.catalogue = {(r["category"], r["locality"]): r["department"] for r in data["catalogue"]}
        self.co_handlers = {(r["category"], r["locality"]): tuple(r.get("co_handlers", ())) for r in data["catalogue"]}
        self._leader_of = {unit: leader.id for leader in self.leaders.values() for unit in leader.oversees}
        self.urgent_reporting: dict[str, dict[str, str]] = data.get("urgent_reporting", {})

    @classmethod
    def load(cls, path: Path | None = None) -> Organisation:
        if path is None:
            text = resources.files("services").joinpath("district.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls(json.loads(text))

    def check_category(self, category: str) -> None:
        if category not in self.categories:
            raise InvalidInput(f"问题分类 {category!r} 不在分类目录中", "category")

    def check_locality(self, locality: str) -> None:
        if self.district["code"] not in self.ancestors(locality):
            raise InvalidInput(f"问题属地 {locality!r} 不是本区的单位编码", "locality")

    def unit(self, code: str, field: str = "department") -> Unit:
        """The unit with this code, or InvalidInput naming the field that carried it."""
        unit = self.units.get(code)
        if unit is None:
            raise InvalidInput(f"单位编码 {code!r} 不在单位目录中", field)
        return unit

    def ancestors(self, code: str) -> list[str]:
        """The unit and every unit above it, nearest first."""
        chain = []
        current: str | None = code
        while current is not None and current in self.units:
            chain.append(current)
            current = self.units[current].parent
        return chain

    def route(self, category: str, locality: str) -> Unit:
        """属地管理、分级负责: the most local catalogue row wins, else the category's district-wide row."""
        return self.route_row(category, locality)[0]

    def route_row(self, category: str, locality: str) -> tuple[Unit, tuple[Unit, ...]]:
        """The lead department (主办) and the co-handlers (协办; Art 24¶1: a matter of several units) of the most
        local catalogue row."""
        for place in [*self.ancestors(locality), "*"]:
            department = self.catalogue.get((category, place))
            if department is not None:
                return self.units[department], tuple(self.units[c] for c in self.co_handlers[(category, place)])
        raise NoRoute(f"派单目录中没有 {category} × {locality} 的责任单位", "category")

    def common_superior(self, a: str, b: str) -> Unit | None:
        """共同上级 (Art 24): the nearest unit above both that is below the district; None: the joint conference."""
        above_b = set(self.ancestors(b)[1:])
        for code in self.ancestors(a)[1:]:
            if code == self.district["code"]:
                return None
            if code in above_b:
                return self.units[code]
        return None

    def next_level_up(self, code: str) -> Unit:
        """上一级 (Art 35, 36): the parent unit, never the unit itself; the organisation file names the bodies above
        the district (市, 省) so that a case led at the district's top still has a higher body to review it."""
        unit = self.units[code]
        if unit.parent is None or unit.parent not in self.units:
            raise NoHigherLevel(f"单位目录中 {unit.name} ({code}) 之上没有上一级机关；请在单位目录中写明", "department")
        return self.units[unit.parent]

    def leader_for(self, unit_code: str) -> Leader | None:
        """包案领导: the district leader in charge (分管) of the unit or of the unit above it."""
        for code in self.ancestors(unit_code):
            leader_id = self._leader_of.get(code)
            if leader_id is not None:
                return self.leaders[leader_id]
        return None

    def petition_bureau(self) -> Unit:
        """信访部门 of the district: it decides objections to an assignment (Art 23)."""
        district = self.district["code"]
        return next(u for u in self.units.values() if u.kind == "petition_bureau" and u.parent == district)

    def urgent_recipients(self) -> list[tuple[str, str, str]]:
        """重大、紧急信访 (Art 25): (role, code, name) of the bodies every such matter is reported or notified to, as
        the org file's ``urgent_reporting`` names them; the district's own party committee and government by default."""
        district = self.district
        defaults = {
            "party_and_government": {"code": district["code"], "name": f"{district['name']}党委和政府"},
            "joint_conference_office": {"code": "", "name": f"{district['name']}信访工作联席会议办公室"},
        }
        named = {**defaults, **self.urgent_reporting}
        order = ("party_and_government", "joint_conference_office", "higher_bureau", "national_bureau")
        return [(role, named[role].get("code", ""), named[role]["name"]) for role in order if role in named]

    def organisation_department(self) -> Unit:
        """组织（人事）部门 of the district (kind ``organisation_department``): a report about a cadre is told to it
        (Art 30¶2)."""
        district = self.district["code"]
        for unit in self.units.values():
            if unit.kind == "organisation_department" and unit.parent == district:
                return unit
        raise NoOrganisationDepartment(
            "单位目录中没有本区的组织（人事）部门 (organisation_department)，反映干部问题的检举控告无从通报", "cadre"
        )

    def unit_name(self, code: str) -> str:
        unit = self.units.get(code)
        return unit.name if unit else code

    def name_of(self, code: str) -> str:
        """A category's, unit's or leader's name for its code; any other text as it is."""
        leader = self.leaders.get(code)
        return self.categories.get(code) or (leader.name if leader else self.unit_name(code))


@cache
def organisation(path: Path | None = None) -> Organisation:
    return Organisation.load(path)
