"""Supervision's named rules (督办): clocks, return visit, review chain, orders and bulletins."""

from services.runtime.errors import Conflict, DomainError


class UnknownCase(DomainError):
    """督办没有这个案件的登记事件."""

    code = "unknown_case"


class CaseAlreadyFinalised(Conflict):
    """信访事项已终结，不再办理同一事实和理由 (Art 36)."""

    reason = "case_already_finalised"


class NotClosedYet(DomainError):
    """办结后才能回访评价: the round being rated is not closed yet."""

    code = "not_closed_yet"
    awaits_events = True  # its closing may be on the stream, not yet applied here


class AlreadyRated(Conflict):
    """一次回访: each round of handling is rated once."""

    reason = "already_rated"


class NoReplyYet(DomainError):
    """复查须针对处理意见: there is no reply to review yet (Art 35)."""

    code = "no_reply_yet"


class NoReviewOpinion(DomainError):
    """复核须针对复查意见: there is no review opinion yet (Art 36)."""

    code = "no_review_opinion"


class ReviewWindowClosed(DomainError):
    """复查/复核应在收到意见之日起30日内提出 (Art 35, 36)."""

    code = "review_window_closed"


class ReviewAlreadyRequested(Conflict):
    """复查、复核各一次 (Art 35, 36)."""

    reason = "review_already_requested"


class ReviewNotAssigned(DomainError):
    """复查/复核尚未交办给复查/复核机关."""

    code = "review_not_assigned"


class NotReviewBody(DomainError):
    """复查/复核意见须由交办的复查/复核机关出具 (Art 35, 36)."""

    code = "not_review_body"


class OpinionAlreadyIssued(Conflict):
    """复查/复核意见已出具."""

    reason = "opinion_already_issued"


class ReviewNotOpen(DomainError):
    """听证期间只能在复查/复核进行中扣除 (Art 36)."""

    code = "review_not_open"


class HearingOnlyForReReview(DomainError):
    """听证所需时间只从复核期限中扣除，复查期限不扣除 (Art 36¶2)."""

    code = "hearing_only_for_re_review"


class HearingPeriodInvalid(DomainError):
    """听证期间须在申请之后、登记之前，且起止有序 (Art 36)."""

    code = "hearing_period_invalid"


class CaseNotOpen(DomainError):
    """督办单只对在办案件下发: accepted and assigned, not closed in its latest round, not finalised."""

    code = "case_not_open"


class AnswerDueBeforeIssue(DomainError):
    """督办单的回复期限不能早于下发日期."""

    code = "answer_due_before_issue"


class UnknownOrder(DomainError):
    """没有这份督办单."""

    code = "unknown_order"


class NotOrderAddressee(DomainError):
    """督办单只由被督办单位回复."""

    code = "not_order_addressee"


class OrderAlreadyAnswered(Conflict):
    """督办单已回复."""

    reason = "order_already_answered"


class OrderGroundsMissing(DomainError):
    """督办须写明所发现的情形: 违规受理办理、推诿、敷衍、拖延、弄虚作假、拒不执行信访处理意见 (Art 40¶1)."""

    code = "order_grounds_missing"


class ProposalAddresseeMissing(DomainError):
    """建议须有反馈采纳情况的单位: the case has no department yet and none was named (Art 40¶4)."""

    code = "proposal_addressee_missing"


class AccountabilityWithoutGrounds(DomainError):
    """追究责任的建议针对推诿、敷衍、拖延、弄虚作假造成严重后果: it goes with an order on such grounds (Art 40¶3)."""

    code = "accountability_without_grounds"


class AccountabilityToSameUnit(DomainError):
    """追究责任的建议向有管理权限的机关、单位提出, not to the unit held to account (Art 40¶3)."""

    code = "accountability_to_same_unit"


class NoExecutionPending(DomainError):
    """拒不执行信访处理意见 needs a supported opinion not yet carried out (Art 32¶2, 40¶1)."""

    code = "no_execution_pending"


class NothingToPublicise(DomainError):
    """公示的是复核意见 (Art 36¶2): there is no re-review opinion yet."""

    code = "nothing_to_publicise"


class OpinionNotHeard(DomainError):
    """经过听证的复核意见可以依法向社会公示 (Art 36¶2): this re-review held no hearing."""

    code = "opinion_not_heard"


class AlreadyPublicised(Conflict):
    """复核意见已公示: once (Art 36¶2)."""

    reason = "already_publicised"


class PublicityPeriodInvalid(DomainError):
    """公示截止日不能早于公示日."""

    code = "publicity_period_invalid"


class CaseNotFinalised(DomainError):
    """疏导教育、矛盾化解、帮扶救助 after finalisation are recorded on a finalised case (Art 37¶3)."""

    code = "case_not_finalised"


class UnknownProposal(DomainError):
    """没有这项建议."""

    code = "unknown_proposal"


class NotProposalAddressee(DomainError):
    """建议的采纳情况由收到建议的单位书面反馈 (Art 40¶4)."""

    code = "not_proposal_addressee"


class FeedbackAlreadyGiven(Conflict):
    """建议的采纳情况已书面反馈 (Art 40¶4): once."""

    reason = "feedback_already_given"


class BulletinAlreadyPublished(Conflict):
    """通报制: each period is bulletined once."""

    reason = "bulletin_already_published"


class PeriodInvalid(DomainError):
    """通报期间的起始日不能晚于截止日."""

    code = "period_invalid"


class NotAnOpinionMatter(DomainError):
    """回访评价和复查、复核针对信访处理意见 (Art 31(6), 35, 36): a suggestion (Art 29), a report handled by the
    discipline body under its own rules (Art 30) and an Art 31(5) matter have neither."""

    code = "not_an_opinion_matter"


class OrderAlreadyIssued(Conflict):
    """同一情形不重复督办: an order to the same unit, on these grounds and in this form, still awaits its answer
    within its answer date; a new order is for new grounds, another form, or once that date has passed (Art 40¶1)."""

    reason = "order_already_issued"
