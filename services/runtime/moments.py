"""A moment in a table: the same instant on every database, read back in UTC.

SQLAlchemy's ``DateTime(timezone=True)`` keeps the instant on PostgreSQL (timestamptz) but on SQLite drops the offset
and keeps the wall time it was given: 14:41 at UTC+8 and 14:41 UTC became one value, and a view rebuilt on SQLite
disagreed with the same view on PostgreSQL. ``Moment`` stores UTC where the database keeps no offset and answers an
aware UTC datetime everywhere; a naive datetime given to it is taken as UTC.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


def in_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


class Moment(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if not isinstance(value, datetime):
            return value
        moment = in_utc(value)
        return moment if dialect.name == "postgresql" else moment.replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> Any:
        return in_utc(value) if isinstance(value, datetime) else value
