"""Columns of the read models under the names staff read: an event's field keeps its name from the contract."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Column, Table

from events import CaseEvent


def shows(event: type[CaseEvent], field: str, type_: Any, name: str | None = None, **options: Any) -> Column[Any]:
    """A column that shows one field of an event, labelled with the field's Chinese name from the contract."""
    return Column(name or field, type_, comment=event.label(field), **options)


def headers(table: Table, names: Iterable[str]) -> dict[str, str]:
    """The named columns' Chinese labels, in the order given (the order of an export)."""
    found = {}
    for name in names:
        column = table.c[name]
        if not column.comment:
            raise ValueError(f"column {table.name}.{name} has no Chinese label (comment)")
        found[name] = column.comment
    return found
