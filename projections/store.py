"""The read database: each projection's position and the events it has applied, beside its tables."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from typing import Any, Protocol, TypeGuard, cast

import sqlalchemy.exc
from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Delete,
    Engine,
    Insert,
    Integer,
    MetaData,
    Select,
    String,
    Table,
    Update,
    bindparam,
    insert,
    inspect,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.util import find_tables

from events import CaseEvent, event_type_of
from events.base import SUBJECT_PREFIX
from projections.case_state import merge_event
from services.runtime.clock import Clock
from services.runtime.consumer import Delivery, apply_or_dead_letter
from services.runtime.sidecar import Sidecar

log = logging.getLogger(__name__)
metadata = MetaData()

positions = Table(
    "xf_projection_position",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# Which projections have applied each event: one row per event, one bit per projection (``Projection.mark``). An
# event comes again when it is republished (a relay that crashed after publishing, past the duplicate window) or
# redelivered; a projection whose bit is set skips it.
event_marks = Table(
    "xf_event_applied",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("applied_by", Integer, nullable=False),
)
# What an earlier version kept instead, per projection: a projection with rows here is rebuilt once on upgrade.
applied_events = Table(
    "xf_applied_event",
    metadata,
    Column("projection", String(64), primary_key=True),
    Column("event_id", String(36), primary_key=True),
)


class Executes(Protocol):
    """What a projection applies a batch through: a connection, or the read side's ``Deferred`` batch."""

    def execute(self, statement: Executable, parameters: Any = None) -> Any: ...


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


# The statements a batch runs every time, built once per shape: SQLAlchemy then reuses their cache keys and compiled
# forms (building one cost more than SQLite took to run it).
_BUILT: dict[tuple[Any, ...], Any] = {}


def among(table: Table, *columns: str, key: str = "case_id") -> Select[Any]:
    """``SELECT columns (all when none) FROM table WHERE key IN :ids`` (``ids`` a list), built once per shape."""
    shape = ("select", table, key, *columns)
    if (stmt := _BUILT.get(shape)) is None:
        chosen: list[Any] = [table.c[c] for c in columns] or [table]
        stmt = _BUILT[shape] = select(*chosen).where(table.c[key].in_(bindparam("ids", expanding=True)))
    return cast(Select[Any], stmt)


def delete_among(table: Table, key: str = "case_id") -> Delete:
    """``DELETE FROM table WHERE key IN :ids``, built once per table."""
    shape = ("delete", table, key)
    if (stmt := _BUILT.get(shape)) is None:
        stmt = _BUILT[shape] = table.delete().where(table.c[key].in_(bindparam("ids", expanding=True)))
    return cast(Delete, stmt)


def update_rows(table: Table, key: str = "case_id") -> Update:
    """``UPDATE table SET every other column WHERE key = :_key``, built once per table (rows name every column)."""
    shape = ("update", table, key)
    if (stmt := _BUILT.get(shape)) is None:
        stmt = update(table).where(table.c[key] == bindparam("_key"))
        stmt = _BUILT[shape] = stmt.values({c.name: bindparam(c.name) for c in table.c if c.name != key})
    return cast(Update, stmt)


def without(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != key}


def read_position(conn: Connection, name: str) -> int:
    """A consumer's or relay's saved stream position on the read side (0 before its first save)."""
    return read_positions(conn, [name]).get(name, 0)


def read_positions(conn: Connection, names: list[str]) -> dict[str, int]:
    """The saved positions of those of ``names`` that have one."""
    query = among(positions, "projection", "position", key="projection")
    return {row.projection: int(row.position) for row in conn.execute(query, {"ids": names})}


