"""Reading the read side for staff: the ledger and the leader views, as typed rows (``xinfang.exports`` turns them
into a table, CSV, JSON or xlsx)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import Engine, select

from projections.leaders import HEADERS as LEADER_HEADERS
from projections.leaders import leader_cases
from projections.ledger import HEADERS as LEDGER_HEADERS
from projections.ledger import TABLE_HEADERS as LEDGER_TABLE_HEADERS
from projections.ledger import ledger
from services.runtime.errors import NotFound


def ledger_rows(engine: Engine, status: str | None = None) -> list[dict[str, Any]]:
    """台账 rows (every column, typed as stored: dates, bools, counts), in order of receipt."""
    query = select(ledger).order_by(ledger.c.received_on, ledger.c.case_no)
    if status:
        query = query.where(ledger.c.status == status)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


def leader_rows(engine: Engine, leader: str | None = None) -> list[dict[str, Any]]:
    """领导包案 rows of every leader, or of one (by id or name), typed as stored, nearest due date first."""
    named = (leader_cases.c.leader_id != "") & leader_cases.c.leader_id.is_not(None)
    query = select(leader_cases).where(named)
    if leader:
        query = query.where((leader_cases.c.leader_id == leader) | (leader_cases.c.leader_name == leader))
    query = query.order_by(leader_cases.c.leader_id, leader_cases.c.nearest_due, leader_cases.c.case_no)
    with engine.connect() as conn:
        return [dict(row) for row in conn.execute(query).mappings()]


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


__all__ = [
    "LEADER_HEADERS",
    "LEDGER_HEADERS",
    "LEDGER_TABLE_HEADERS",
    "leader_rows",
    "ledger_rows",
    "resolve_case",
]
