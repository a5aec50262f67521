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


# Art 19¶1: a petition is made in writing, or orally and then recorded as told (如实记录).
ORAL_CHANNELS = frozenset({Channel.visit, Channel.phone, Channel.hotline_12345})


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


class LegalRoute(StrEnum):
    """导入法定途径 (Art 31 (1)-(4), Art 22): where a matter that is not a petition belongs."""

    litigation = "litigation"  # (1) 诉讼
    arbitration = "arbitration"  # (2) 仲裁
    party_appeal = "party_appeal"  # (3) 党员申诉、申请复审
    administrative_review = "administrative_review"  # (4) 行政复议
    administrative_procedure = "administrative_procedure"  # (4) 行政裁决、确认、许可、处罚
    political_legal = "political_legal"  # (1) 检察、公安程序, 涉法涉诉


class ClaimRoute(StrEnum):
    """申诉求决类事项受理后的办理方式 (Art 31 (5), (6)); (1)-(4) are not accepted but 导入 their LegalRoute."""

    duty = "duty"  # (5) 申请查处违法行为、履行保护人身权或者财产权等职责: 依法履行或者答复
    opinion = "opinion"  # (6) 听取陈述、调查核实，出具信访处理意见书


def opinion_matter(kind: str, claim_route: str | None) -> bool:
    """Art 31(6): a claim answered by a 信访处理意见书, the only matter with the 60 (+30) days of Art 34, the return
    visit and the review chain (Art 35, 36); suggestions, reports and Art 31(5) matters have their own answers."""
    return kind == Kind.claim and claim_route != ClaimRoute.duty


def matter_label(kind: str, claim_route: str | None) -> str:
    """建议意见 / 检举控告, or a claim by its route (依法履行或者答复 / 出具信访处理意见书)."""
    if kind == Kind.claim:
        return label(claim_route or ClaimRoute.opinion, ClaimRoute)
    return label(kind, Kind)


class Adoption(StrEnum):
    """采纳情况: of a petitioner's suggestion (Art 29), or of the bureau's proposal as the unit feeds it back in
    writing (Art 40¶4)."""

    adopted = "adopted"
    partly_adopted = "partly_adopted"
    not_adopted = "not_adopted"


class Opinion(StrEnum):
    """处理意见 (Art 32)."""

    supported = "supported"
    explained = "explained"
    not_supported = "not_supported"


class Disposition(StrEnum):
    """三到位一处置: how the matter was disposed of."""

    resolved = "resolved"
    persuaded = "persuaded"
    assisted = "assisted"
    handled_by_law = "handled_by_law"


class Rating(StrEnum):
    """回访评价."""

    satisfied = "satisfied"
    basically_satisfied = "basically_satisfied"
    unsatisfied = "unsatisfied"


class MediationType(StrEnum):
    """调解方式: 人民调解、行政调解、司法调解 (Art 37¶1)."""

    administrative = "administrative"
    judicial = "judicial"
    people = "people"


class Settlement(StrEnum):
    """调解或和解 (Art 33): mediated with both parties' consent, or settled by the parties themselves."""

    mediation = "mediation"
    reconciliation = "reconciliation"


class AssistanceType(StrEnum):
    """救助类别."""

    hardship = "hardship"
    judicial = "judicial"
    petition = "petition"


class Stage(StrEnum):
    """复查 / 复核 (Art 35, 36)."""

    review = "review"
    re_review = "re_review"


class ReviewOutcome(StrEnum):
    """复查/复核意见."""

    upheld = "upheld"
    changed = "changed"
    revoked = "revoked"


class Clock(StrEnum):
    """法定时限."""

    acceptance = "acceptance"
    objection = "objection"
    receipt_notice = "receipt_notice"
    handling = "handling"
    review_request = "review_request"
    review = "review"
    re_review_request = "re_review_request"
    re_review = "re_review"
    order_answer = "order_answer"
    proposal_feedback = "proposal_feedback"


class DayCount(StrEnum):
    """How a clock counts: calendar days or working days (工作日, from the holiday calendar)."""

    calendar = "calendar"
    working = "working"


class TaskForceRole(StrEnum):
    """七包一: the roles of a major case's task force."""

    district_leader = "district_leader"
    township_secretary = "township_secretary"
    village_secretary = "village_secretary"
    grid_worker = "grid_worker"
    police_head = "police_head"
    legal_worker = "legal_worker"
    handler = "handler"


