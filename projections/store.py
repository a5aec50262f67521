"""The read database: each projection's position and the events it has applied, beside its tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import BigInteger, Column, Connection, Engine, MetaData, String, Table, select, update
from sqlalchemy.dialects import postgresql, sqlite

from events import CaseEvent
from events.base import SUBJECT_PREFIX
from services.runtime.consumer import Delivery
from services.runtime.sidecar import Sidecar

metadata = MetaData()

positions = Table(
    "xf_projection_position",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

applied_events = Table(
    "xf_applied_event",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("event_id", String(36), primary_key=True),
)


def insert_ignore(conn: Connection, table: Table, row: dict[str, Any]) -> bool:
    """Insert unless the primary key exists; True when a row was inserted."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).values(**row).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(**row).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases are not supported targets
        raise NotImplementedError(dialect)
    return bool(conn.execute(stmt).rowcount)


Handler = Callable[[Connection, Any], None]


class Projection:
    """A read model: its tables and one handler per event type it listens to."""

    name: str = ""
    tables: tuple[Table, ...] = ()
    handlers: dict[type[CaseEvent], Handler] = {}

    def create(self, engine: Engine) -> None:
        self.tables[0].metadata.create_all(engine, tables=list(self.tables))

    def clear(self, conn: Connection) -> None:
        for table in self.tables:
            conn.execute(table.delete())


class ProjectionSink:
    """Applies a batch in one transaction: effects, applied-event ids and the position commit together."""

    def __init__(self, projection: Projection, engine: Engine, sidecar: Sidecar):
        self.projection = projection
        self.name = f"projection-{projection.name}"
        self.engine = engine
        self.sidecar = sidecar
        self.handlers = {cls.event_type: fn for cls, fn in projection.handlers.items()}
        # The read side takes the whole stream, so an unknown or malformed event is dead-lettered here.
        self.subjects = [f"{SUBJECT_PREFIX}.>"]
        metadata.create_all(engine, tables=[positions, applied_events])
        projection.create(engine)

    def position(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(positions.c.position).where(positions.c.projection == self.name))
            return int(value.scalar() or 0)

    def _save_position(self, conn: Connection, seq: int) -> None:
        if not insert_ignore(conn, positions, {"projection": self.name, "position": seq}):
            conn.execute(update(positions).where(positions.c.projection == self.name).values(position=seq))

    def apply(self, deliveries: list[Delivery]) -> None:
        with self.engine.begin() as conn:
            for delivery in deliveries:
                event = delivery.event
                handler = self.handlers.get(event.event_type)
                if handler is None:
                    continue
                if insert_ignore(conn, applied_events, {"projection": self.name, "event_id": event.event_id}):
                    handler(conn, event)
            self._save_position(conn, deliveries[-1].seq)

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        self.sidecar.dead_letter(self.name, delivery.seq, delivery.subject, reason, delivery.data, delivery.headers)
        with self.engine.begin() as conn:
            self._save_position(conn, delivery.seq)

    def reset(self) -> None:
        """Forget everything, so the projection can be rebuilt from sequence 1."""
        with self.engine.begin() as conn:
            self.projection.clear(conn)
            conn.execute(applied_events.delete().where(applied_events.c.projection == self.name))
            conn.execute(positions.delete().where(positions.c.projection == self.name))
