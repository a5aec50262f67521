"""回访: each round's reply and closure, and the petitioner's rating of it; a merged petition is rated with its case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.vocabulary import Rating, label
from services.runtime.errors import Done
from services.supervision.domain.errors import AlreadyRated, NotClosedYet

FIRST_ROUND = 1


@dataclass
class ReturnVisit:
    """The rounds of a case as supervision follows them: replied, closed, rated; and merged petitions."""

    round: int = FIRST_ROUND
    replies: dict[int, date] = field(default_factory=dict)
    closures: dict[int, date] = field(default_factory=dict)
    ratings: dict[int, str] = field(default_factory=dict)
    rated: dict[int, Done] = field(default_factory=dict)  # who entered each round's rating, the day
    merged_into: str = ""
    merged_cases: list[str] = field(default_factory=list)

    @property
    def closed(self) -> bool:
        """The round under way is closed."""
        return self.round in self.closures

    def check_rateable(self, case_no: str) -> None:
        """一次回访: the round must be closed, and each round is rated once."""
        if not self.closed:
            raise NotClosedYet(f"案件 {case_no} 第 {self.round} 轮尚未办结，不能回访评价")
        if self.round in self.ratings:
            rating = label(self.ratings[self.round], Rating)
            raise AlreadyRated(f"案件 {case_no} 第 {self.round} 轮已{self.rated[self.round]} 回访评价为{rating}")

    def sends_back(self, rating: str) -> bool:
        """不满意 in the first round sends the case back for a new round; a merged petition never goes back."""
        return rating == "unsatisfied" and self.round == FIRST_ROUND and not self.merged_into
