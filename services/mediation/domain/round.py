"""One round of handling (办理轮次): the first after acknowledgement, another after each send-back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.mediation.domain.errors import (
    AlreadyClosed,
    AlreadyReplied,
    CoHandlerOpinionsMissing,
    ExtensionAfterDeadline,
    ExtensionAlreadyApproved,
    NoReplyYet,
    OpinionAlreadySubmitted,
)
from services.runtime.errors import Done
from services.runtime.limits import due_date


@dataclass
class Round:
    """A round's clock, extension, co-handler opinions, reply and closure; kept as history once a new one starts.
    Each act is kept with who did it and when (``Done``), which a conflict names."""

    number: int
    starts_on: date
    limit_days: int
    reason: str = ""
    extension_days: int = 0
    extended: Done | None = None
    extension_approved_by: str = ""
    opinions: dict[str, str] = field(default_factory=dict)
    opinions_submitted: dict[str, Done] = field(default_factory=dict)
    records: list[str] = field(default_factory=list)
    opinion: str | None = None
    replied: Done | None = None
    closed: Done | None = None

    @property
    def extended_on(self) -> date | None:
        return self.extended.on if self.extended else None

    @property
    def replied_on(self) -> date | None:
        return self.replied.on if self.replied else None

    @property
    def closed_on(self) -> date | None:
        return self.closed.on if self.closed else None

    @property
    def due_on(self) -> date | None:
        """到期日 (Art 34): the round's start plus the handling limit and any approved extension; None without a
        limit (a suggestion or report with no local limit, an Art 31(5) matter)."""
        if not self.limit_days:
            return None
        return due_date(self.starts_on, self.limit_days + self.extension_days)

    def check_not_replied(self, case_no: str, what: str) -> None:
        if self.replied is not None:
            raise AlreadyReplied(f"案件 {case_no} 第{self.number}轮已{self.replied} 答复，不能再{what}")

    def check_not_closed(self, case_no: str) -> None:
        if self.closed is not None:
            raise AlreadyClosed(f"案件 {case_no} 第{self.number}轮已{self.closed} 办结")

    def check_replied(self, case_no: str) -> None:
        if self.replied_on is None:
            raise NoReplyYet(f"案件 {case_no} 第{self.number}轮尚未答复，不能办结")

    def check_no_extension_yet(self, case_no: str) -> None:
        if self.extended is not None:
            raise ExtensionAlreadyApproved(
                f"案件 {case_no} 第{self.number}轮已{self.extended} 登记延期 {self.extension_days} 日"
                f"（{self.extension_approved_by} 批准），不能再次延期"
            )

    def check_before_deadline(self, case_no: str, on: date) -> None:
        if self.due_on is not None and on > self.due_on:
            raise ExtensionAfterDeadline(f"案件 {case_no} 的办理期限已于 {self.due_on} 届满，{on} 不能再批准延期", "on")

    def check_opinion_new(self, case_no: str, department: str) -> None:
        if department in self.opinions:
            raise OpinionAlreadySubmitted(
                f"协办单位 {department} 第{self.number}轮的协办意见已{self.opinions_submitted[department]} 报送"
                f"（案件 {case_no}）",
                "department",
            )

    def check_opinions_complete(self, case_no: str, co_handlers: list[str]) -> None:
        missing = [d for d in co_handlers if d not in self.opinions]
        if missing:
            raise CoHandlerOpinionsMissing(
                f"案件 {case_no} 尚缺协办单位 {'、'.join(missing)} 的协办意见，主办单位不能答复"
            )
