"""Petition offices (受理机关) and their levels, read from the organisation tree, for the skip-level rule."""

from __future__ import annotations

from services.runtime.errors import InvalidInput
from services.runtime.organisation import Organisation

DISTRICT_BUREAU = "990100XFJ"  # 区信访局, the default office


class Offices:
    """Which area an office answers for, and whether one office sits below another (分级负责)."""

    def __init__(self, org: Organisation):
        self.org = org

    def check_unit(self, code: str, field: str) -> None:
        if code not in self.org.units:
            raise InvalidInput(f"{code!r} 不是本区的单位编码", field)

    def area(self, office: str) -> str:
        """A petition bureau answers for its parent unit's area; any other office for its own."""
        unit = self.org.units.get(office)
        if unit is not None and unit.kind == "petition_bureau" and unit.parent:
            return unit.parent
        return office

    def is_below(self, lower: str, upper: str) -> bool:
        """True when office ``lower`` works in an area strictly inside office ``upper``'s area."""
        low, high = self.area(lower), self.area(upper)
        return low != high and high in self.org.ancestors(low)
