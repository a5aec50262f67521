"""流转记录 (handoff log): every handoff of every case — who handed it to whom, when, by whose decision and why.

谁交办、谁督办 (首办责任制): assigned, reassigned, objected to and the objection refused, disputed and the dispute
settled, handed up for 复查/复核, sent back for re-handling. One row per handoff, readable per case and per unit;
``xinfang history`` keeps reading the raw stream for audits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Column, Connection, Date, Integer, MetaData, String, Table, Text, insert, select

from events import EVENT_TYPES, CaseEvent
from events.assignment import (
    CaseAssigned,
    CaseReassigned,
    DisputeReferred,
    DisputeSettled,
    ObjectionFiled,
    ObjectionRefused,
    ReviewAssigned,
)
from events.supervision import CaseSentBack
from projections.columns import headers
from projections.store import Executes, Projection, chunks

metadata = MetaData()

handoffs = Table(
    "handoff_log",
    metadata,
    Column("event_id", String(36), primary_key=True, comment="事件ID"),
    Column("case_id", String(36), index=True, comment="案件ID"),
    Column("case_no", String(32), index=True, comment="信访件编号"),
    Column("n", Integer, comment="序号", doc="the handoff's place among its case's handoffs"),
    Column("kind", String(16), comment="流转"),
    Column("from_unit", String(32), index=True, comment="移出单位"),
    Column("to_unit", String(32), index=True, comment="接收单位"),
    Column("decided_by", String(100), comment="决定者"),
    Column("reason", Text, comment="理由"),
    Column("on", Date, comment="日期"),
)
HEADERS = headers(
    handoffs, ("case_no", "on", "kind", "from_unit", "to_unit", "decided_by", "reason")
)  # fmt: skip

Row = dict[str, Any]


def _assigned(e: CaseAssigned, _: str) -> Row:
    to = "、".join([e.department, *e.co_handlers])
    return {"kind": "交办", "from_unit": "", "to_unit": to, "decided_by": "派单目录", "reason": e.category}


def _reassigned(e: CaseReassigned, _: str) -> Row:
    return {"kind": "改派", "from_unit": e.from_department, "to_unit": e.department, "decided_by": e.decided_by,
            "reason": e.reason}  # fmt: skip


def _objected(e: ObjectionFiled, _: str) -> Row:
    return {"kind": "异议", "from_unit": e.department, "to_unit": e.proposed_department, "decided_by": e.department,
            "reason": e.reasons}  # fmt: skip


def _refused(e: ObjectionRefused, lead: str) -> Row:
    return {"kind": "异议不予采纳", "from_unit": e.department, "to_unit": e.department, "decided_by": "信访部门",
            "reason": e.reason}  # fmt: skip


def _disputed(e: DisputeReferred, _: str) -> Row:
    return {"kind": "争议提请", "from_unit": "、".join(e.departments), "to_unit": e.body_unit or e.body,
            "decided_by": e.body_name, "reason": ""}  # fmt: skip


def _settled(e: DisputeSettled, _: str) -> Row:
    return {"kind": "争议裁定", "from_unit": e.body_unit or e.body, "to_unit": e.department,
            "decided_by": e.body_unit or e.body, "reason": e.reason}  # fmt: skip


def _review(e: ReviewAssigned, lead: str) -> Row:
    kind = "复查交办" if e.stage == "review" else "复核交办"
    return {"kind": kind, "from_unit": lead, "to_unit": e.body, "decided_by": "", "reason": ""}


def _sent_back(e: CaseSentBack, lead: str) -> Row:
    return {"kind": "退回重办", "from_unit": "", "to_unit": lead, "decided_by": "", "reason": e.reason}


HANDOFFS: dict[type[CaseEvent], Callable[[Any, str], Row]] = {
    CaseAssigned: _assigned,
    CaseReassigned: _reassigned,
    ObjectionFiled: _objected,
    ObjectionRefused: _refused,
    DisputeReferred: _disputed,
    DisputeSettled: _settled,
    ReviewAssigned: _review,
    CaseSentBack: _sent_back,
}
LEADS = (CaseAssigned, CaseReassigned)  # the events that say who leads a case now


class HandoffLog(Projection):
    """流转记录: one row per handoff."""

    name = "handoffs"
    mark = 8
    tables = (handoffs,)
    ignored = frozenset(t for t in EVENT_TYPES.values() if t not in HANDOFFS)

    def applies(self, event: type[CaseEvent]) -> bool:
        return event in HANDOFFS

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        known = self._known(conn, list(dict.fromkeys(e.case_id for e in events)))
        rows = []
        for event in events:
            count, number, lead = known.get(event.case_id, (0, "", ""))
            if isinstance(event, LEADS):
                lead = event.department
            values = HANDOFFS[type(event)](event, lead)
            number = getattr(event, "case_no", "") or number
            rows.append({"event_id": event.event_id, "case_id": event.case_id, "case_no": number, "n": count + 1,
                         "on": event.effective_on, **values})  # fmt: skip
            known[event.case_id] = (count + 1, number, lead)
        if rows:
            conn.execute(insert(handoffs), rows)

    def _known(self, conn: Executes, case_ids: list[str]) -> dict[str, tuple[int, str, str]]:
        """Per case: how many handoffs it has had, its number, and its lead now (the latest 交办 or 改派's unit)."""
        known: dict[str, tuple[int, str, str]] = {}
        for part in chunks(case_ids):
            query = select(handoffs.c.case_id, handoffs.c.n, handoffs.c.kind, handoffs.c.case_no, handoffs.c.to_unit)
            for row in conn.execute(query.where(handoffs.c.case_id.in_(part)).order_by(handoffs.c.n)):
                count, number, lead = known.get(row.case_id, (0, "", ""))
                if row.kind in ("交办", "改派"):
                    number, lead = row.case_no, str(row.to_unit).split("、")[0]
                known[row.case_id] = (max(count, row.n), number, lead)
        return known


def handoff_rows(conn: Connection, case_id: str | None = None, unit: str | None = None) -> list[Row]:
    """The handoffs of one case, or touching one unit (handed from or to it), in date order."""
    query = select(handoffs).order_by(handoffs.c.case_no, handoffs.c.n)
    if case_id:
        query = query.where(handoffs.c.case_id == case_id)
    if unit:
        query = query.where((handoffs.c.from_unit.contains(unit)) | (handoffs.c.to_unit.contains(unit)))
    return [dict(r) for r in conn.execute(query).mappings()]
