"""Small tables beside an event store: the relay's position and chain heads, the dead letters (SQLAlchemy Core)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from services.runtime.moments import Moment

metadata = MetaData()

outbox_position = Table(
    "xf_outbox_position",
    metadata,
    Column("relay", String(64), primary_key=True),
    Column("position", BigInteger, nullable=False),
)

# The last link of each case's hash chain the relay published (services/runtime/chain.py), saved with its position.
chain_heads = Table(
    "xf_chain_heads",
    metadata,
    Column("relay", String(64), primary_key=True),
    Column("case_id", String(64), primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

dead_letters = Table(
    "xf_dead_letters",
    metadata,
    Column("consumer", String(64), primary_key=True),
    Column("stream_seq", BigInteger, primary_key=True),
    Column("subject", String(512), nullable=False),
    Column("reason", Text, nullable=False),
    Column("headers", Text, nullable=False, default="{}"),
    Column("data", LargeBinary, nullable=False),
    Column("recorded_at", Moment(), nullable=False),
)


def make_engine(url: str, rebuildable: bool = False) -> Engine:
    """An engine for our own tables; SQLite files run in WAL mode and wait out a busy writer.

    ``rebuildable``: a store the case stream can rebuild (the read side) commits without waiting for the disk
    (SQLite ``synchronous=NORMAL`` in WAL mode, PostgreSQL ``synchronous_commit=off``). A power cut may then lose
    its last transactions, never corrupt it; since each consumer's position is saved in the same transaction as its
    effects, what was lost is simply applied again from the stream. A service's own store never does this: what it
    acknowledged must be on disk.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            if rebuildable:
                cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_engine(url, pool_pre_ping=True)
    if rebuildable:

        @event.listens_for(engine, "connect")
        def _asynchronous_commit(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("SET synchronous_commit TO OFF")
            cursor.close()
            dbapi_connection.commit()  # psycopg opened a transaction for the SET: end it, the setting stays

    return engine


class Sidecar:
    """The relay position and dead-letter records of one component's database."""

    def __init__(self, engine: Engine):
        self.engine = engine
        metadata.create_all(engine, tables=[outbox_position, chain_heads, dead_letters])

    def relay_position(self, relay: str) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(select(outbox_position.c.position).where(outbox_position.c.relay == relay))
            return int(value.scalar() or 0)

    def save_relay_position(self, relay: str, position: int, heads: dict[str, tuple[int, str]] | None = None) -> None:
        """The position, and the chain heads it reached, in one transaction: a re-send carries the same links."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(outbox_position).where(outbox_position.c.relay == relay).values(position=position)
            )
            if done.rowcount == 0:
                conn.execute(insert(outbox_position).values(relay=relay, position=position))
            if heads:
                mine = chain_heads.c.relay == relay
                conn.execute(delete(chain_heads).where(mine, chain_heads.c.case_id.in_(list(heads))))
                rows = [{"relay": relay, "case_id": c, "n": n, "hash": h} for c, (n, h) in heads.items()]
                conn.execute(insert(chain_heads), rows)

    def chain_heads(self, relay: str) -> dict[str, tuple[int, str]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(chain_heads).where(chain_heads.c.relay == relay))
            return {r.case_id: (int(r.n), r.hash) for r in rows}

    def dead_letter(
        self,
        consumer: str,
        seq: int,
        subject: str,
        reason: str,
        data: bytes,
        headers: dict[str, str],
        recorded_at: datetime,
    ) -> None:
        """Record a message that could not be applied; recording it twice keeps the first."""
        row = {
            "consumer": consumer,
            "stream_seq": seq,
            "subject": subject[:512],
            "reason": reason,
            "headers": json.dumps(headers, ensure_ascii=False),
            "data": data,
            "recorded_at": recorded_at,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(dead_letters).values(**row))
        except IntegrityError:
            pass

    def dead_letters(self) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(dead_letters).order_by(dead_letters.c.stream_seq))
            return [dict(r._mapping) for r in rows]
