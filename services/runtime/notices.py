"""告知、送达: the notices a case's petitioner is served, each recorded by the service whose decision it tells.

Every case aggregate keeps its ``Notices``; the command to record one is the same everywhere (``serve_notice``), and
each aggregate says which notices are its own and whether the decision a notice tells has been made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import Field

from events.notices import NoticeServed
from events.vocabulary import NoticeKind, NoticeMethod, label
from services.runtime.commands import CaseCommand
from services.runtime.errors import Conflict, DomainError, Done
from services.runtime.stored import same_fields


class ServeNotice(CaseCommand):
    """告知信访人 / 送达: the petitioner was told of a decision, on the effective date, by a method (or not)."""

    name = "serve_notice"
    for_departments = True

    notice: NoticeKind = Field(description="告知事项")
    method: NoticeMethod | None = Field(None, description="书面 / 短信 / 网上 / 当面; none when unreachable")
    content: str = Field("", max_length=5000, description="告知内容")
    unreachable: bool = Field(False, description="信访人姓名（名称）、住址不清，无法告知 (Art 23¶2)")
    competent_body: str = Field("", max_length=200, description="有权处理的机关、单位 (a matter outside the scope)")


class NoticeNotServedHere(DomainError):
    """这项告知不由本服务送达: each notice is recorded where its decision was made."""

    code = "notice_not_served_here"


class NoticeMethodMissing(DomainError):
    """告知须写明方式（书面、短信、网上、当面），信访人姓名（名称）、住址不清的除外 (Art 23¶2)."""

    code = "notice_method_missing"


class NoticeAlreadyServed(Conflict):
    """每项告知送达一次."""

    reason = "notice_already_served"


class NothingToNotify(DomainError):
    """尚无可告知的决定: a notice tells a decision that has been made."""

    code = "nothing_to_notify"


@dataclass
class Notices:
    """The notices served on a case: (notice, round) → who recorded it, and the day served."""

    served: dict[tuple[str, int], Done] = field(default_factory=dict)

    def check(
        self,
        case_no: str,
        own: frozenset[NoticeKind],
        notice: str,
        method: str | None,
        unreachable: bool,
        round_: int = 1,
    ) -> None:
        if notice not in own:
            raise NoticeNotServedHere(f"案件 {case_no} 的{label(notice, NoticeKind)}不在此登记", "notice")
        if method is None and not unreachable:
            raise NoticeMethodMissing(f"案件 {case_no} 的{label(notice, NoticeKind)}须写明告知方式", "method")
        if (str(notice), round_) in self.served:
            raise NoticeAlreadyServed(
                f"案件 {case_no} 的{label(notice, NoticeKind)}已{self.served[(str(notice), round_)]} 登记送达", "notice"
            )

    def record(self, notice: str, round_: int, served_on: date, actor: str) -> None:
        self.served[(notice, round_)] = Done(actor, served_on)

    def served_on(self, notice: NoticeKind, round_: int = 1) -> date | None:
        done = self.served.get((str(notice), round_))
        return done.on if done else None


def notice_served(stored: Any) -> dict[str, Any]:
    """告知 on the bus: its day and method; what a reporter was told stays in the service (Art 30¶3, 46(5))."""
    return same_fields(stored, NoticeServed) | ({"content": ""} if getattr(stored, "withheld", False) else {})


def nothing_to_notify(case_no: str, notice: str) -> NothingToNotify:
    return NothingToNotify(f"案件 {case_no} 尚无可{label(notice, NoticeKind)}的决定", "notice")