class Risk(StrEnum):
    """风险标识: why a case is major (重大) and gets an owning leader."""

    collective = "collective"
    repeat = "repeat"
    skip_level = "skip_level"
    long_pending = "long_pending"
    marked = "marked"
    stability = "stability"


class DisputeBody(StrEnum):
    """Who settles a dispute between departments (Art 24)."""

    superior = "superior"
    joint_conference = "joint_conference"


class ClockChange(StrEnum):
    """Why a clock's due date was (re)computed."""

    started = "started"
    resumed = "resumed"
    extended = "extended"
    hearing_excluded = "hearing_excluded"


class BulletinReason(StrEnum):
    """Why a bulletin (通报) names a case."""

    overdue = "overdue"
    unsatisfied = "unsatisfied"
    late_acceptance = "late_acceptance"


class OrderGround(StrEnum):
    """督办情形 (Art 40¶1): what the bureau found that calls for an order."""

    irregular_handling = "irregular_handling"
    shirking = "shirking"
    perfunctory = "perfunctory"
    delay = "delay"
    falsification = "falsification"
    refusing_execution = "refusing_execution"


class OrderForm(StrEnum):
    """督办方式: by letter, telephone, on site, or 挂牌督办 (listed by name until put right)."""

    letter = "letter"
    phone = "phone"
    on_site = "on_site"
    listed = "listed"


class ProposalKind(StrEnum):
    """信访部门的建议 (Art 40¶1-3): improve the work, improve a policy, hold someone accountable."""

    improve_work = "improve_work"
    improve_policy = "improve_policy"
    accountability = "accountability"


class AftercareKind(StrEnum):
    """终结后的后续工作 (Art 37¶3): with the petitioner of a finalised matter."""

    education = "education"
    reconciliation = "reconciliation"
    assistance = "assistance"


class DeadlineRule(StrEnum):
    """Which rule a deadline was counted under: the statute's, or an office's local rule."""

    statutory = "statutory"
    local_materials_pause = "local_materials_pause"
    local_default = "local_default"
    local_limit = "local_limit"


class NoticeKind(StrEnum):
    """告知信访人: what the petitioner is told, each notice its own record (Art 23, 35, 36)."""

    accepted = "accepted"
    not_accepted = "not_accepted"
    transferred = "transferred"
    receipt = "receipt"
    reply = "reply"
    review_opinion = "review_opinion"
    re_review_opinion = "re_review_opinion"
    finalised = "finalised"


class UrgentRecipientRole(StrEnum):
    """重大、紧急信访事项的报告对象 (Art 25)."""

    party_and_government = "party_and_government"  # 本级党委和政府 (report)
    competent_department = "competent_department"  # 相关主管部门 (通报)
    joint_conference_office = "joint_conference_office"  # 本级信访工作联席会议办公室 (通报)
    higher_bureau = "higher_bureau"  # 上一级信访部门 (report, Art 25¶2)
    national_bureau = "national_bureau"  # 国家信访局 (report, Art 25¶2)


class NoticeMethod(StrEnum):
    """告知方式."""

    written = "written"
    sms = "sms"
    online = "online"
    in_person = "in_person"


class CaseStatus(StrEnum):
    """案件状态: where a case stands after its latest event, as the ledger and every case view show it."""

    registered = "registered"
    materials_requested = "materials_requested"
    materials_supplemented = "materials_supplemented"
    accepted = "accepted"
    not_accepted = "not_accepted"
    merged = "merged"
    assigned = "assigned"
    objected = "objected"
    disputed = "disputed"
    reassigned = "reassigned"
    handling = "handling"
    replied = "replied"
    closed = "closed"
    rated = "rated"
    sent_back = "sent_back"
    review_requested = "review_requested"
    under_review = "under_review"
    reviewed = "reviewed"
    re_review_requested = "re_review_requested"
    under_re_review = "under_re_review"
    re_reviewed = "re_reviewed"
    finalised = "finalised"


