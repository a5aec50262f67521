"""Mediation's stored events as public events."""

from typing import Any

from events import CaseClosed, CaseEvent, ReplyIssued
from services.mediation.domain import Handling
from services.runtime.contract import envelope, fields


def to_public(stored: Any) -> CaseEvent | None:
    if isinstance(stored, Handling.Replied):
        return ReplyIssued(
            **envelope(stored), **fields(stored, "case_no", "department", "opinion", "text", "replied_on")
        )
    if isinstance(stored, Handling.Closed):
        return CaseClosed(**envelope(stored), **fields(stored, "case_no", "department", "report", "closed_on"))
    return None
