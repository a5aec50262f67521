"""The Assignment aggregate (交办): lead and co-handlers, acknowledgement, objections, disputes, owning leader,
task force and the review handoff. Its guards are its ``check_*`` methods; the named errors are in errors.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from eventsourcing.domain import event

from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    DisputeReferred,
    DisputeSettled,
    ObjectionFiled,
    ObjectionRefused,
    OwningLeaderNamed,
    ReviewAssigned,
    TaskForceFormed,
)
from events.notices import NoticeServed
from events.vocabulary import ClaimRoute, DisputeBody, Kind, NoticeKind, Risk, Stage
from services.assignment.domain import task_force
from services.assignment.domain.errors import (
    AcknowledgedBeforeAssignment,
    AlreadyAcknowledged,
    AlreadyMajor,
    AlreadyReceived,
    DisputeAlreadySettled,
    NoDisputePending,
    NoOtherDepartment,
    NoOwningLeader,
    NoPendingObjection,
    NotAssignedDepartment,
    NotLeadDepartment,
    NotMajorCase,
    NotReceived,
    NotTheDecidingBody,
    ObjectionAlreadyDecided,
    ObjectionPending,
    ObjectionWindowClosed,
    ReceivedBeforeAssignment,
    ReportedUnitExcluded,
    SameDepartment,
    TaskForceAlreadyFormed,
)
from services.assignment.domain.routing import route
from services.runtime.effective import CaseAggregate
from services.runtime.errors import UNSIGNED, Done
from services.runtime.limits import Terms
from services.runtime.notices import Notices, notice_served
from services.runtime.organisation import Leader, Organisation, Unit
from services.runtime.stored import Twin, stored_events

SYSTEM = "系统"
CATALOGUE = "派单目录"
JOINT_CONFERENCE = DisputeBody.joint_conference.value


@dataclass(frozen=True)
class Objection:
    """交办异议 pending a decision: who objects, and whom it names instead."""

    department: str
    proposed_department: str
    filed_on: date


@dataclass(frozen=True)
class Dispute:
    """交办争议 pending: between which departments, and the body that decides (共同上级 or 联席会议)."""

    departments: list[str]
    body: str
    body_unit: str
    body_name: str

    @property
    def deciding(self) -> str:
        return self.body_unit or JOINT_CONFERENCE


class Assignment(CaseAggregate):
    """The handoff of one case to its lead department; its id is the case id."""

    NOTICES = frozenset({NoticeKind.receipt})

    @event("Assigned")
    def __init__(
        self,
        id: UUID,
        case_no: str,
        department: str,
        department_name: str,
        owning_leader: str,
        owning_leader_name: str,
        assigned_on: date,
        category: str,
        locality: str,
        actor: str,
        co_handlers: list[str] | None = None,
        co_handler_names: list[str] | None = None,
        first_unit: str = "",
        first_unit_name: str = "",
        objection_due_on: date | None = None,
        risks: list[str] | None = None,
        accepted_on: date | None = None,
        kind: str = "",
        reported_unit: str = "",
        request: str = "",
        facts: str = "",
        claim_route: str | None = ClaimRoute.opinion,
    ):
        self.case_no = case_no
        self.department, self.department_name = department, department_name
        self.co_handlers = list(co_handlers or [])
        self.co_handler_names = list(co_handler_names or self.co_handlers)
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        self.assigned_on = assigned_on
        self.accepted_on = accepted_on or assigned_on
        self.first_unit = first_unit or department
        self.objection_due_on = objection_due_on  # the lead's window; set on its receipt (older cases: on assignment)
        self.handed_over_on = assigned_on  # the latest 交办 or 改派, which a receipt cannot precede
        self.final = False  # a dispute was decided (Art 24): no further objection
        self.receipts: dict[str, date | None] = {}  # department → its objection deadline, once it has received
        self.received: dict[str, Done] = {}  # department → who recorded its latest receipt, and the day
        self.lead_receipts = 0  # the rounds of the lead's receipt notice (a new lead after 改派 tells anew)
        self.risks = list(risks or [])
        self.reported_unit = reported_unit
        self.request, self.facts = request, facts
        self.kind, self.claim_route = kind or Kind.claim, claim_route
        self.acknowledged: Done | None = None  # 签收: who entered it, the day
        self.handler = ""
        self.objection: Objection | None = None
        self.objection_decided: tuple[Done, str] | None = None  # the latest decision on an objection, and what it was
        self.dispute: Dispute | None = None
        self.dispute_settled: tuple[Done, str] | None = None  # by whom and when, and the deciding body
        self.made_major = Done(actor, assigned_on) if owning_leader else None  # 领导包案 since when, by whom
        self.task_force: list[dict[str, str]] | None = None
        self.task_force_formed: Done | None = None
        self.reviews: dict[str, str] = {}
        self.notices = Notices()
        self.seen(assigned_on)

    @property
    def acknowledged_on(self) -> date | None:
        return self.acknowledged.on if self.acknowledged else None

    @classmethod
    def assign(
        cls,
        case_id: UUID,
        org: Organisation,
        accepted_on: date,
        earlier: Assignment | None,
        *,
        case_no: str,
        kind: str,
        category: str,
        locality: str,
        major: bool,
        risks: list[str],
        reported_unit: str,
        request: str,
        facts: str,
        claim_route: str | None = ClaimRoute.opinion,
    ) -> Assignment:
        """谁受理、谁交办: by the catalogue (a report to the discipline channel, never to its unit, Art 30); a major
        case is owned by the lead's district leader; a matter that comes back stays with its first unit (首办)."""
        lead, co_handlers = route(org, kind, category, locality, reported_unit)
        leader = org.leader_for(lead.code) if major else None
        first = earlier.first_unit if earlier is not None else lead.code
        return cls(
            id=case_id,
            case_no=case_no,
            department=lead.code,
            department_name=lead.name,
            owning_leader=leader.id if leader else "",
            owning_leader_name=leader.name if leader else "",
            assigned_on=accepted_on,
            category=category,
            locality=locality,
            actor=CATALOGUE,
            co_handlers=[u.code for u in co_handlers],
            co_handler_names=[u.name for u in co_handlers],
            first_unit=first,
            first_unit_name=org.unit_name(first),
            risks=list(risks),
            accepted_on=accepted_on,
            kind=kind,
            reported_unit=reported_unit,
            request=request,
            facts=facts,
            claim_route=claim_route,
        )

    # 签收

    def acknowledge(self, department: str, handler: str, on: date, actor: str, terms: Terms) -> None:
        """签收: only the lead, once, and not while an objection or a dispute is pending; with no receipt recorded
        before, the 签收 day is the day the 交办 was received (Art 23¶3)."""
        if on < self.handed_over_on:
            raise AcknowledgedBeforeAssignment(f"签收日期 {on} 早于交办日期 {self.handed_over_on}", "on")
        self.check_on(on)
        self.check_lead(department)
        self.check_not_acknowledged()
        self.check_nothing_pending()
        if department not in self.receipts:
            self.record_receipt(department, on, actor, terms, by_acknowledgement=True)
        self._acknowledged(
            department=department,
            handler=handler,
            acknowledged_on=on,
            actor=actor,
            case_no=self.case_no,
            major=bool(self.owning_leader),
            accepted_on=self.accepted_on,
            co_handlers=list(self.co_handlers),
            request=self.request,
            facts=self.facts,
            kind=self.kind,
            claim_route=self.claim_route,
        )

    # 收到交办 (Art 23¶3)

    def receive(self, department: str, on: date, actor: str, terms: Terms) -> None:
        """交办已收到: the lead or a co-handler records the day the 交办 reached it, once; its 5 working days to
        object and the lead's 15 days to tell the petitioner count from this day (自收到之日起, Art 23¶3)."""
        if on < self.handed_over_on:
            raise ReceivedBeforeAssignment(f"收到日期 {on} 早于交办日期 {self.handed_over_on}", "on")
        self.check_on(on)
        self.check_assigned_to(department)
        if department in self.receipts:
            raise AlreadyReceived(f"{department} 收到案件 {self.case_no} 的交办已{self.received[department]} 登记")
        self.record_receipt(department, on, actor, terms)

    def record_receipt(
        self, department: str, on: date, actor: str, terms: Terms, by_acknowledgement: bool = False
    ) -> None:
        lead = department == self.department
        objecting = not (self.final or by_acknowledgement)
        self._received(
            department=department,
            department_name=self.department_name if lead else self.co_handler_name(department),
            lead=lead,
            received_on=on,
            by_acknowledgement=by_acknowledgement,
            objection_due_on=terms.objection_due(on) if objecting else None,
            notice_due_on=terms.receipt_notice_due(on) if lead else None,
            actor=actor,
            case_no=self.case_no,
        )

    def co_handler_name(self, code: str) -> str:
        return dict(zip(self.co_handlers, self.co_handler_names, strict=False)).get(code, code)

    # 异议 (Art 23)

    def object(self, department: str, reasons: str, proposed_department: str, on: date, actor: str) -> None:
        """交办异议 (Art 23¶3): the lead or a co-handler, with reasons, within 5 working days of its receipt, before
        acknowledging."""
        self.check_on(on)
        self.check_assigned_to(department)
        self.check_not_acknowledged()
        self.check_nothing_pending()
        self.check_objection_window(department, on)
        if proposed_department == department:
            raise NoOtherDepartment(f"异议单位 {department} 不能主张由自己办理", "proposed_department")
        self._objection_filed(
            department=department,
            reasons=reasons,
            proposed_department=proposed_department,
            filed_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    def refuse_objection(self, reason: str, on: date, actor: str) -> None:
        """异议不予采纳: the case stays with its lead."""
        self.check_on(on)
        objection = self.pending_objection()
        self._objection_refused(
            department=objection.department, reason=reason, decided_on=on, actor=actor, case_no=self.case_no
        )

    def agree_objection(
        self,
        to: Unit,
        co_handlers: list[Unit] | None,
        reason: str,
        by: str,
        on: date,
        actor: str,
        leader: Leader | None,
    ) -> None:
        """异议成立, 改派: a new lead, whose objection window opens on its receipt; a new owning leader if due."""
        self.check_on(on)
        self.pending_objection()
        self.reassign(to, co_handlers, reason, by, on, actor, leader)

    def reassign(
        self,
        to: Unit,
        co_handlers: list[Unit] | None,
        reason: str,
        by: str,
        on: date,
        actor: str,
        leader: Leader | None = None,
        final: bool = False,
    ) -> None:
        self.check_not_reported_unit(to, *(co_handlers or []))
        released = {to.code, self.objection.department if self.objection else ""}
        if co_handlers is None:
            pairs = zip(self.co_handlers, self.co_handler_names, strict=True)
            kept = [(c, n) for c, n in pairs if c not in released]
        else:
            kept = [(c.code, c.name) for c in co_handlers if c.code != to.code]
        self.check_a_change(to, [c for c, _ in kept])
        changes = bool(self.owning_leader and leader and leader.id != self.owning_leader)
        self._reassigned(
            from_department=self.department,
            department=to.code,
            department_name=to.name,
            co_handlers=[c for c, _ in kept],
            co_handler_names=[n for _, n in kept],
            reason=reason,
            decided_by=by,
            decided_on=on,
            objection_due_on=None,
            final=final,
            owning_leader=leader.id if changes and leader else self.owning_leader,
            owning_leader_name=leader.name if changes and leader else self.owning_leader_name,
            actor=actor,
            case_no=self.case_no,
        )

    # 争议 (Art 24)

    def refer_dispute(self, org: Organisation, on: date, actor: str) -> None:
        """交办争议 (Art 24): to the disputants' common superior, and with none, to the joint conference."""
        self.check_on(on)
        departments = self.disputants()
        body = org.common_superior(departments[0], departments[1])
        self._dispute_referred(
            departments=departments,
            body=DisputeBody.superior.value if body else JOINT_CONFERENCE,
            body_unit=body.code if body else "",
            body_name=body.name if body else "联席会议",
            referred_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    def settle_dispute(self, to: Unit, reason: str, by: str, on: date, actor: str) -> None:
        """争议裁定 by the deciding body; a new lead is a reassignment, and the decision takes no objection."""
        self.check_on(on)
        dispute = self.check_deciding_body(by)
        self.check_not_reported_unit(to)
        self._dispute_settled(
            body=dispute.body,
            body_unit=dispute.body_unit,
            department=to.code,
            reason=reason,
            decided_on=on,
            actor=actor,
            case_no=self.case_no,
        )
        if to.code != self.department:
            self.reassign(to, None, reason, by, on, actor, final=True)

    # 领导包案, 七包一

    def mark_major(self, risk: str, reason: str, org: Organisation, on: date, actor: str) -> None:
        """领导包案: staff mark a case major; the lead's district leader owns it."""
        self.check_on(on)
        if self.owning_leader:
            raise AlreadyMajor(
                f"案件 {self.case_no} 已{self.made_major} 列为重大案件，由 {self.owning_leader_name} 包案"
            )
        owner = self.check_leader(org.leader_for(self.department))
        self._owning_leader_named(
            owning_leader=owner.id,
            owning_leader_name=owner.name,
            risks=[risk],
            reason=reason,
            named_on=on,
            actor=actor,
            case_no=self.case_no,
        )

    def name_leader_for_long_pending(self, org: Organisation, on: date) -> None:
        """积案: an overdue case without an owning leader gets one; a repeated notice changes nothing."""
        leader = org.leader_for(self.department)
        if self.owning_leader or leader is None:
            return
        self._owning_leader_named(
            owning_leader=leader.id,
            owning_leader_name=leader.name,
            risks=[Risk.long_pending.value],
            reason="办理逾期，列为积案",
            named_on=on,
            actor=SYSTEM,
            case_no=self.case_no,
        )

    def form_task_force(self, members: list[dict[str, str]], on: date, actor: str) -> None:
        """工作专班 (七包一): once per major case, all seven roles, led by the owning leader."""
        self.check_on(on)
        if not self.owning_leader:
            raise NotMajorCase(f"案件 {self.case_no} 不是重大案件 (没有包案领导)，不组建专班")
        if self.task_force is not None:
            raise TaskForceAlreadyFormed(f"案件 {self.case_no} 的工作专班已{self.task_force_formed} 组建")
        task_force.check_seven_roles(self.case_no, members)
        task_force.check_led_by(self.case_no, members, self.owning_leader_name)
        self._task_force_formed(members=members, formed_on=on, actor=actor, case_no=self.case_no)

    # 告知 (Art 23¶3)

    def serve_notice(
        self, notice: str, method: str | None, content: str, unreachable: bool, competent_body: str, on: date,
        actor: str, round_: int = 1,
    ) -> None:  # fmt: skip
        """接收情况告知 (Art 23¶3): the department that received the case tells the petitioner how it is handled;
        a new lead after 改派 tells anew (its own round)."""
        self.check_on(on)
        round_ = max(round_, self.lead_receipts)
        self.notices.check(self.case_no, self.NOTICES, notice, method, unreachable, round_)
        self.check_noticeable(notice, round_)
        self._notice_served(
            notice=notice, method=method, served_on=on, content=content, unreachable=unreachable,
            competent_body=competent_body, round=round_, actor=actor, case_no=self.case_no,
            withheld=self.kind == Kind.report,
        )  # fmt: skip

    def check_noticeable(self, notice: str, round_: int) -> None:
        """接收情况告知 follows the lead's receipt of the 交办 (Art 23¶3)."""
        if self.department not in self.receipts:
            raise NotReceived(f"案件 {self.case_no} 的主办单位 {self.department_name} 尚未登记收到交办或签收")

    # 复查/复核 (Art 35, 36)

    def assign_review(self, stage: str, org: Organisation, on: date) -> None:
        """复查 to the level above the lead, 复核 to the level above the review body (Art 35, 36); once each."""
        if stage in self.reviews:
            return
        reviewed = self.reviews.get(Stage.review) or org.next_level_up(self.department).code
        body = org.next_level_up(self.department if stage == Stage.review else reviewed)
        self._review_assigned(
            stage=str(stage), body=body.code, body_name=body.name, assigned_on=on, actor=SYSTEM, case_no=self.case_no
        )

    # Guards

    def check_lead(self, department: str) -> None:
        if department != self.department:
            raise NotLeadDepartment(
                f"案件 {self.case_no} 的主办单位是 {self.department_name} ({self.department})，不是 {department}",
                "department",
            )

    def check_not_acknowledged(self) -> None:
        if self.acknowledged is not None:
            by, on = self.acknowledged.by or UNSIGNED, self.acknowledged.on
            raise AlreadyAcknowledged(
                f"案件 {self.case_no} 已由 {self.department_name} 于 {on} 签收（经办人 {by}），"
                f"承办人 {self.handler or '未指定'}"
            )

    def check_nothing_pending(self) -> None:
        if self.objection is not None:
            raise ObjectionPending(f"案件 {self.case_no} 有 {self.objection.department} 提出的交办异议待决")
        if self.dispute is not None:
            raise ObjectionPending(f"案件 {self.case_no} 的交办争议待 {self.dispute.body_name} 裁定")

    def check_assigned_to(self, department: str) -> None:
        if department != self.department and department not in self.co_handlers:
            raise NotAssignedDepartment(
                f"{department} 不是案件 {self.case_no} 的主办或协办单位 (主办 {self.department})", "department"
            )

    def check_objection_window(self, department: str, on: date) -> None:
        """Before its receipt is recorded a department may object at any time; after, within its window."""
        if self.final:
            raise ObjectionWindowClosed(f"案件 {self.case_no} 的交办已经争议裁定，不再接受异议")
        due = self.receipts.get(department) if department in self.receipts else self.legacy_window(department)
        if due is not None and on > due:
            raise ObjectionWindowClosed(
                f"案件 {self.case_no} 的异议期限至 {due}（自收到交办之日起5个工作日），{on} 已过期", "on"
            )

    def legacy_window(self, department: str) -> date | None:
        """A case assigned before receipts were recorded counted its window from the assignment."""
        return self.objection_due_on if department == self.department else None

    def pending_objection(self) -> Objection:
        if self.objection is None and self.objection_decided is not None:
            done, decision = self.objection_decided
            raise ObjectionAlreadyDecided(f"案件 {self.case_no} 的交办异议已{done} {decision}")
        if self.objection is None:
            raise NoPendingObjection(f"案件 {self.case_no} 没有待决的交办异议")
        return self.objection

    def disputants(self) -> list[str]:
        objection = self.pending_objection()
        if not objection.proposed_department:
            raise NoOtherDepartment(f"案件 {self.case_no} 的异议未主张其他责任单位，无争议可提请")
        return [objection.department, objection.proposed_department]

    def check_a_change(self, to: Unit, co_handlers: list[str]) -> None:
        if to.code == self.department and co_handlers == self.co_handlers:
            raise SameDepartment(f"案件 {self.case_no} 已由 {to.name} ({to.code}) 主办，协办单位也未改变", "department")

    def check_not_reported_unit(self, *units: Unit) -> None:
        for unit in units:
            if self.reported_unit and unit.code == self.reported_unit:
                raise ReportedUnitExcluded(
                    f"案件 {self.case_no} 是反映 {unit.name} 的检举控告，不得交由其办理", "department"
                )

    def check_deciding_body(self, by: str) -> Dispute:
        if self.dispute is None and self.dispute_settled is not None:
            done, body = self.dispute_settled
            raise DisputeAlreadySettled(f"案件 {self.case_no} 的交办争议已{done} 裁定 ({body})")
        if self.dispute is None:
            raise NoDisputePending(f"案件 {self.case_no} 没有待裁定的交办争议")
        if by != self.dispute.deciding:
            raise NotTheDecidingBody(
                f"案件 {self.case_no} 的争议由 {self.dispute.body_name} ({self.dispute.deciding}) 裁定，不是 {by}", "by"
            )
        return self.dispute

    def check_leader(self, leader: Leader | None) -> Leader:
        if leader is None:
            raise NoOwningLeader(f"案件 {self.case_no} 的主办单位 {self.department_name} 没有分管的区级领导")
        return leader

    # Events

    @event("Acknowledged")
    def _acknowledged(
        self,
        department: str,
        handler: str,
        acknowledged_on: date,
        actor: str,
        case_no: str,
        major: bool = False,
        accepted_on: date | None = None,
        co_handlers: list[str] | None = None,
        request: str = "",
        facts: str = "",
        kind: str = Kind.claim,
        claim_route: str | None = ClaimRoute.opinion,
    ) -> None:
        self.acknowledged, self.handler = Done(actor, acknowledged_on), handler
        self.seen(acknowledged_on)

    @event("ObjectionFiled")
    def _objection_filed(
        self, department: str, reasons: str, proposed_department: str, filed_on: date, actor: str, case_no: str
    ) -> None:
        self.objection = Objection(department, proposed_department, filed_on)
        self.seen(filed_on)

    @event("ObjectionRefused")
    def _objection_refused(self, department: str, reason: str, decided_on: date, actor: str, case_no: str) -> None:
        self.objection = None
        self.objection_decided = (Done(actor, decided_on), "不予采纳")
        self.seen(decided_on)

    @event("Reassigned")
    def _reassigned(
        self,
        from_department: str,
        department: str,
        department_name: str,
        co_handlers: list[str],
        co_handler_names: list[str],
        reason: str,
        decided_by: str,
        decided_on: date,
        objection_due_on: date | None,
        owning_leader: str,
        owning_leader_name: str,
        actor: str,
        case_no: str,
        final: bool = False,
    ) -> None:
        self.department, self.department_name = department, department_name
        self.co_handlers, self.co_handler_names = list(co_handlers), list(co_handler_names)
        self.objection_due_on = objection_due_on
        self.final = final or self.final
        self.handed_over_on = decided_on
        self.receipts = {d: due for d, due in self.receipts.items() if d in co_handlers and d != department}
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        if self.objection is not None:
            self.objection_decided = (Done(actor, decided_on), f"采纳，改由 {department_name} 主办")
        self.objection = self.dispute = None
        self.seen(decided_on)

    @event("Received")
    def _received(
        self, department: str, department_name: str, lead: bool, received_on: date, by_acknowledgement: bool,
        objection_due_on: date | None, notice_due_on: date | None, actor: str, case_no: str,
    ) -> None:  # fmt: skip
        self.receipts[department] = objection_due_on
        self.received[department] = Done(actor, received_on)
        if lead:
            self.lead_receipts += 1
            self.objection_due_on = objection_due_on
        self.seen(received_on)

    @event("DisputeReferred")
    def _dispute_referred(
        self,
        departments: list[str],
        body: str,
        body_unit: str,
        body_name: str,
        referred_on: date,
        actor: str,
        case_no: str,
    ) -> None:
        self.dispute = Dispute(list(departments), body, body_unit, body_name)
        self.objection = None
        self.objection_decided = (Done(actor, referred_on), f"提请 {body_name} 裁定")
        self.seen(referred_on)

    @event("DisputeSettled")
    def _dispute_settled(
        self, body: str, body_unit: str, department: str, reason: str, decided_on: date, actor: str, case_no: str
    ) -> None:
        self.dispute_settled = (Done(actor, decided_on), self.dispute.body_name if self.dispute else body)
        self.dispute = None
        self.seen(decided_on)

    @event("OwningLeaderNamed")
    def _owning_leader_named(
        self,
        owning_leader: str,
        owning_leader_name: str,
        risks: list[str],
        reason: str,
        named_on: date,
        actor: str,
        case_no: str,
    ) -> None:
        self.owning_leader, self.owning_leader_name = owning_leader, owning_leader_name
        self.made_major = Done(actor, named_on)
        self.risks = [*self.risks, *(r for r in risks if r not in self.risks)]
        if actor != SYSTEM:  # 积案's leader follows an overdue mark, the system's: late entry before it stays open
            self.seen(named_on)

    @event("TaskForceFormed")
    def _task_force_formed(self, members: list[dict[str, str]], formed_on: date, actor: str, case_no: str) -> None:
        self.task_force, self.task_force_formed = list(members), Done(actor, formed_on)
        self.seen(formed_on)

    @event("ReviewAssigned")
    def _review_assigned(
        self, stage: str, body: str, body_name: str, assigned_on: date, actor: str, case_no: str
    ) -> None:
        self.reviews[stage] = body
        self.seen(assigned_on)

    @event("NoticeServed")
    def _notice_served(
        self, notice: str, method: str | None, served_on: date, content: str, unreachable: bool, competent_body: str,
        round: int, actor: str, case_no: str, withheld: bool = False,
    ) -> None:  # fmt: skip
        self.notices.record(notice, round, served_on, actor)
        self.seen(served_on)


stored_events(
    Assignment,
    "assignment",
    "Assignment",
    {
        "Assigned": CaseAssigned,
        "Received": AssignmentReceived,
        "Acknowledged": CaseAcknowledged,
        "ObjectionFiled": ObjectionFiled,
        "ObjectionRefused": ObjectionRefused,
        "Reassigned": CaseReassigned,
        "DisputeReferred": DisputeReferred,
        "DisputeSettled": DisputeSettled,
        "OwningLeaderNamed": OwningLeaderNamed,
        "TaskForceFormed": TaskForceFormed,
        "ReviewAssigned": ReviewAssigned,
        "NoticeServed": Twin(NoticeServed, notice_served),
    },
)
