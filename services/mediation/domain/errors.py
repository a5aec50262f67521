"""Mediation's named rules (办理): each broken rule answers with its own code, citing the 信访工作条例."""

from services.runtime.errors import Conflict, DomainError


class AlreadyReplied(Conflict):
    """本轮已出具处理意见书: investigation, mediation, hearing, assistance and extension belong to handling."""

    reason = "already_replied"


class NoReplyYet(DomainError):
    """件件有回音: a case cannot be closed before the petitioner has a reply."""

    code = "no_reply_yet"


class AlreadyClosed(Conflict):
    """案件已办结."""

    reason = "already_closed"


class TooFewParticipants(DomainError):
    """调解须有双方或多方当事人参加 (Art 33)."""

    code = "too_few_participants"


class ConsentMissing(DomainError):
    """调解须经争议双方当事人同意；和解须双方自愿 (Art 33)."""

    code = "consent_missing"


class MediationTypeMissing(DomainError):
    """调解须写明人民调解、行政调解或司法调解 (Art 37¶1); 和解 needs none."""

    code = "mediation_type_missing"


class AgreementMissing(DomainError):
    """经调解、和解达成一致意见的，应当制作调解协议书或者和解协议书 (Art 33)."""

    code = "agreement_missing"


class HearingNotWarranted(DomainError):
    """听证只适用于重大、复杂的信访事项."""

    code = "hearing_not_warranted"


class AmountNotPositive(DomainError):
    """救助金额必须大于零."""

    code = "amount_not_positive"


class ApproverNotNamed(DomainError):
    """延期须经本机关负责人批准 (Art 34)；救助 (Art 37¶2) 须写明批准人."""

    code = "approver_not_named"


class ExtensionTooLong(DomainError):
    """延长期限不得超过30日 (Art 34)."""

    code = "extension_too_long"


class ExtensionAlreadyApproved(Conflict):
    """每轮办理只能延期一次 (Art 34)."""

    reason = "extension_already_approved"


class ExtensionAfterDeadline(DomainError):
    """延期须在办理期限届满前批准 (Art 34)."""

    code = "extension_after_deadline"


class ExtensionReasonMissing(DomainError):
    """延期须说明理由 (Art 34)."""

    code = "extension_reason_missing"


class ReasonNotNotified(DomainError):
    """延期理由须告知信访人，告知日期不早于批准日期 (Art 34)."""

    code = "reason_not_notified"


class NotCoHandler(DomainError):
    """只有协办单位向主办单位报送协办意见 (主办/协办办理)."""

    code = "not_co_handler"


class OpinionAlreadySubmitted(Conflict):
    """协办单位本轮已报送协办意见 (主办/协办办理)."""

    reason = "opinion_already_submitted"


class CoHandlerOpinionsMissing(DomainError):
    """主办单位须汇总全部协办意见后答复 (主办/协办办理)."""

    code = "co_handler_opinions_missing"


class ReplyWithoutLegalBasis(DomainError):
    """处理意见书须载明法律政策依据 (Art 32)."""

    code = "reply_without_legal_basis"


class ReplyWithoutRequest(DomainError):
    """处理意见书须载明信访人的请求、事实和理由 (Art 32)."""

    code = "reply_without_request"


class DispositionMissing(DomainError):
    """处理意见书须载明处置方式 (三到位一处置)."""

    code = "disposition_missing"


class NothingToExecute(DomainError):
    """督促执行的是支持信访请求的意见 (Art 32¶2): the round's reply supported no request."""

    code = "nothing_to_execute"


class ExecutionAlreadyRecorded(Conflict):
    """支持意见的执行情况已记录: once a round (Art 32¶2)."""

    reason = "execution_already_recorded"


class UnknownCase(DomainError):
    """本服务没有该案件的办理记录."""

    code = "unknown_case"


class NotTheHandler(DomainError):
    """回避 (Art 28¶3): only the case's current handler withdraws."""

    code = "not_the_handler"


class HandlerAlreadyRecused(Conflict):
    """回避 (Art 28¶3): the handler has already withdrawn, and another handles the case."""

    reason = "handler_already_recused"


class HandlerWithdrawn(DomainError):
    """回避 (Art 28¶3): the new handler is another person, never one who withdrew from the case."""

    code = "handler_withdrawn"


class AnsweredOtherwise(DomainError):
    """每类事项各有其答复 (Art 29-32): a suggestion is answered on its adoption (Art 29), a report fed back by the
    discipline body under its own rules (Art 30), an Art 31(5) matter by performing the duty or a reply; only an
    Art 31(6) claim gets a 信访处理意见书."""

    code = "answered_otherwise"


class NoStatutoryLimit(DomainError):
    """延期延长的是 Art 31(6) 事项的60日 (Art 34): a matter without that limit has nothing to extend."""

    code = "no_statutory_limit"


class ReportContentWithheld(DomainError):
    """检举控告的内容、检举人及办理情况只在纪检监察机关本机关案卷中 (Art 30¶3, 46(5)): nothing of them is recorded
    here, where it would go on the bus."""

    code = "report_content_withheld"
