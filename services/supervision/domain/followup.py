"""What follows a decision: a supported opinion followed until carried out (督促执行, Art 32¶2), a heard re-review
opinion made public (公示, Art 36¶2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.runtime.errors import Done
from services.supervision.domain.errors import (
    AlreadyPublicised,
    NoExecutionPending,
    NothingToPublicise,
    OpinionNotHeard,
    PublicityPeriodInvalid,
)


@dataclass
class FollowUp:
    """督促执行 by round: the day each supported opinion was carried out, None while it is followed; the re-review's
    hearing and the day its opinion was made public."""

    executions: dict[int, date | None] = field(default_factory=dict)
    re_review_heard: bool = False
    publicised_on: date | None = None
    publicised_by: str = ""

    def execution_pending(self, round_: int) -> bool:
        """The round's supported opinion is not carried out yet (an earlier round's went with its re-handling)."""
        return round_ in self.executions and self.executions[round_] is None

    def check_execution_pending(self, case_no: str, round_: int) -> None:
        if not self.execution_pending(round_):
            raise NoExecutionPending(
                f"案件 {case_no} 没有待执行的支持信访请求意见，不能以拒不执行信访处理意见督办 (Art 32¶2, 40¶1)",
                "grounds",
            )

    def check_publicisable(self, case_no: str, opinion_on: date | None, on: date, until_on: date | None) -> None:
        """经过听证的复核意见可以依法向社会公示 (Art 36¶2): a re-review opinion, after a hearing, once."""
        if opinion_on is None:
            raise NothingToPublicise(f"案件 {case_no} 尚未出具复核意见，没有可公示的意见 (Art 36¶2)")
        if not self.re_review_heard:
            raise OpinionNotHeard(f"案件 {case_no} 的复核未举行听证，复核意见不予公示 (Art 36¶2)")
        if self.publicised_on is not None:
            raise AlreadyPublicised(f"案件 {case_no} 的复核意见已{Done(self.publicised_by, self.publicised_on)} 公示")
        if until_on is not None and until_on < on:
            raise PublicityPeriodInvalid(f"公示截止日 {until_on} 早于公示日 {on}", "until_on")
