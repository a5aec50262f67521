"""One round of handling (办理轮次): the first after acknowledgement, another after each send-back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass
class Round:
    """A round's clock, extension, co-handler opinions, reply and closure; kept as history once a new one starts."""

    number: int
    starts_on: date
    limit_days: int
    reason: str = ""
    extension_days: int = 0
    extended_on: date | None = None
    opinions: dict[str, str] = field(default_factory=dict)
    records: list[str] = field(default_factory=list)
    opinion: str | None = None
    replied_on: date | None = None
    closed_on: date | None = None

    @property
    def base_due_on(self) -> date:
        """到期日 before any extension: the round's start plus the handling limit (Art 34)."""
        return self.starts_on + timedelta(days=self.limit_days)

    @property
    def due_on(self) -> date:
        """到期日 including an approved extension."""
        return self.base_due_on + timedelta(days=self.extension_days)
