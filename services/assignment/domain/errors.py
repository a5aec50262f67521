"""The named rules of assignment (交办): each broken rule reaches the caller as its own error."""

from services.runtime.errors import Conflict, DomainError


class NotLeadDepartment(DomainError):
    """只有主办单位可以签收: only the lead department acknowledges a case."""

    code = "not_lead_department"


class AlreadyAcknowledged(Conflict):
    """案件已签收: acknowledged once; an acknowledged case takes no objection (Art 23)."""

    reason = "already_acknowledged"


class AcknowledgedBeforeAssignment(DomainError):
    """签收日期不能早于交办日期."""

    code = "acknowledged_before_assignment"


class ObjectionPending(DomainError):
    """交办异议或争议待决: no acknowledgement and no second objection until it is decided (Art 23, 24)."""

    code = "objection_pending"


class NotAssignedDepartment(DomainError):
    """只有主办或协办单位可以对交办提出异议 (Art 23)."""

    code = "not_assigned_department"


class ObjectionWindowClosed(DomainError):
    """异议须自收到交办之日起5个工作日内提出 (Art 23¶3), and not after a dispute was decided (Art 24)."""

    code = "objection_window_closed"


class AlreadyReceived(Conflict):
    """交办已收到: a department records its receipt of one 交办 once (Art 23¶3)."""

    reason = "already_received"


class ReceivedBeforeAssignment(DomainError):
    """收到日期不能早于交办（改派）日期."""

    code = "received_before_assignment"


class NotReceived(DomainError):
    """接收情况告知 follows the lead's receipt of the 交办: record the receipt (or 签收) first (Art 23¶3)."""

    code = "not_received"


class NoPendingObjection(DomainError):
    """没有待决的交办异议."""

    code = "no_pending_objection"


class NoOtherDepartment(DomainError):
    """提请争议须有异议单位主张的另一责任单位 (Art 24)."""

    code = "no_other_department"


class SameDepartment(DomainError):
    """改派须改变主办单位或协办单位."""

    code = "same_department"


class ObjectionAlreadyDecided(Conflict):
    """交办异议已处理: someone refused it, agreed to it (改派) or referred it as a dispute first (Art 23, 24)."""

    reason = "objection_already_decided"


class DisputeAlreadySettled(Conflict):
    """交办争议已裁定 (Art 24): the deciding body's decision is final; a second decision finds it made."""

    reason = "dispute_already_settled"


class NoDisputePending(DomainError):
    """没有待裁定的交办争议 (Art 24)."""

    code = "no_dispute_pending"


class NotTheDecidingBody(DomainError):
    """交办争议由共同上级裁定，无共同上级的由联席会议裁定 (Art 24)."""

    code = "not_the_deciding_body"


class ReportedUnitExcluded(DomainError):
    """检举控告不得交由被反映单位办理 (Art 30, 46)."""

    code = "reported_unit_excluded"


class AlreadyMajor(Conflict):
    """案件已有包案领导 (领导包案制)."""

    reason = "already_major"


class NoOwningLeader(DomainError):
    """主办单位没有分管的区级领导可以包案."""

    code = "no_owning_leader"


class NotMajorCase(DomainError):
    """只有重大案件（有包案领导）组建工作专班 (七包一)."""

    code = "not_major_case"


class TaskForceIncomplete(DomainError):
    """工作专班须七包一: 七类成员齐全."""

    code = "task_force_incomplete"


class TaskForceLeaderMismatch(DomainError):
    """专班的包案区级领导须是本案的包案领导."""

    code = "task_force_leader_mismatch"


class TaskForceAlreadyFormed(Conflict):
    """一案一专班: 专班已组建."""

    reason = "task_force_already_formed"
