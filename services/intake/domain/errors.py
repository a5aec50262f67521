"""Intake's named rule errors (受理): each one a rule of the 信访工作条例 or of the office's practice."""

from services.runtime.errors import Conflict, DomainError


class AlreadyDecided(Conflict):
    """受理决定只能作出一次: the petition was already accepted, declined or merged."""

    reason = "already_decided"


class ReceivedInFuture(DomainError):
    """来信来访日期不能晚于登记日期 (补录 may be earlier, never later)."""

    code = "received_in_future"


class DecidedBeforeReceipt(DomainError):
    """受理/告知日期不能早于收到日期."""

    code = "decided_before_receipt"


class WrittenPetitionIncomplete(DomainError):
    """书面信访应当载明姓名（名称）、住址和请求、事实、理由 (Art 19¶1)."""

    code = "written_petition_incomplete"


class CompetentBodyRequired(DomainError):
    """不属于受理范围的，告知信访人向有权处理的机关、单位提出 (Art 23¶1)."""

    code = "competent_body_required"


class GuidanceNotRecorded(DomainError):
    """越级走访的，应当引导信访人到有权处理的本级或者上一级机关提出，并记录 (Art 20¶1, 47)."""

    code = "guidance_not_recorded"


class CadreOnlyForReports(DomainError):
    """被反映干部 belongs to a report (检举控告): it is what makes the report one to 通报组织部门 (Art 30¶2)."""

    code = "cadre_only_for_reports"


class ClaimRouteOnlyForClaims(DomainError):
    """依法履行或者答复 is one of the ways a 申诉求决 claim is handled (Art 31(5)); suggestions and reports have their
    own (Art 29, 30)."""

    code = "claim_route_only_for_claims"


class TooManyRepresentatives(DomainError):
    """多人走访的，推选代表人数不超过5人 (Art 20)."""

    code = "too_many_representatives"


class MaterialsAlreadyRequested(Conflict):
    """一次性告知: 补正材料只告知一次，列明全部所需材料."""

    reason = "materials_already_requested"


class NoMaterialsOutstanding(DomainError):
    """没有待补正的材料告知，无从补正."""

    code = "no_materials_outstanding"


class MaterialsOutstanding(DomainError):
    """材料补正前不能受理: the petitioner has not yet supplied what the notice listed."""

    code = "materials_outstanding"


class FinalisedMatter(DomainError):
    """信访事项已终结，同一事实和理由不再受理 (Art 36)."""

    code = "finalised_matter"


class AcceptedBelow(DomainError):
    """下级机关已受理且在办理期限内，上级机关不予受理 (Art 19)."""

    code = "accepted_below"


class DuplicateOfOpenCase(DomainError):
    """重复信访: 同一信访人同一事项已有在办案件，应合并而非重复受理."""

    code = "duplicate_of_open_case"


class RouteRequired(DomainError):
    """应通过法定途径解决的，须告知导入的途径 (Art 31, 22)."""

    code = "route_required"


class RouteOnlyForLegalProcedure(DomainError):
    """导入法定途径只用于“应通过法定途径解决”的不予受理 (Art 31, 22)."""

    code = "route_only_for_legal_procedure"


class NotFinalised(DomainError):
    """以“已终结”为由不予受理，须该事项确已终结 (Art 36)."""

    code = "not_finalised"


class NotAcceptedBelow(DomainError):
    """以“下级已受理”为由不予受理，须下级确已受理且在办理期限内 (Art 19)."""

    code = "not_accepted_below"


class NotSameMatter(DomainError):
    """重复信访只能合并到同一信访人同一事项的案件."""

    code = "not_same_matter"


class TargetNotOpen(DomainError):
    """重复信访只能合并到在办案件 (已受理、未办结)."""

    code = "target_not_open"
