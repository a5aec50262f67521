"""督办单 (supervision orders) to the lead department and owning leader, with their answers; the proposals that go
with them and their written feedback (Art 40); and the bulletins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from events.vocabulary import OrderGround, ProposalKind
from services.supervision.domain.errors import (
    AccountabilityToSameUnit,
    AccountabilityWithoutGrounds,
    FeedbackAlreadyGiven,
    NotOrderAddressee,
    NotProposalAddressee,
    OrderAlreadyAnswered,
    OrderGroundsMissing,
    UnknownOrder,
    UnknownProposal,
)

# 推诿、敷衍、拖延、弄虚作假 造成严重后果: the grounds an accountability proposal may follow (Art 40¶3).
ACCOUNTABLE = frozenset({OrderGround.shirking, OrderGround.perfunctory, OrderGround.delay, OrderGround.falsification})


@dataclass
class Order:
    """One 督办单: to whom, its number among the case's orders (its clock's round), when it was answered."""

    department: str
    round: int
    answered_on: date | None = None
    grounds: tuple[str, ...] = ()


@dataclass
class Proposal:
    """One 建议 (Art 40): its kind, the unit that feeds back, its number (its clock's round), when it fed back."""

    kind: str
    department: str
    round: int
    fed_back_on: date | None = None


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

    def answerable(self, case_no: str, order_no: str, department: str) -> Order:
        """The order, answered once and only by the department it was sent to."""
        order = self.issued.get(order_no)
        if order is None:
            raise UnknownOrder(f"案件 {case_no} 没有督办单 {order_no}", "order_no")
        if department != order.department:
            raise NotOrderAddressee(f"督办单 {order_no} 下发给 {order.department}，不是 {department}", "department")
        if order.answered_on is not None:
            raise OrderAlreadyAnswered(f"督办单 {order_no} 已于 {order.answered_on} 回复")
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
            raise FeedbackAlreadyGiven(f"建议 {proposal_no} 已于 {proposal.fed_back_on} 书面反馈采纳情况")
        return proposal
