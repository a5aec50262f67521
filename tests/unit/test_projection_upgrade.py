"""After an upgrade that changes a view's columns, the view is rebuilt from the stream instead of failing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from projections.ledger import ledger
from projections.registry import sinks_for
from tests.support.clock import CLOCK


def test_a_ledger_of_an_earlier_shape_is_rebuilt_from_sequence_1(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/projections.db")
    (sink,) = sinks_for(engine, CLOCK, ["ledger"])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO xf_projection_position (projection, position) VALUES ('projection-ledger', 41)"))
        conn.execute(text("DROP TABLE ledger"))
        conn.execute(text("CREATE TABLE ledger (case_id VARCHAR(36) PRIMARY KEY, case_no VARCHAR(32))"))
    assert sink.position() == 41
    (again,) = sinks_for(engine, CLOCK, ["ledger"])  # the next start, on the new version
    assert again.position() == 0  # read again from sequence 1
    assert {c["name"] for c in inspect(engine).get_columns("ledger")} == set(ledger.columns.keys())
    (unchanged,) = sinks_for(engine, CLOCK, ["ledger"])
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO xf_projection_position (projection, position) VALUES ('projection-ledger', 7)"))
    (still,) = sinks_for(engine, CLOCK, ["ledger"])  # the same shape: nothing is rebuilt
    assert unchanged.position() == still.position() == 7