class Applied:
    """Which projections have applied the events of a batch: read once before, written once after."""

    def __init__(self, conn: Executes, events: list[tuple[int, CaseEvent]]):
        self.marks: dict[str, int] = {}
        ids = list(dict.fromkeys(e.event_id for _, e in events))
        query = among(event_marks, "event_id", "applied_by", key="event_id")
        for part in chunks(ids):
            self.marks |= {event_id: int(applied_by) for event_id, applied_by in conn.execute(query, {"ids": part})}
        self.stored = dict(self.marks)

    def take(self, event: CaseEvent, mark: int) -> bool:
        """True the first time a projection meets an event (and from then on it has applied it)."""
        had = self.marks.get(event.event_id, 0)
        self.marks[event.event_id] = had | mark
        return not had & mark

    def save(self, conn: Executes) -> None:
        new = [{"event_id": e, "applied_by": m} for e, m in self.marks.items() if e not in self.stored]
        more = [{"_key": e, "applied_by": m} for e, m in self.marks.items() if self.stored.get(e, m) != m]
        if new:
            conn.execute(insert(event_marks), new)
        if more:
            conn.execute(update_rows(event_marks, key="event_id"), more)


def decoded(deliveries: list[Delivery]) -> list[tuple[int, CaseEvent]]:
    """The batch's events of a type this version knows (a malformed message fails the batch here)."""
    return [(d.seq, d.event) for d in deliveries if d.known]


def save_position(conn: Connection, name: str, position: int) -> None:
    """Move a position (an UPDATE's rowcount is exact on both databases), or write its first row."""
    moved = conn.execute(update_rows(positions, key="projection"), {"_key": name, "position": position})
    if moved.rowcount == 0:
        conn.execute(insert(positions).values(projection=name, position=position))


def save_positions(conn: Executes, moved: dict[str, int], stored: set[str]) -> None:
    """Move many positions in one statement; ``stored``: the names that have a row already (the rest get one)."""
    if kept := [{"_key": name, "position": to} for name, to in moved.items() if name in stored]:
        conn.execute(update_rows(positions, key="projection"), kept)
    if new := [{"projection": name, "position": to} for name, to in moved.items() if name not in stored]:
        conn.execute(insert(positions), new)


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
    mark: int = 0  # its bit in ``xf_event_applied``: a power of two no other projection has
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

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        raise NotImplementedError


def nothing(event: Any, row: dict[str, Any]) -> dict[str, Any]:
    """An event that sets no column of its own (its status, if any, is set all the same)."""
    return {}


class CaseRowProjection(Projection):
    """One row per case: a batch loads its cases' rows once, merges every event in memory, writes once."""

    follows_status = True

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        table = self.tables[0]
        case_ids = list(dict.fromkeys(e.case_id for e in events))
        stored: dict[str, dict[str, Any]] = {}
        for part in chunks(case_ids):
            for found in conn.execute(among(table), {"ids": part}).mappings():
                stored[found["case_id"]] = dict(found)
        rows = {case: dict(row) for case, row in stored.items()}
        with_nearest_due = "nearest_due" in table.c
        for event in events:
            row = rows.setdefault(event.case_id, {"case_id": event.case_id})
            merge_event(row, event, self.handlers.get(type(event), nothing)(event, row), with_nearest_due)
        # Every column is written, so that the statements keep one shape (a statement per shape of changed columns
        # was compiled again and again, and SQLAlchemy's cache of them grew with the stream's variety); a stored row
        # the batch did not change is not written at all.
        columns = [c.name for c in table.c]
        new = [{c: rows[i].get(c) for c in columns} for i in case_ids if i not in stored]
        changed = [
            {**{c: rows[i].get(c) for c in columns if c != "case_id"}, "_key": i}
            for i in case_ids
            if i in stored and any(rows[i].get(c) != stored[i].get(c) for c in columns)
        ]
        if new:
            conn.execute(insert(table), new)
        if changed:
            conn.execute(update_rows(table), changed)


# The read side takes the whole stream: a malformed message is dead-lettered here, and an event type this contract
# does not know yet (a producer deployed first) is skipped and counted.
WHOLE_STREAM = (f"{SUBJECT_PREFIX}.>",)


