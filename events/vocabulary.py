"""Controlled vocabularies shared by every event, with the Chinese labels users read."""

from enum import StrEnum


class Channel(StrEnum):
    """信访渠道 (Art 17)."""

    letter = "letter"
    visit = "visit"
    online = "online"
    phone = "phone"
    fax = "fax"
    leader_mailbox = "leader_mailbox"
    hotline_12345 = "hotline_12345"


class Kind(StrEnum):
    """信访事项类别 (Art 29-31)."""

    suggestion = "suggestion"
    report = "report"
    claim = "claim"


class NotAcceptedReason(StrEnum):
    """不予受理理由."""

    outside_scope = "outside_scope"
    legal_procedure = "legal_procedure"
    finalised = "finalised"
    accepted_below = "accepted_below"


class Opinion(StrEnum):
    """处理意见 (Art 32)."""

    supported = "supported"
    explained = "explained"
    not_supported = "not_supported"


class Rating(StrEnum):
    """回访评价."""

    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


class Clock(StrEnum):
    """法定时限."""

    acceptance = "acceptance"
    handling = "handling"


LABELS: dict[str, str] = {
    Channel.letter: "来信",
    Channel.visit: "来访",
    Channel.online: "网上信访",
    Channel.phone: "电话",
    Channel.fax: "传真",
    Channel.leader_mailbox: "领导信箱",
    Channel.hotline_12345: "12345热线转办",
    Kind.suggestion: "建议意见",
    Kind.report: "检举控告",
    Kind.claim: "申诉求决",
    NotAcceptedReason.outside_scope: "不属于信访受理范围",
    NotAcceptedReason.legal_procedure: "应通过法定途径解决",
    NotAcceptedReason.finalised: "已终结，同一事实和理由不再受理",
    NotAcceptedReason.accepted_below: "下级已受理且在办理期限内",
    Opinion.supported: "支持",
    Opinion.explained: "解释说明",
    Opinion.not_supported: "不予支持",
    Rating.satisfied: "满意",
    Rating.basically_satisfied: "基本满意",
    Rating.unsatisfied: "不满意",
    Clock.acceptance: "受理告知期限",
    Clock.handling: "办理答复期限",
}


def label(value: str | None) -> str:
    """The Chinese label of a vocabulary value, or the value itself."""
    if value is None:
        return ""
    return LABELS.get(value, value)
