"""A read-side batch's writes wait and go to the database together (on PostgreSQL in one pipeline): every read still
sees the batch's own writes, a write the database refuses still fails the batch with SQLAlchemy's error for it, and
the read side gives the same tables and dead letters as when every statement went alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, create_engine, insert, select, text

from projections.registry import sinks_for
from projections.replay import table_rows
from projections.store import Deferred, ReadSide
from services.runtime.consumer import apply_or_dead_letter
from services.runtime.sidecar import Sidecar, make_engine
from tests.support.clock import CLOCK
from tests.unit.test_read_side import deliveries

scratch = MetaData()
kept = Table("kept", scratch, Column("id", String(8), primary_key=True), Column("note", String(20)))
other = Table("other", scratch, Column("id", String(8), primary_key=True))
counted = Table(
    "counted", scratch, Column("n", Integer, primary_key=True, autoincrement=True), Column("note", String(20))
)


def url_of(request: pytest.FixtureRequest, tmp_path: Path, name: str) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / name}.db"
    return str(request.getfixturevalue("postgres_databases")[name])


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    made = create_engine(url_of(request, tmp_path, "projections"))
    scratch.create_all(made)
    request.addfinalizer(made.dispose)
    return made


def test_writes_wait_until_a_read_of_their_table_and_then_the_read_sees_them(engine: Engine) -> None:
    with engine.begin() as conn:
        batch = Deferred(conn)
        batch.execute(insert(kept), [{"id": "1", "note": "一"}, {"id": "2", "note": "二"}])
        assert batch.execute(select(other)).all() == []
        assert len(batch.waiting) == 1  # a read of another table leaves them waiting
        assert batch.execute(select(kept.c.note).order_by(kept.c.id)).scalars().all() == ["一", "二"]
        assert batch.waiting == []
        batch.execute(insert(kept), [{"id": "3", "note": "三"}])
        assert batch.execute(text("SELECT count(*) FROM kept")).scalar() == 3  # SQL text: which tables, unseen
        batch.execute(kept.update().where(kept.c.id == "1").values(note="甲"))
        batch.execute(kept.delete().where(kept.c.id.in_(["2", "3"])))
        batch.send()
    with engine.connect() as conn:
        assert conn.execute(select(kept.c.id, kept.c.note)).all() == [("1", "甲")]


def test_a_write_whose_answer_is_read_goes_at_once_after_the_waiting_ones(engine: Engine) -> None:
    with engine.begin() as conn:
        batch = Deferred(conn)
        batch.execute(insert(kept), [{"id": "1", "note": "先"}])
        new = batch.execute(insert(counted).values(note="后"))  # SQLAlchemy reads its new key back
        assert new.inserted_primary_key == (1,) and batch.waiting == []
        assert conn.execute(select(kept.c.note)).scalars().all() == ["先"]


def test_a_write_the_database_refuses_fails_the_transaction_with_its_error_and_nothing_is_kept(engine: Engine) -> None:
    with pytest.raises(sqlalchemy.exc.IntegrityError), engine.begin() as conn:
        batch = Deferred(conn)
        batch.execute(insert(other), [{"id": "1"}])
        batch.execute(insert(kept), [{"id": "7", "note": "先"}])
        batch.execute(insert(kept), [{"id": "7", "note": "重复"}])
        batch.send()
    with engine.begin() as conn:  # the connection went back to the pool usable
        assert conn.execute(select(kept)).all() == [] and conn.execute(select(other)).all() == []
        Deferred(conn).send()  # nothing waiting: nothing sent


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def read_side_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return url_of(request, tmp_path, "projections")


def test_the_read_side_gives_the_tables_each_projection_gives_alone_statement_by_statement(
    read_side_url: str, tmp_path: Path
) -> None:
    alone_engine = create_engine(f"sqlite:///{tmp_path / 'alone.db'}")
    alone = sinks_for(alone_engine, CLOCK)
    for sink in alone:
        sink.apply(deliveries())
    engine = make_engine(read_side_url, rebuildable=True)
    together = sinks_for(engine, CLOCK)
    batch = deliveries()
    for start in range(0, len(batch), 4):  # later batches update the rows earlier ones wrote
        ReadSide(together).apply(batch[start : start + 4])
    for live, shadow in zip(alone, together, strict=True):
        assert table_rows(engine, shadow) == table_rows(alone_engine, live)
    engine.dispose()


def test_a_write_refused_at_the_end_of_a_batch_is_set_aside_for_its_projection_only(
    read_side_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(read_side_url, rebuildable=True)
    sinks = sinks_for(engine, CLOCK)
    batch = deliveries()
    bad = batch[7].event.event_id  # an assignment: the handoff log applies it
    handoffs = next(s for s in sinks if s.name == "projection-handoffs")
    original = handoffs.projection.apply

    def twice(conn: Any, events: list[Any]) -> None:
        original(conn, events)
        if any(e.event_id == bad for e in events):
            original(conn, [e for e in events if e.event_id == bad])  # the same rows again: the key refuses them

    monkeypatch.setattr(handoffs.projection, "apply", twice)
    assert apply_or_dead_letter(ReadSide(sinks), batch) == 1
    letters = Sidecar(engine).dead_letters()
    assert [(row["consumer"], row["stream_seq"]) for row in letters] == [("projection-handoffs", 8)]
    assert "IntegrityError" in letters[0]["reason"]
    assert {s.position() for s in sinks} == {len(batch)}
    engine.dispose()