class ProjectionSink:
    """Applies a batch in one transaction: effects, applied-event ids and the position commit together."""

    def __init__(self, projection: Projection, engine: Engine, sidecar: Sidecar, clock: Clock):
        self.projection = projection
        self.clock = clock
        self.name = f"projection-{projection.name}"
        self.engine = engine
        self.sidecar = sidecar
        self.subjects = [*WHOLE_STREAM]
        self.skipped: Counter[str] = Counter()
        metadata.create_all(engine, tables=[positions, event_marks, applied_events])
        if reshaped := projection.reshaped(engine):
            # An upgrade changed the view's columns: it is rebuilt from stream sequence 1 in the new shape.
            log.warning("%s: %s changed shape in this version; rebuilding from the stream", self.name, reshaped)
            projection.drop(engine)
            projection.create(engine)
            self.reset()
        elif self._applied_by_earlier_version():
            log.warning("%s: kept its applied events the earlier way; rebuilding from the stream", self.name)
            self.reset()
        projection.create(engine)

    def _applied_by_earlier_version(self) -> bool:
        with self.engine.connect() as conn:
            mine = select(applied_events.c.event_id).where(applied_events.c.projection == self.name).limit(1)
            return conn.execute(mine).first() is not None

    def position(self) -> int:
        with self.engine.connect() as conn:
            return read_position(conn, self.name)

    def _save_position(self, conn: Connection, seq: int) -> None:
        save_position(conn, self.name, seq)

    def apply(self, deliveries: list[Delivery]) -> None:
        """Apply a batch in one transaction; an event applied before (republished, redelivered) is skipped."""
        with self.engine.begin() as conn:
            applied = Applied(conn, self._mine(deliveries))
            self.apply_in(conn, deliveries, applied)
            applied.save(conn)
            self._save_position(conn, deliveries[-1].seq)
        self.count_skipped(deliveries)

    def _mine(self, deliveries: list[Delivery]) -> list[tuple[int, CaseEvent]]:
        return [(seq, e) for seq, e in decoded(deliveries) if self.projection.applies(type(e))]

    def apply_in(self, conn: Executes, deliveries: list[Delivery], applied: Applied) -> None:
        """Apply a batch inside the caller's transaction, the effects only: ``applied`` is the record of who applied
        the batch's events, which the caller saves with the position (the read side: with every projection's)."""
        fresh = [e for _, e in self._mine(deliveries) if applied.take(e, self.projection.mark)]
        if fresh:
            self.projection.apply(conn, fresh)

    def count_skipped(self, deliveries: list[Delivery]) -> None:
        """Count, after their batch committed, the event types this version does not know."""
        self._count_skipped([d.subject for d in deliveries if not d.known])

    def _count_skipped(self, subjects: list[str]) -> None:
        for subject in subjects:
            event_type = event_type_of(subject)
            if not self.skipped[event_type]:
                log.info("%s: skipping event type %r, which this version does not know", self.name, event_type)
            self.skipped[event_type] += 1

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
            mark = self.projection.mark
            had = event_marks.c.applied_by.op("&")(mark) != 0
            conn.execute(update(event_marks).where(had).values(applied_by=event_marks.c.applied_by - mark))


def forget_applied(engine: Engine) -> None:
    """Forget what every projection applied, before all of them are rebuilt (quicker than each unmarking)."""
    with engine.begin() as conn:
        conn.execute(event_marks.delete())


def unanswered(statement: Executable) -> TypeGuard[UpdateBase]:
    """A write whose answer nobody reads: no RETURNING, nor the new key SQLAlchemy reads back by itself (a single
    row's autoincrement key, where the table has ``implicit_returning``)."""
    if not isinstance(statement, UpdateBase) or statement._returning:
        return False
    table = statement.table
    counted = isinstance(statement, Insert) and getattr(table, "autoincrement_column", None) is not None
    return not (counted and getattr(table, "implicit_returning", False))


