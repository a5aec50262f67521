"""What a record of the department's work must say: one small check per rule, raising its named error."""

from __future__ import annotations

from datetime import date

from events.vocabulary import Settlement
from services.mediation.domain.errors import (
    AgreementMissing,
    AmountNotPositive,
    ApproverNotNamed,
    ConsentMissing,
    DispositionMissing,
    ExtensionReasonMissing,
    ExtensionTooLong,
    MediationTypeMissing,
    ReasonNotNotified,
    ReplyWithoutLegalBasis,
    ReplyWithoutRequest,
    TooFewParticipants,
)


def check_parties(case_no: str, participants: list[str]) -> None:
    """调解须有双方或多方当事人参加 (Art 33)."""
    if len([p for p in participants if p.strip()]) < 2:
        raise TooFewParticipants(f"案件 {case_no} 的调解须有至少两方参加，现为 {len(participants)} 方", "participants")


def check_consent(case_no: str, form: str, consented: bool) -> None:
    """Art 33: a mediation needs both parties' consent; a reconciliation is theirs, entered into freely."""
    if not consented:
        what = "和解须双方当事人自愿" if form == Settlement.reconciliation else "调解须经争议双方当事人同意"
        raise ConsentMissing(f"案件 {case_no} 的{what} (Art 33)", "consented")


def check_mediation_type(case_no: str, form: str, mediation_type: str | None) -> None:
    if form == Settlement.mediation and not mediation_type:
        raise MediationTypeMissing(f"案件 {case_no} 的调解须写明人民调解、行政调解或司法调解", "mediation_type")


def check_agreement(case_no: str, agreed: bool, agreement: str, form: str = Settlement.mediation) -> None:
    if agreed and not agreement.strip():
        paper = "和解协议书" if form == Settlement.reconciliation else "调解协议书"
        raise AgreementMissing(f"案件 {case_no} 达成一致意见，须制作{paper}写明内容 (Art 33)", "agreement")


def check_amount(case_no: str, amount_fen: int) -> None:
    if amount_fen <= 0:
        raise AmountNotPositive(f"案件 {case_no} 的救助金额须大于零，现为 {amount_fen} 分", "amount_fen")


def check_approver(case_no: str, approved_by: str, what: str) -> None:
    if not approved_by.strip():
        raise ApproverNotNamed(f"案件 {case_no} 的{what}须写明批准的负责人", "approved_by")


def check_extension_days(case_no: str, days: int, max_days: int) -> None:
    if not 1 <= days <= max_days:
        raise ExtensionTooLong(f"案件 {case_no} 延长 {days} 日: 延期须在 1 至 {max_days} 日之间", "days")


def check_reason(case_no: str, reason: str) -> None:
    if not reason.strip():
        raise ExtensionReasonMissing(f"案件 {case_no} 延期须说明理由", "reason")


def check_notified(case_no: str, notified_on: date | None, approved_on: date) -> date:
    """Art 34: the petitioner is told the reason, on or after the approval."""
    if notified_on is None or notified_on < approved_on:
        raise ReasonNotNotified(
            f"案件 {case_no} 的延期理由须告知信访人: 告知日期 {notified_on} 不能为空或早于批准日期 {approved_on}",
            "notified_on",
        )
    return notified_on


def check_request_stated(case_no: str, request: str, facts_and_reasons: str) -> None:
    """Art 32: the reply restates what it answers, the petitioner's request and its facts and reasons."""
    for field, value, what in (
        ("request", request, "信访请求"),
        ("facts_and_reasons", facts_and_reasons, "事实和理由"),
    ):
        if not value.strip():
            raise ReplyWithoutRequest(f"案件 {case_no} 的处理意见书须载明{what}", field)


def check_legal_basis(case_no: str, legal_basis: str | None) -> None:
    if not (legal_basis or "").strip():
        raise ReplyWithoutLegalBasis(f"案件 {case_no} 的处理意见书须载明法律政策依据", "legal_basis")


def check_disposition(case_no: str, disposition: str | None) -> None:
    if not disposition:
        raise DispositionMissing(f"案件 {case_no} 的处理意见书须载明处置方式 (三到位一处置)", "disposition")
