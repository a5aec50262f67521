"""The guards of the Handling aggregate (办理): one small check per rule, raising its named error."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from services.mediation.errors import (
    AgreementMissing,
    AlreadyClosed,
    AlreadyReplied,
    AmountNotPositive,
    ApproverNotNamed,
    CoHandlerOpinionsMissing,
    DispositionMissing,
    ExtensionAfterDeadline,
    ExtensionAlreadyApproved,
    ExtensionReasonMissing,
    ExtensionTooLong,
    HearingNotWarranted,
    NoReplyYet,
    NotCoHandler,
    OpinionAlreadySubmitted,
    ReasonNotNotified,
    ReplyWithoutLegalBasis,
    ReplyWithoutRequest,
    TooFewParticipants,
)
from services.mediation.rounds import Round


class HandlingRules:
    """Mixed into Handling; reads its state, never changes it."""

    if TYPE_CHECKING:  # the aggregate's state, declared for type checkers only (never a class annotation at runtime)
        case_no: str
        department: str
        major: bool
        co_handlers: list[str]
        rounds: list[Round]

    @property
    def round(self) -> Round:
        """The current round (本轮办理); earlier ones stay in ``rounds``."""
        return self.rounds[-1]

    def check_not_replied(self, what: str) -> None:
        if self.round.replied_on is not None:
            raise AlreadyReplied(
                f"案件 {self.case_no} 第{self.round.number}轮已于 {self.round.replied_on} 答复，不能再{what}"
            )

    def check_not_closed(self) -> None:
        if self.round.closed_on is not None:
            raise AlreadyClosed(f"案件 {self.case_no} 第{self.round.number}轮已于 {self.round.closed_on} 办结")

    def check_replied(self) -> None:
        if self.round.replied_on is None:
            raise NoReplyYet(f"案件 {self.case_no} 第{self.round.number}轮尚未出具处理意见书，不能办结")

    def check_parties(self, participants: list[str]) -> None:
        if len([p for p in participants if p.strip()]) < 2:
            raise TooFewParticipants(
                f"案件 {self.case_no} 的调解须有至少两方参加，现为 {len(participants)} 方", "participants"
            )

    def check_agreement(self, agreed: bool, agreement: str) -> None:
        if agreed and not agreement.strip():
            raise AgreementMissing(f"案件 {self.case_no} 达成调解协议，须写明协议内容", "agreement")

    def check_hearing_warranted(self, complex_case: bool) -> None:
        if not (self.major or complex_case):
            raise HearingNotWarranted(f"案件 {self.case_no} 既非重大也非复杂案件，不举行听证", "complex")

    def check_amount(self, amount_fen: int) -> None:
        if amount_fen <= 0:
            raise AmountNotPositive(f"案件 {self.case_no} 的救助金额须大于零，现为 {amount_fen} 分", "amount_fen")

    def check_approver(self, approved_by: str, what: str) -> None:
        if not approved_by.strip():
            raise ApproverNotNamed(f"案件 {self.case_no} 的{what}须写明批准的负责人", "approved_by")

    def check_extension_days(self, days: int, max_days: int) -> None:
        if not 1 <= days <= max_days:
            raise ExtensionTooLong(f"案件 {self.case_no} 延长 {days} 日: 延期须在 1 至 {max_days} 日之间", "days")

    def check_no_extension_yet(self) -> None:
        if self.round.extended_on is not None:
            raise ExtensionAlreadyApproved(
                f"案件 {self.case_no} 第{self.round.number}轮已于 {self.round.extended_on} "
                f"延期 {self.round.extension_days} 日，不能再次延期"
            )

    def check_before_deadline(self, on: date) -> None:
        if on > self.round.due_on:
            raise ExtensionAfterDeadline(
                f"案件 {self.case_no} 的办理期限已于 {self.round.due_on} 届满，{on} 不能再批准延期", "on"
            )

    def check_reason(self, reason: str) -> None:
        if not reason.strip():
            raise ExtensionReasonMissing(f"案件 {self.case_no} 延期须说明理由", "reason")

    def check_notified(self, notified_on: date | None, approved_on: date) -> None:
        if notified_on is None or notified_on < approved_on:
            raise ReasonNotNotified(
                f"案件 {self.case_no} 的延期理由须告知信访人: 告知日期 {notified_on} "
                f"不能为空或早于批准日期 {approved_on}",
                "notified_on",
            )

    def check_co_handler(self, department: str) -> None:
        if department not in self.co_handlers:
            raise NotCoHandler(
                f"{department} 不是案件 {self.case_no} 的协办单位 (协办单位: {'、'.join(self.co_handlers) or '无'})",
                "department",
            )

    def check_opinion_new(self, department: str) -> None:
        if department in self.round.opinions:
            raise OpinionAlreadySubmitted(
                f"协办单位 {department} 已报送案件 {self.case_no} 第{self.round.number}轮的协办意见", "department"
            )

    def check_opinions_complete(self) -> None:
        missing = [d for d in self.co_handlers if d not in self.round.opinions]
        if missing:
            raise CoHandlerOpinionsMissing(
                f"案件 {self.case_no} 尚缺协办单位 {'、'.join(missing)} 的协办意见，主办单位不能答复"
            )

    def check_request_stated(self, request: str, facts_and_reasons: str) -> None:
        """Art 32: the reply restates what it answers, the petitioner's request and its facts and reasons."""
        for field, value, what in (
            ("request", request, "信访请求"),
            ("facts_and_reasons", facts_and_reasons, "事实和理由"),
        ):
            if not value.strip():
                raise ReplyWithoutRequest(f"案件 {self.case_no} 的处理意见书须载明{what}", field)

    def check_legal_basis(self, legal_basis: str | None) -> None:
        if not (legal_basis or "").strip():
            raise ReplyWithoutLegalBasis(f"案件 {self.case_no} 的处理意见书须载明法律政策依据", "legal_basis")

    def check_disposition(self, disposition: str | None) -> None:
        if not disposition:
            raise DispositionMissing(f"案件 {self.case_no} 的处理意见书须载明处置方式 (三到位一处置)", "disposition")
