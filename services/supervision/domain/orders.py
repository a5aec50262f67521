"""督办单 (supervision orders) to the lead department and owning leader, with their answers; and the bulletins."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.supervision.domain.errors import NotOrderAddressee, OrderAlreadyAnswered, UnknownOrder


@dataclass
class Order:
    """One 督办单: to whom, its number among the case's orders (its clock's round), when it was answered."""

    department: str
    round: int
    answered_on: date | None = None


@dataclass
class Orders:
    """The case's orders by number, and the bulletins (通报) that named it, by (bulletin, reason)."""

    issued: dict[str, Order] = field(default_factory=dict)
    bulletins: set[tuple[str, str]] = field(default_factory=set)

    def next_no(self, case_no: str) -> str:
        """督办单号 DB<case no>-<n>."""
        return f"DB{case_no}-{len(self.issued) + 1}"

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
