"""A consumer's saved position moves with every batch, on SQLite and on PostgreSQL alike: where it stuck at its first
value (an INSERT's rowcount of -1 through psycopg 3 read as "inserted"), a restart re-read the whole stream."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine

from projections.store import insert_ignore, metadata, positions, read_position, save_position


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Engine:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'positions.db'}"
    else:
        url = request.getfixturevalue("postgres_databases")["projections"]
    made = create_engine(url)
    metadata.create_all(made, tables=[positions])
    request.addfinalizer(made.dispose)
    return made


def test_a_saved_position_moves_with_every_save(engine: Engine) -> None:
    for seq in (1, 7, 7, 42):
        with engine.begin() as conn:
            save_position(conn, "projection-ledger", seq)
        with engine.connect() as conn:
            assert read_position(conn, "projection-ledger") == seq
    with engine.connect() as conn:
        assert read_position(conn, "feed-relay") == 0


def test_insert_ignore_tells_whether_it_inserted(engine: Engine) -> None:
    with engine.begin() as conn:
        assert insert_ignore(conn, positions, {"projection": "a", "position": 1}) is True
        assert insert_ignore(conn, positions, {"projection": "a", "position": 2}) is False
        assert read_position(conn, "a") == 1
