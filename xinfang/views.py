"""Reading the read side for staff: the ledger and the leader views, as tables, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from events.vocabulary import (
    Adoption,
    CaseStatus,
    Channel,
    Clock,
    DeadlineRule,
    Disposition,
    Kind,
    LegalRoute,
    NotAcceptedReason,
    Opinion,
    OrderForm,
    OrderGround,
    Rating,
    ReviewOutcome,
    Risk,
    label,
)
from projections.leaders import HEADERS as LEADER_HEADERS
from projections.leaders import leader_cases
from projections.ledger import HEADERS as LEDGER_HEADERS
from projections.ledger import TABLE_HEADERS as LEDGER_TABLE_HEADERS
from projections.ledger import ledger
from services.runtime.errors import NotFound
from services.runtime.organisation import Organisation

LABELLED = {
    "channel": Channel, "kind": Kind, "opinion": Opinion, "rating": Rating, "not_accepted_reason": NotAcceptedReason,
    "routed_to": LegalRoute, "disposition": Disposition, "review_outcome": ReviewOutcome,
    "re_review_outcome": ReviewOutcome, "status": CaseStatus, "acceptance_rule": DeadlineRule,
    "order_form": OrderForm, "proposal_adoption": Adoption,
}  # fmt: skip
LABEL_LISTS = {"risks": Risk, "overdue_clocks": Clock, "order_grounds": OrderGround}
NAMED = {"category", "locality", "office", "review_body", "re_review_body"}  # codes shown by their names


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def plain_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row.items()} for row in rows]


def ledger_rows(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    query = select(ledger).order_by(ledger.c.received_on, ledger.c.case_no)
    if status:
        query = query.where(ledger.c.status == status)
    with engine.connect() as conn:
        return [{k: _plain(v) for k, v in row.items()} for row in conn.execute(query).mappings()]


def leader_rows(engine: Engine, leader: str | None = None) -> list[dict[str, Any]]:
    named = (leader_cases.c.leader_id != "") & leader_cases.c.leader_id.is_not(None)
    query = select(leader_cases).where(named)
    if leader:
        query = query.where((leader_cases.c.leader_id == leader) | (leader_cases.c.leader_name == leader))
    query = query.order_by(leader_cases.c.leader_id, leader_cases.c.nearest_due, leader_cases.c.case_no)
    with engine.connect() as conn:
        return [{k: _plain(v) for k, v in row.items()} for row in conn.execute(query).mappings()]


def resolve_case(engine: Engine, case: str) -> str:
    """A case id from an id or a 信访件编号."""
    try:
        return str(UUID(case))
    except ValueError:
        pass
    with engine.connect() as conn:
        found = conn.execute(select(ledger.c.case_id).where(ledger.c.case_no == case)).scalar()
    if found is None:
        raise NotFound(f"台账中没有信访件编号 {case}", "case")
    return str(found)


def readable(row: dict[str, Any], headers: dict[str, str], org: Organisation) -> dict[str, str]:
    """One row with Chinese headers and labels, as staff read it."""
    out = {}
    for key, header in headers.items():
        value = row.get(key)
        if key in LABELLED:
            value = label(value, LABELLED[key])
        elif key in LABEL_LISTS:
            value = "、".join(label(v, LABEL_LISTS[key]) for v in (value or "").split(",") if v)
        elif isinstance(value, bool):
            value = "是" if value else "否"
        elif key in NAMED:
            value = org.name_of(value or "")
        out[header] = "" if value is None else str(value)
    return out


def to_csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return buffer.getvalue()


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=2, default=str)


__all__ = [
    "LEADER_HEADERS",
    "LEDGER_HEADERS",
    "LEDGER_TABLE_HEADERS",
    "leader_rows",
    "ledger_rows",
    "readable",
    "resolve_case",
]
