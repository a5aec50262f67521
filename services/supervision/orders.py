"""督办单 and 通报 on the Supervision aggregate: orders to the department and owning leader, answers, bulletins."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from eventsourcing.domain import event

from services.runtime.errors import DomainError
from services.supervision.deadlines import Terms
from services.supervision.facts import Fact
from services.supervision.review import ReviewChain


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


class OrderAlreadyAnswered(DomainError):
    """督办单已回复."""

    code = "order_already_answered"


class Orders(ReviewChain):
    """Supervision orders (督办单) with their answers, and the bulletins (通报) naming the case."""

    if TYPE_CHECKING:
        orders: dict[str, dict[str, Any]]
        bulletins: set[tuple[str, str]]

    def check_open(self) -> None:
        if self.finalised_on is not None or not self.department or self.round in self.closures:
            state = "已终结" if self.finalised_on else "尚未交办" if not self.department else "已办结"
            raise CaseNotOpen(f"案件 {self.case_no} {state}，不能下发督办单")

    def issue_order(self, reason: str, answer_due: date | None, on: date, actor: str, terms: Terms) -> str:
        self.check_on(on)
        self.check_open()
        due = answer_due or on + timedelta(days=terms.limits.order_answer)
        if due < on:
            raise AnswerDueBeforeIssue(f"回复期限 {due} 早于下发日期 {on}", "answer_due")
        order_no = f"DB{self.case_no}-{len(self.orders) + 1}"
        self._order_issued(
            order_no=order_no, department=self.department, owning_leader=self.owning_leader, reason=reason,
            issued_on=on, answer_due_on=due, actor=actor,
        )  # fmt: skip
        self.observe(Fact("supervision_order_issued", on, round=len(self.orders), days=(due - on).days), terms)
        return order_no

    @event("SupervisionOrderIssued")
    def _order_issued(
        self, order_no: str, department: str, owning_leader: str, reason: str, issued_on: date,
        answer_due_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.orders[order_no] = {"department": department, "answered_on": None, "round": len(self.orders) + 1}
        self.seen(issued_on)

    def answer_order(self, order_no: str, department: str, answer: str, on: date, actor: str, terms: Terms) -> None:
        self.check_on(on)
        order = self.orders.get(order_no)
        if order is None:
            raise UnknownOrder(f"案件 {self.case_no} 没有督办单 {order_no}", "order_no")
        if department != order["department"]:
            raise NotOrderAddressee(f"督办单 {order_no} 下发给 {order['department']}，不是 {department}", "department")
        if order["answered_on"] is not None:
            raise OrderAlreadyAnswered(f"督办单 {order_no} 已于 {order['answered_on']} 回复")
        self._order_answered(order_no=order_no, department=department, answer=answer, answered_on=on, actor=actor)
        self.observe(Fact("supervision_order_answered", on, round=order["round"]), terms)

    @event("SupervisionOrderAnswered")
    def _order_answered(self, order_no: str, department: str, answer: str, answered_on: date, actor: str) -> None:
        self.orders[order_no]["answered_on"] = answered_on
        self.seen(answered_on)

    def name_in_bulletin(
        self, bulletin_no: str, period: tuple[date, date], department: str, reason: str, on: date, actor: str
    ) -> None:
        """通报: named once per bulletin and reason; the bulletin is the bureau's, so no effective-date check."""
        if (bulletin_no, reason) not in self.bulletins:
            self._named(
                bulletin_no=bulletin_no, period_from=period[0], period_to=period[1], department=department,
                reason=reason, published_on=on, actor=actor,
            )  # fmt: skip

    @event("NamedInBulletin")
    def _named(
        self, bulletin_no: str, period_from: date, period_to: date, department: str, reason: str,
        published_on: date, actor: str,
    ) -> None:  # fmt: skip
        self.bulletins.add((bulletin_no, reason))