class Deferred:
    """A read-side batch's connection: its writes wait, and go to the database together when the batch ends.

    On PostgreSQL they go in one pipeline (psycopg sends them all, then reads every answer at once): a batch's
    dozen inserts and updates cost one round trip, not one each. A read of a table with writes waiting sends those
    first, so every read sees the batch's own writes as it would have without waiting; writes keep their order.
    On SQLite (no server to wait for) they run one after another, as they would have.
    """

    def __init__(self, conn: Connection):
        self.conn = conn
        self.waiting: list[tuple[Executable, Any]] = []
        self.written: set[Any] = set()  # the tables of the waiting writes

    def execute(self, statement: Executable, parameters: Any = None) -> Any:
        if unanswered(statement):
            self.waiting.append((statement, parameters))
            self.written.add(statement.table)
            return None
        if self.waiting and (isinstance(statement, UpdateBase) or self._may_read_written(statement)):
            self.send()  # a write with an answer goes after the waiting ones, as written
        return self.conn.execute(statement, parameters)

    def _may_read_written(self, statement: Executable) -> bool:
        """Whether a read may see a table with writes waiting: it names one, or names none we can see (SQL text)."""
        tables = set(find_tables(cast(ClauseElement, statement), include_crud=True))
        return not tables or bool(self.written & tables)

    def send(self) -> None:
        """Send the waiting writes (a fault in any comes out as SQLAlchemy's error for it, as without waiting)."""
        waiting, self.waiting = self.waiting, []
        self.written = set()
        if not waiting:
            return
        postgres = self.conn.dialect.name == "postgresql"
        driver: Any = self.conn.connection.driver_connection  # psycopg's Connection on PostgreSQL
        try:
            with driver.pipeline() if postgres else nullcontext():
                for statement, parameters in waiting:
                    self.conn.execute(statement, parameters)
        except Exception as exc:
            if not postgres or not isinstance(exc, driver.Error):
                raise
            # Raised as the pipeline synced, outside SQLAlchemy: the database's answer to one of the writes.
            raise sqlalchemy.exc.DBAPIError.instance(None, None, exc, driver.Error, dialect=self.conn.dialect) from exc


class ReadSide:
    """Every projection fed by one consumer: a batch is read once, decoded once, applied to all in one transaction.

    Each projection keeps its own position and applied-event ids beside its tables, so one can be rebuilt alone; the
    read side starts from the lowest position, and a projection skips what it has already applied. A message that
    fails the shared transaction is tried on each projection alone and dead-lettered only where it fails. ``stops``
    (a rebuild checked against live tables) holds a projection to what the live one had applied.
    """

    name = "projections"

    def __init__(self, sinks: list[ProjectionSink], stops: dict[str, int] | None = None):
        if len({id(s.engine) for s in sinks}) > 1:
            raise ValueError("the projections of one read side share one database")
        self.sinks = sinks
        self.stops = stops or {}
        self.engine = sinks[0].engine
        self.subjects = [*WHOLE_STREAM]

    def _positions(self, conn: Connection) -> dict[str, int]:
        names = [s.name for s in self.sinks]
        found = read_positions(conn, names)
        return {name: found.get(name, 0) for name in names}

    def position(self) -> int:
        with self.engine.connect() as conn:
            return min(self._positions(conn).values())

    def _due(self, sink: ProjectionSink, deliveries: list[Delivery], at: int) -> list[Delivery]:
        stop = self.stops.get(sink.name)
        return [d for d in deliveries if d.seq > at and (stop is None or d.seq <= stop)]

    def apply(self, deliveries: list[Delivery]) -> None:
        due: list[tuple[ProjectionSink, list[Delivery]]] = []
        with self.engine.begin() as conn:
            stored = read_positions(conn, [s.name for s in self.sinks])
            applied = Applied(conn, decoded(deliveries))
            batch = Deferred(conn)
            for sink in self.sinks:
                if mine := self._due(sink, deliveries, stored.get(sink.name, 0)):
                    sink.apply_in(batch, mine, applied)
                    due.append((sink, mine))
            applied.save(batch)
            save_positions(batch, {sink.name: mine[-1].seq for sink, mine in due}, set(stored))
            batch.send()
        if not all(d.known for d in deliveries):  # rare: a producer deployed before this version
            for sink, mine in due:
                sink.count_skipped(mine)

    def dead_letter(self, delivery: Delivery, reason: str) -> None:
        with self.engine.connect() as conn:
            at = self._positions(conn)
        for sink in self.sinks:
            if self._due(sink, [delivery], at[sink.name]):
                apply_or_dead_letter(sink, [delivery])