# Two vocabularies may share a value ("review" is a stage and a clock, "judicial" a mediation and an assistance),
# so each label belongs to its vocabulary.
_LABELLED: tuple[tuple[StrEnum, str], ...] = (
    (Channel.letter, "来信"),
    (Channel.visit, "来访"),
    (Channel.online, "网上信访"),
    (Channel.phone, "电话"),
    (Channel.fax, "传真"),
    (Channel.leader_mailbox, "领导信箱"),
    (Channel.hotline_12345, "12345热线转办"),
    (Kind.suggestion, "建议意见"),
    (Kind.report, "检举控告"),
    (Kind.claim, "申诉求决"),
    (NotAcceptedReason.outside_scope, "不属于信访受理范围"),
    (NotAcceptedReason.legal_procedure, "应通过法定途径解决"),
    (NotAcceptedReason.finalised, "已终结，同一事实和理由不再受理"),
    (NotAcceptedReason.accepted_below, "下级已受理且在办理期限内"),
    (LegalRoute.litigation, "诉讼"),
    (LegalRoute.arbitration, "仲裁"),
    (LegalRoute.party_appeal, "党员申诉、申请复审"),
    (LegalRoute.administrative_review, "行政复议"),
    (LegalRoute.administrative_procedure, "其他行政程序"),
    (LegalRoute.political_legal, "政法机关（涉法涉诉）"),
    (ClaimRoute.duty, "依法履行或者答复"),
    (ClaimRoute.opinion, "出具信访处理意见书"),
    (Adoption.adopted, "采纳"),
    (Adoption.partly_adopted, "部分采纳"),
    (Adoption.not_adopted, "未采纳"),
    (Opinion.supported, "支持"),
    (Opinion.explained, "解释说明"),
    (Opinion.not_supported, "不予支持"),
    (Disposition.resolved, "诉求合理的解决到位"),
    (Disposition.persuaded, "诉求无理的思想教育到位"),
    (Disposition.assisted, "生活困难的帮扶救助到位"),
    (Disposition.handled_by_law, "行为违法的依法处置"),
    (Rating.satisfied, "满意"),
    (Rating.basically_satisfied, "基本满意"),
    (Rating.unsatisfied, "不满意"),
    (MediationType.administrative, "行政调解"),
    (MediationType.judicial, "司法调解"),
    (MediationType.people, "人民调解"),
    (Settlement.mediation, "调解（调解协议书）"),
    (Settlement.reconciliation, "和解（和解协议书）"),
    (AssistanceType.hardship, "帮扶救助"),
    (AssistanceType.judicial, "司法救助"),
    (AssistanceType.petition, "信访救助"),
    (Stage.review, "复查"),
    (Stage.re_review, "复核"),
    (ReviewOutcome.upheld, "维持"),
    (ReviewOutcome.changed, "变更"),
    (ReviewOutcome.revoked, "撤销"),
    (Clock.acceptance, "受理告知期限"),
    (Clock.objection, "异议期限"),
    (Clock.receipt_notice, "接收情况告知期限"),
    (Clock.handling, "办理答复期限"),
    (Clock.review_request, "复查申请期限"),
    (Clock.review, "复查期限"),
    (Clock.re_review_request, "复核申请期限"),
    (Clock.re_review, "复核期限"),
    (Clock.order_answer, "督办回复期限"),
    (Clock.proposal_feedback, "建议反馈期限"),
    (DayCount.calendar, "日"),
    (DayCount.working, "工作日"),
    (TaskForceRole.district_leader, "包案区级领导"),
    (TaskForceRole.township_secretary, "乡镇（街道）书记或副书记"),
    (TaskForceRole.village_secretary, "村（社区）书记或主任"),
    (TaskForceRole.grid_worker, "网格员"),
    (TaskForceRole.police_head, "派出所所长"),
    (TaskForceRole.legal_worker, "法律工作者"),
    (TaskForceRole.handler, "直接承办人"),
    (Risk.collective, "集体访"),
    (Risk.repeat, "重复访"),
    (Risk.skip_level, "越级访"),
    (Risk.long_pending, "积案"),
    (Risk.marked, "人工标记"),
    (Risk.stability, "稳定风险"),
    (DisputeBody.superior, "共同上级"),
    (DisputeBody.joint_conference, "联席会议"),
    (ClockChange.started, "起算"),
    (ClockChange.resumed, "恢复计算"),
    (ClockChange.extended, "延期"),
    (ClockChange.hearing_excluded, "扣除听证"),
    (BulletinReason.overdue, "逾期"),
    (BulletinReason.unsatisfied, "不满意"),
    (BulletinReason.late_acceptance, "受理超期"),
    (OrderGround.irregular_handling, "违反信访工作规定受理、办理"),
    (OrderGround.shirking, "推诿"),
    (OrderGround.perfunctory, "敷衍"),
    (OrderGround.delay, "拖延"),
    (OrderGround.falsification, "弄虚作假"),
    (OrderGround.refusing_execution, "拒不执行信访处理意见"),
    (OrderForm.letter, "督办函"),
    (OrderForm.phone, "电话督办"),
    (OrderForm.on_site, "现场督办"),
    (OrderForm.listed, "挂牌督办"),
    (ProposalKind.improve_work, "改进工作的建议"),
    (ProposalKind.improve_policy, "完善政策的建议"),
    (ProposalKind.accountability, "追究责任的建议"),
    (AftercareKind.education, "疏导教育"),
    (AftercareKind.reconciliation, "矛盾化解"),
    (AftercareKind.assistance, "帮扶救助"),
    (NoticeKind.accepted, "受理告知"),
    (NoticeKind.not_accepted, "不予受理告知"),
    (NoticeKind.transferred, "转送、交办去向告知"),
    (NoticeKind.receipt, "接收情况及处理途径和程序告知"),
    (NoticeKind.reply, "处理意见书送达"),
    (NoticeKind.review_opinion, "复查意见送达"),
    (NoticeKind.re_review_opinion, "复核意见送达"),
    (NoticeKind.finalised, "终结告知"),
    (UrgentRecipientRole.party_and_government, "本级党委和政府"),
    (UrgentRecipientRole.competent_department, "相关主管部门"),
    (UrgentRecipientRole.joint_conference_office, "本级信访工作联席会议办公室"),
    (UrgentRecipientRole.higher_bureau, "上一级信访部门"),
    (UrgentRecipientRole.national_bureau, "国家信访局"),
    (NoticeMethod.written, "书面"),
    (NoticeMethod.sms, "短信"),
    (NoticeMethod.online, "网上"),
    (NoticeMethod.in_person, "当面"),
    (DeadlineRule.statutory, "法定期限"),
    (DeadlineRule.local_materials_pause, "本地规则：补正材料期间中止"),
    (DeadlineRule.local_default, "本地规定期限（条例未规定）"),
    (DeadlineRule.local_limit, "本地规则：建议意见、检举控告的办理期限"),
    (CaseStatus.registered, "已登记"),
    (CaseStatus.materials_requested, "待补正材料"),
    (CaseStatus.materials_supplemented, "已补正材料"),
    (CaseStatus.accepted, "已受理"),
    (CaseStatus.not_accepted, "不予受理"),
    (CaseStatus.merged, "已合并（重复信访）"),
    (CaseStatus.assigned, "已交办"),
    (CaseStatus.objected, "交办异议中"),
    (CaseStatus.disputed, "交办争议裁定中"),
    (CaseStatus.reassigned, "已改派"),
    (CaseStatus.handling, "办理中"),
    (CaseStatus.replied, "已答复"),
    (CaseStatus.closed, "已办结"),
    (CaseStatus.rated, "已评价"),
    (CaseStatus.sent_back, "不满意退回重办"),
    (CaseStatus.review_requested, "已申请复查"),
    (CaseStatus.under_review, "复查中"),
    (CaseStatus.reviewed, "已复查"),
    (CaseStatus.re_review_requested, "已申请复核"),
    (CaseStatus.under_re_review, "复核中"),
    (CaseStatus.re_reviewed, "已复核"),
    (CaseStatus.finalised, "已终结"),
)
VOCABULARY_LABELS: dict[tuple[type[StrEnum], str], str] = {(type(m), m.value): text for m, text in _LABELLED}
LABELS: dict[str, str] = {}  # by value alone, for a value whose vocabulary is not known: the first one wins
for _member, _text in _LABELLED:
    LABELS.setdefault(_member.value, _text)


def label(value: str | None, vocabulary: type[StrEnum] | None = None) -> str:
    """The Chinese label of a vocabulary value (a member, or a plain value with its vocabulary), or the value itself."""
    if value is None:
        return ""
    if vocabulary is None and isinstance(value, StrEnum):
        vocabulary = type(value)
    if vocabulary is not None:
        return VOCABULARY_LABELS.get((vocabulary, str(value)), str(value))
    return LABELS.get(value, value)
