"""The read side: every projection behind one consumer, a batch applied to all of them in one transaction — with
the same tables as each projection fed alone, each projection's own position, and dead letters only where a message
fails."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine

from projections.registry import PROJECTIONS, sinks_for
from projections.replay import table_rows
from projections.store import ProjectionSink, ReadSide, applied_events, positions
from services.runtime.consumer import Delivery, apply_or_dead_letter
from services.runtime.sidecar import Sidecar
from tests.support.casefiles import Case
from tests.support.clock import CLOCK

d = date


def deliveries() -> list[Delivery]:
    out = []
    for n in range(3):
        case = Case(f"R{n}")
        out += [
            case.registered(d(2026, 11, 2)), case.accepted(d(2026, 11, 3)), case.assigned("990100ZJJ", d(2026, 11, 3)),
            case.clock("handling", d(2026, 11, 3), d(2027, 1, 2)), case.replied("990100ZJJ", d(2026, 11, 18)),
        ]  # fmt: skip
    return [Delivery(seq, e.subject, e.to_json()) for seq, e in enumerate(out, start=1)]


def store(tmp_path: Path, name: str) -> tuple[Engine, list[ProjectionSink]]:
    engine = create_engine(f"sqlite:///{tmp_path}/{name}.db")
    return engine, sinks_for(engine, CLOCK)


def tables(engine: Engine, sinks: list[ProjectionSink]) -> dict[str, Any]:
    return {sink.name: table_rows(engine, sink) for sink in sinks}


def test_one_transaction_for_all_gives_the_tables_each_projection_gives_alone(tmp_path: Path) -> None:
    alone_engine, alone = store(tmp_path, "alone")
    for sink in alone:
        sink.apply(deliveries())
    together_engine, together = store(tmp_path, "together")
    read_side = ReadSide(together)
    batch = deliveries()
    read_side.apply(batch[:7])
    read_side.apply(batch[7:])
    assert tables(together_engine, together) == tables(alone_engine, alone)
    assert any(rows for sink in tables(together_engine, together).values() for rows in sink.values())
    assert read_side.position() == len(batch) and {s.position() for s in together} == {len(batch)}


def test_it_starts_from_the_lowest_position_and_each_projection_skips_what_it_applied(tmp_path: Path) -> None:
    engine, sinks = store(tmp_path, "projections")
    batch = deliveries()
    ledger = next(s for s in sinks if s.name == "projection-ledger")
    ledger.apply(batch)  # the ledger is ahead: the others were rebuilt, say
    read_side = ReadSide(sinks)
    assert read_side.position() == 0
    read_side.apply(batch)  # redelivered from 1: the ledger applies nothing twice
    expected_engine, expected = store(tmp_path, "expected")
    ReadSide(expected).apply(batch)
    assert tables(engine, sinks) == tables(expected_engine, expected)


def test_a_stop_holds_a_projection_to_what_the_live_one_had_applied(tmp_path: Path) -> None:
    _, sinks = store(tmp_path, "projections")
    ReadSide(sinks, {"projection-ledger": 4}).apply(deliveries())
    assert {s.name: s.position() for s in sinks} == {f"projection-{n}": 4 if n == "ledger" else 15 for n in PROJECTIONS}


def test_poison_is_dead_lettered_by_every_projection_and_the_rest_applied(tmp_path: Path) -> None:
    engine, sinks = store(tmp_path, "projections")
    batch = deliveries()
    batch.insert(5, Delivery(6, batch[5].subject, b"{not json"))
    for seq, delivery in enumerate(batch, start=1):
        delivery.seq = seq
    assert apply_or_dead_letter(ReadSide(sinks), batch) == 1
    letters = Sidecar(engine).dead_letters()
    assert sorted(row["consumer"] for row in letters) == sorted(s.name for s in sinks)
    assert {row["stream_seq"] for row in letters} == {6}
    expected_engine, expected = store(tmp_path, "expected")
    ReadSide(expected).apply([b for b in batch if b.seq != 6])
    assert tables(engine, sinks) == tables(expected_engine, expected)
    assert {s.position() for s in sinks} == {len(batch)}


def test_a_message_one_projection_cannot_apply_is_set_aside_there_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine, sinks = store(tmp_path, "projections")
    batch = deliveries()
    bad = batch[7].event.event_id  # an assignment: the handoff log applies it
    handoffs = next(s for s in sinks if s.name == "projection-handoffs")
    original = handoffs.projection.apply

    def refusing(conn: Any, events: list[Any]) -> None:
        if any(e.event_id == bad for e in events):
            raise ValueError("a row this view cannot hold")
        original(conn, events)

    monkeypatch.setattr(handoffs.projection, "apply", refusing)
    assert apply_or_dead_letter(ReadSide(sinks), batch) == 1
    letters = Sidecar(engine).dead_letters()
    assert [(row["consumer"], row["stream_seq"]) for row in letters] == [("projection-handoffs", 8)]
    assert "a row this view cannot hold" in letters[0]["reason"]
    assert {s.position() for s in sinks} == {len(batch)}


def test_the_projections_of_one_read_side_share_one_database(tmp_path: Path) -> None:
    _, one = store(tmp_path, "one")
    _, other = store(tmp_path, "other")
    with pytest.raises(ValueError, match="share one database"):
        ReadSide([one[0], other[1]])


def test_each_projection_has_a_bit_of_its_own() -> None:
    marks = [projection.mark for projection in PROJECTIONS.values()]
    assert all(m > 0 and m & (m - 1) == 0 for m in marks) and len(set(marks)) == len(marks)


def test_a_batch_delivered_again_with_every_position_lost_applies_nothing_twice(tmp_path: Path) -> None:
    engine, sinks = store(tmp_path, "projections")
    ReadSide(sinks).apply(deliveries())
    once = tables(engine, sinks)
    with engine.begin() as conn:
        conn.execute(positions.delete())
    again = deliveries()
    ReadSide(sinks).apply(again)  # redelivered from sequence 1
    republished = [Delivery(seq + 100, d.subject, d.data) for seq, d in enumerate(deliveries())]
    ReadSide(sinks).apply(republished)  # and republished under new sequences
    assert tables(engine, sinks) == once


def test_a_projection_reset_alone_is_rebuilt_to_the_same_rows(tmp_path: Path) -> None:
    engine, sinks = store(tmp_path, "projections")
    ReadSide(sinks).apply(deliveries())
    once = tables(engine, sinks)
    ledger = next(s for s in sinks if s.name == "projection-ledger")
    ledger.reset()
    assert ReadSide(sinks).position() == 0
    ReadSide(sinks).apply(deliveries())  # only the ledger applies them again
    assert tables(engine, sinks) == once


def test_a_projection_that_kept_applied_events_the_earlier_way_is_rebuilt_on_upgrade(tmp_path: Path) -> None:
    engine, sinks = store(tmp_path, "projections")
    ReadSide(sinks).apply(deliveries())
    with engine.begin() as conn:
        conn.execute(applied_events.insert().values(projection="projection-ledger", event_id="e1"))
    again = sinks_for(engine, CLOCK)  # the next start
    assert {s.name: s.position() for s in again} == {f"projection-{n}": 0 if n == "ledger" else 15 for n in PROJECTIONS}
    with engine.connect() as conn:
        assert conn.execute(applied_events.select()).first() is None
