"""Small builders of what an event sets on its case's row, shared by the case views."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from projections.case_state import clock_values

Values = Callable[[Any, dict[str, Any]], dict[str, Any]]


def take(*names: str, **renamed: str) -> Values:
    """Copy event fields to columns of the same name, and ``column=field`` renamed ones."""

    def values(event: Any, row: dict[str, Any]) -> dict[str, Any]:
        found = {name: getattr(event, name) for name in names}
        found.update({column: getattr(event, field) for column, field in renamed.items()})
        return found

    return values


def count(column: str, then: Values | None = None) -> Values:
    """Add one to a counter column, plus whatever ``then`` sets."""

    def values(event: Any, row: dict[str, Any]) -> dict[str, Any]:
        found = then(event, row) if then else {}
        return {column: (row.get(column) or 0) + 1, **found}

    return values


def appended(listed: str | None, items: list[str]) -> str:
    """A comma-separated column with new items added once each, in order (risks, overdue clocks)."""
    values = [v for v in (listed or "").split(",") if v]
    return ",".join(values + [i for i in dict.fromkeys(items) if i not in values])


def joined(items: list[str]) -> str:
    return "、".join(items)


def clock(columns: Any) -> Values:
    """A clock event's values, kept to the columns this view has."""

    def values(event: Any, row: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in clock_values(event).items() if k in columns}

    return values
