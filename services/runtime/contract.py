"""Helpers for mapping a service's stored events to the public contract."""

from typing import Any

from events import event_id_for


def envelope(stored: Any) -> dict[str, Any]:
    """The fields every public event takes from a stored event: ids and times."""
    return {
        "event_id": event_id_for(
            type(stored).__qualname__.split(".")[0], stored.originator_id, stored.originator_version
        ),
        "case_id": str(stored.originator_id),
        "occurred_at": stored.timestamp,
        "recorded_at": stored.timestamp,
        "actor": getattr(stored, "actor", "") or "",
    }


def fields(stored: Any, *names: str) -> dict[str, Any]:
    return {name: getattr(stored, name) for name in names}
