"""待办 (department inbox): what a unit owes on its open cases — as lead, co-handler, review body or addressee.

One row per thing due: 签收, 异议期 (a window: the last day it may object), 告知 (接收情况, 15 days), 回复 (the
handling limit), 督办单 answers, 协办意见, 建议反馈, 复查/复核, 督促执行 — with its due date, days left, whether a
warning went out and whether it is overdue, nearest first.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from projections.casefile import CaseFile

ACTIONS = {
    "acknowledge": "签收",
    "objection": "异议期",
    "receipt_notice": "告知接收情况",
    "handling": "答复",
    "order_answer": "督办单回复",
    "co_opinion": "报送协办意见",
    "proposal_feedback": "督办建议反馈",
    "review": "复查",
    "re_review": "复核",
    "execution": "督促执行",
}
HEADERS = {
    "case_no": "信访件编号",
    "role": "角色",
    "action": "待办事项",
    "due": "期限",
    "days_left": "剩余天数",
    "warned": "已预警",
    "overdue": "逾期",
    "category": "问题分类",
    "received_on": "来信来访日期",
}
CLOCK_ACTIONS = ("receipt_notice", "handling", "review", "re_review")

Row = dict[str, Any]


def _item(file: CaseFile, role: str, action: str, due: date | None, today: date, warned: bool = False) -> Row:
    return {
        "case_id": file.case_id,
        "case_no": file.case_no,
        "role": role,
        "action": ACTIONS[action],
        "due": due,
        "days_left": (due - today).days if due else None,
        "warned": warned,
        "overdue": bool(due and due < today),
        "category": file.category,
        "received_on": file.received_on,
    }


def items_of(file: CaseFile, unit: str, today: date) -> list[Row]:
    """What ``unit`` owes on one case today."""
    if not file.open():
        return []
    found: list[Row] = []
    lead = file.lead == unit
    role = "主办" if lead else "协办" if unit in file.co_handlers else ""
    if role:
        if lead and file.acknowledged_on is None:
            found.append(_item(file, role, "acknowledge", None, today))
        window = file.objection_due.get(unit)
        if window is not None and window >= today and unit not in file.objected:
            found.append(_item(file, role, "objection", window, today))
    for run in file.running():
        if run.unit == unit and run.clock in CLOCK_ACTIONS:
            who = role or ("复查复核机关" if run.clock in ("review", "re_review") else "责任单位")
            found.append(_item(file, who, run.clock, run.due, today, run.warned_on is not None))
    if role == "协办" and file.co_opinions.get(unit, 0) < file.round and file.answer_of(file.round) is None:
        handling = file.run("handling", file.round)
        found.append(_item(file, role, "co_opinion", handling.due if handling else None, today))
    for order in file.orders.values():
        if order.unit == unit and order.answered_on is None:
            found.append(_item(file, role or "被督办单位", "order_answer", order.due, today))
    for proposal in file.proposals.values():
        if proposal.unit == unit and proposal.fed_back_on is None:
            found.append(_item(file, role or "反馈单位", "proposal_feedback", proposal.due, today))
    if lead and file.execution_opened_on and not file.executed_on:
        found.append(_item(file, role, "execution", None, today))
    return found


def inbox(files: Iterable[CaseFile], unit: str, today: date) -> list[Row]:
    """The unit's to-do list: overdue first, then by due date (undated last), then by case number."""
    rows = [item for file in files for item in items_of(file, unit, today)]
    return sorted(rows, key=lambda r: (not r["overdue"], r["due"] or date.max, r["case_no"], r["action"]))
