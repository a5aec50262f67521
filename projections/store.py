"""The read database: each projection's position and the events it has applied, beside its tables."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    bindparam,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from events import CaseEvent, event_type_of, is_known
from events.base import SUBJECT_PREFIX
from projections.case_state import merge_event
from services.runtime.clock import Clock
from services.runtime.consumer import Delivery
from services.runtime.sidecar import Sidecar

log = logging.getLogger(__name__)
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
    """Insert unless the primary key exists; True when a row was inserted (told by RETURNING: an INSERT's rowcount
    is -1 on PostgreSQL through psycopg 3 and SQLAlchemy 2.0, which read as "inserted" always)."""
    dialect = conn.dialect.name
    if dialect == "postgresql":
        stmt: Any = postgresql.insert(table).values(**row).on_conflict_do_nothing()
    elif dialect == "sqlite":
        stmt = sqlite.insert(table).values(**row).on_conflict_do_nothing()
    else:  # pragma: no cover - other databases are not supported targets
        raise NotImplementedError(dialect)
    return conn.execute(stmt.returning(*table.primary_key.columns)).first() is not None


def read_position(conn: Connection, name: str) -> int:
    """A consumer's or relay's saved stream position on the read side (0 before its first save)."""
    return int(conn.execute(select(positions.c.position).where(positions.c.projection == name)).scalar() or 0)


def save_position(conn: Connection, name: str, position: int) -> None:
    if not insert_ignore(conn, positions, {"projection": name, "position": position}):
        conn.execute(update(positions).where(positions.c.projection == name).values(position=position))


# What an event sets on its case's row, given the row as it stands (for counters and lists).
Values = Callable[[Any, dict[str, Any]], dict[str, Any]]
CHUNK = 500  # ids per IN (...) query, well inside every database's parameter limit


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Projection:
    """A read model: its tables and its decision on every event of the contract.

    An event is *applied* (``handlers``: the values it sets), *ignored* (``ignored``: the view has nothing to
    show of it), or, in a view that ``follows_status``, applied for the case status it declares. The completeness
    test holds every projection to a decision on every event.
    """

    name: str = ""
    tables: tuple[Table, ...] = ()
    handlers: dict[type[CaseEvent], Values] = {}
    ignored: frozenset[type[CaseEvent]] = frozenset()
    follows_status: bool = False

    def applies(self, event: type[CaseEvent]) -> bool:
        return event in self.handlers or (self.follows_status and event.status is not None)

    def decides(self, event: type[CaseEvent]) -> bool:
        return self.applies(event) or event in self.ignored

    def create(self, engine: Engine) -> None:
        """Its tables, and any index a later version added to a table that exists (same rows, faster reads)."""
        self.tables[0].metadata.create_all(engine, tables=list(self.tables))
        live = inspect(engine)
        for table in self.tables:
            present = {i["name"] for i in live.get_indexes(table.name)}
            for index in table.indexes:
                if index.name not in present:
                    index.create(engine, checkfirst=True)

    def reshaped(self, engine: Engine) -> list[str]:
        """The tables in the database whose columns are not the ones this version declares (after an upgrade)."""
        live = inspect(engine)
        return [
            table.name
            for table in self.tables
            if live.has_table(table.name)
            and {c["name"] for c in live.get_columns(table.name)} != set(table.columns.keys())
        ]

    def drop(self, engine: Engine) -> None:
        self.tables[0].metadata.drop_all(engine, tables=list(self.tables))

    def clear(self, conn: Connection) -> None:
        for table in self.tables:
            conn.execute(table.delete())

    def apply(self, conn: Connection, events: list[CaseEvent]) -> None:
        raise NotImplementedError


def nothing(event: Any, row: dict[str, Any]) -> dict[str, Any]:
    """An event that sets no column of its own (its status, if any, is set all the same)."""
    return {}


class CaseRowProjection(Projection):
    """One row per case: a batch loads its cases' rows once, merges every event in memory, writes once."""

    follows_status = True

    def apply(self, conn: Connection, events: list[CaseEvent]) -> None:
        table = self.tables[0]
        case_ids = list(dict.fromkeys(e.case_id for e in events))
        rows: dict[str, dict[str, Any]] = {}
        for part in chunks(case_ids):
            for found in conn.execute(select(table).where(table.c.case_id.in_(part))).mappings():
                rows[found["case_id"]] = dict(found)
        existing = set(rows)
        with_nearest_due = "nearest_due" in table.c
        for event in events:
            row = rows.setdefault(event.case_id, {"case_id": event.case_id})
            merge_event(row, event, self.handlers.get(type(event), nothing)(event, row), with_nearest_due)
        columns = [c.name for c in table.c]
        new = [{c: rows[i].get(c) for c in columns} for i in case_ids if i not in existing]
        changed = [{**{c: rows[i].get(c) for c in columns}, "_case": i} for i in case_ids if i in existing]
        if new:
            conn.execute(insert(table), new)
        if changed:
            stmt = update(table).where(table.c.case_id == bindparam("_case"))
            conn.execute(stmt.values({c: bindparam(c) for c in columns if c != "case_id"}), changed)


