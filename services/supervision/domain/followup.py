"""What follows a decision: a supported opinion followed until carried out (督促执行, Art 32¶2)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.supervision.domain.errors import NoExecutionPending


@dataclass
class FollowUp:
    """督促执行 by round: the day each supported opinion was carried out, None while it is followed."""

    executions: dict[int, date | None] = field(default_factory=dict)

    def execution_pending(self, round_: int) -> bool:
        """The round's supported opinion is not carried out yet (an earlier round's went with its re-handling)."""
        return round_ in self.executions and self.executions[round_] is None

    def check_execution_pending(self, case_no: str, round_: int) -> None:
        if not self.execution_pending(round_):
            raise NoExecutionPending(
                f"案件 {case_no} 没有待执行的支持信访请求意见，不能以拒不执行信访处理意见督办 (Art 32¶2, 40¶1)",
                "grounds",
            )
