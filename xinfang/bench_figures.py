"""One figure of `xinfang bench`: a measured value beside its peer of the same run, and the goal it must meet."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Figure:
    """One measured figure beside its peer of the same run, and the goal its ratio (or, ``absolute``, itself) must meet:
    at least ``goal``, or with ``at_most`` at most ``goal``."""

    name: str
    value: float
    unit: str
    peer: str
    peer_value: float
    goal: float
    at_most: bool = False
    key: str = ""  # a stable name: --quick checks that every one expected is there
    database: str = ""
    absolute: bool = False  # the goal bounds the value itself; there is no peer

    @property
    def ratio(self) -> float:
        if self.absolute:
            return self.value
        return self.value / self.peer_value if self.peer_value else 0.0

    @property
    def meets_goal(self) -> bool:
        if not math.isfinite(self.ratio):
            return False
        return self.ratio <= self.goal if self.at_most else self.ratio >= self.goal

    @property
    def goal_text(self) -> str:
        return f"{'≤' if self.at_most else '≥'} {self.goal:g}{f' {self.unit}' if self.absolute else ''}"
