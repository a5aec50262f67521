"""督办单 (supervision orders) to the lead department and owning leader, with their answers; the proposals that go
with them and their written feedback (Art 40); and the bulletins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.vocabulary import OrderForm, OrderGround, ProposalKind, label
from services.runtime.errors import Done
from services.supervision.domain.errors import (
    AccountabilityToSameUnit,
    AccountabilityWithoutGrounds,
    FeedbackAlreadyGiven,
    NotOrderAddressee,
    NotProposalAddressee,
    OrderAlreadyAnswered,
    OrderAlreadyIssued,
    OrderGroundsMissing,
    UnknownOrder,
    UnknownProposal,
)

# 推诿、敷衍、拖延、弄虚作假 造成严重后果: the grounds an accountability proposal may follow (Art 40¶3).
ACCOUNTABLE = frozenset({OrderGround.shirking, OrderGround.perfunctory, OrderGround.delay, OrderGround.falsification})


@dataclass
class Order:
    """One 督办单: to whom, its number among the case's orders (its clock's round), who issued it when, on which
    grounds and in which form, its answer date, and when it was answered (entered by whom)."""

    department: str
    round: int
    issued: Done
    answer_due_on: date
    grounds: tuple[str, ...] = ()
    form: str = OrderForm.letter
    answered_on: date | None = None
    answered_by: str = ""

    def covers(self, department: str, grounds: list[str], form: str, on: date) -> bool:
        """Whether a new order would repeat this one: to the same unit, on grounds it already names, in its form,
        while it still awaits its answer within its answer date."""
        waiting = self.answered_on is None and on <= self.answer_due_on
        return waiting and department == self.department and set(grounds) <= set(self.grounds) and form == self.form


@dataclass
class Proposal:
    """One 建议 (Art 40): its kind, the unit that feeds back, its number (its clock's round), when it fed back
    (entered by whom)."""

    kind: str
    department: str
    round: int
    fed_back_on: date | None = None
    fed_back_by: str = ""


@dataclass
class Orders:
    """The case's orders and proposals by number, and the bulletins (通报) that named it, by (bulletin, reason)."""

    issued: dict[str, Order] = field(default_factory=dict)
    bulletins: set[tuple[str, str]] = field(default_factory=set)
    proposals: dict[str, Proposal] = field(default_factory=dict)

    def next_no(self, case_no: str) -> str:
        """督办单号 DB<case no>-<n>."""
        return f"DB{case_no}-{len(self.issued) + 1}"

    def next_proposal_no(self, case_no: str) -> str:
        """建议编号 JY<case no>-<n>."""
        return f"JY{case_no}-{len(self.proposals) + 1}"

    @staticmethod
    def check_grounds(case_no: str, grounds: list[str]) -> None:
        if not grounds:
            raise OrderGroundsMissing(
                f"案件 {case_no} 的督办单须写明督办情形: 违规受理办理、推诿、敷衍、拖延、弄虚作假"
                "或拒不执行信访处理意见 (Art 40¶1)",
                "grounds",
            )

    def check_not_repeated(self, case_no: str, department: str, grounds: list[str], form: str, on: date) -> None:
        """同一情形不重复督办: while an order to the unit on these grounds, in this form, awaits its answer within its
        answer date, a second one repeats it (two supervisors at once, or one who did not see the first)."""
        for order_no, order in self.issued.items():
            if order.covers(department, grounds, form, on):
                raise OrderAlreadyIssued(
                    f"案件 {case_no} 已有督办单 {order_no}：{order.issued} 下发给 {order.department}"
                    f"（{label(order.form, OrderForm)}；{'、'.join(label(g, OrderGround) for g in order.grounds)}），"
                    f"回复期限 {order.answer_due_on}，尚未回复；同一情形不重复督办",
                    "grounds",
                )

    def answerable(self, case_no: str, order_no: str, department: str) -> Order:
        """The order, answered once and only by the department it was sent to."""
        order = self.issued.get(order_no)
        if order is None:
            raise UnknownOrder(f"案件 {case_no} 没有督办单 {order_no}", "order_no")
        if department != order.department:
            raise NotOrderAddressee(f"督办单 {order_no} 下发给 {order.department}，不是 {department}", "department")
        if order.answered_on is not None:
            done = Done(order.answered_by, order.answered_on)
            raise OrderAlreadyAnswered(f"督办单 {order_no} 已{done} 回复 ({order.department})")
        return order

    def check_proposal(self, case_no: str, kind: str, order_no: str, addressee: str) -> None:
        """An accountability proposal goes with an order for 推诿、敷衍、拖延、弄虚作假, to the body with 管理权限 over
        the unit ordered, never to that unit itself (Art 40¶3); any other names an existing order or none."""
        order = self.issued.get(order_no) if order_no else None
        if order_no and order is None:
            raise UnknownOrder(f"案件 {case_no} 没有督办单 {order_no}", "order_no")
        if kind != ProposalKind.accountability:
            return
        if order is None or not ACCOUNTABLE & set(order.grounds):
            raise AccountabilityWithoutGrounds(
                f"案件 {case_no} 的追究责任建议须针对以推诿、敷衍、拖延或弄虚作假督办的督办单 (Art 40¶3)", "order_no"
            )
        if addressee == order.department:
            raise AccountabilityToSameUnit(
                f"追究责任的建议向对 {order.department} 有管理权限的机关、单位提出，不是 {addressee} 本身 (Art 40¶3)",
                "department",
            )

    def answerable_proposal(self, case_no: str, proposal_no: str, department: str) -> Proposal:
        """The proposal, fed back once and only by the unit it went to (Art 40¶4)."""
        proposal = self.proposals.get(proposal_no)
        if proposal is None:
            raise UnknownProposal(f"案件 {case_no} 没有建议 {proposal_no}", "proposal_no")
        if department != proposal.department:
            raise NotProposalAddressee(
                f"建议 {proposal_no} 提给 {proposal.department}，由其书面反馈采纳情况，不是 {department}", "department"
            )
        if proposal.fed_back_on is not None:
            done = Done(proposal.fed_back_by, proposal.fed_back_on)
            raise FeedbackAlreadyGiven(f"建议 {proposal_no} 的采纳情况已{done} 书面反馈 ({proposal.department})")
        return proposal