class ProjectionSink:
    """Applies a batch in one transaction: effects, applied-event ids and the position commit together."""

    def __init__(self, projection: Projection, engine: Engine, sidecar: Sidecar, clock: Clock):
        self.projection = projection
        self.clock = clock
        self.name = f"projection-{projection.name}"
        self.engine = engine
        self.sidecar = sidecar
        # The read side takes the whole stream: a malformed message is dead-lettered here, and an event type this
        # contract does not know yet (a producer deployed first) is skipped and counted.
        self.subjects = [f"{SUBJECT_PREFIX}.>"]
        self.skipped: Counter[str] = Counter()
        metadata.create_all(engine, tables=[positions, applied_events])
        if reshaped := projection.reshaped(engine):
            # An upgrade changed the view's columns: it is rebuilt from stream sequence 1 in the new shape.
            log.warning("%s: %s changed shape in this version; rebuilding from the stream", self.name, reshaped)
            projection.drop(engine)
            projection.create(engine)
            self.reset()
        projection.create(engine)

    def position(self) -> int:
        with self.engine.connect() as conn:
            return read_position(conn, self.name)

    def _save_position(self, conn: Connection, seq: int) -> None:
        save_position(conn, self.name, seq)

    def apply(self, deliveries: list[Delivery]) -> None:
        """Apply a batch in one transaction; an event applied before (republished, redelivered) is skipped."""
        unknown = [d.subject for d in deliveries if not is_known(d.subject)]
        events = [d.event for d in deliveries if is_known(d.subject)]  # a malformed message fails the batch here
        mine = [e for e in events if self.projection.applies(type(e))]
        with self.engine.begin() as conn:
            seen = self._applied(conn, [e.event_id for e in mine])
            fresh = []
            for event in mine:
                if event.event_id not in seen:
                    seen.add(event.event_id)
                    fresh.append(event)
            if fresh:
                self.projection.apply(conn, fresh)
                rows = [{"projection": self.name, "event_id": e.event_id} for e in fresh]
                conn.execute(insert(applied_events), rows)
            self._save_position(conn, deliveries[-1].seq)
        self._count_skipped(unknown)

    def _count_skipped(self, subjects: list[str]) -> None:
        for subject in subjects:
            event_type = event_type_of(subject)
            if not self.skipped[event_type]:
                log.info("%s: skipping event type %r, which this version does not know", self.name, event_type)
            self.skipped[event_type] += 1

    def _applied(self, conn: Connection, event_ids: list[str]) -> set[str]:
        seen: set[str] = set()
        for part in chunks(event_ids):
            query = select(applied_events.c.event_id).where(
                applied_events.c.projection == self.name, applied_events.c.event_id.in_(part)
            )
            seen.update(conn.execute(query).scalars())
        return seen

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        self.sidecar.dead_letter(
            self.name, delivery.seq, delivery.subject, reason, delivery.data, delivery.headers, self.clock.now()
        )
        with self.engine.begin() as conn:
            self._save_position(conn, delivery.seq)

    def reset(self) -> None:
        """Forget everything, so the projection can be rebuilt from sequence 1."""
        with self.engine.begin() as conn:
            self.projection.clear(conn)
            conn.execute(applied_events.delete().where(applied_events.c.projection == self.name))
            conn.execute(positions.delete().where(positions.c.projection == self.name))
