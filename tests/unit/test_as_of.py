"""Views as of a date: the journal folded up to then equals the live view when nothing is left out, and shows the
case as it stood when something is."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, select

from projections.asof import as_of_engine
from projections.casefiles import AsOf, CaseFiles, files_as_of
from projections.handoffs import HandoffLog, handoffs
from projections.ledger import Ledger, ledger
from tests.support.casefiles import Case

d = date


def events() -> list:  # type: ignore[type-arg]
    case = Case("S1")
    return [
        case.registered(d(2026, 11, 2)), case.accepted(d(2026, 11, 3)), case.assigned("990100ZJJ", d(2026, 11, 3)),
        case.clock("handling", d(2026, 11, 3), d(2027, 1, 2)), case.replied("990100ZJJ", d(2026, 11, 18)),
        case.stopped("handling", d(2026, 11, 18), d(2027, 1, 2)), case.closed("990100ZJJ", d(2026, 11, 19)),
    ]  # fmt: skip


def live(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite:///{tmp_path}/projections.db")
    for projection in (CaseFiles(), Ledger(), HandoffLog()):
        projection.create(engine)
        with engine.begin() as conn:
            projection.apply(conn, [e for e in events() if projection.applies(type(e))])
    return engine


def test_the_ledger_as_of_a_date_shows_the_case_as_it_stood_then(tmp_path: Path) -> None:
    engine = live(tmp_path)
    then = as_of_engine(engine, AsOf(on=d(2026, 11, 10)))
    with then.connect() as conn:
        row = conn.execute(select(ledger.c.status, ledger.c.replied_on, ledger.c.handling_due)).one()
        assert (row.status, row.replied_on, row.handling_due) == ("assigned", None, d(2027, 1, 2))
        assert [h.kind for h in conn.execute(select(handoffs.c.kind))] == ["交办"]
    with as_of_engine(engine, AsOf(on=d(2026, 11, 2))).connect() as conn:
        assert conn.execute(select(ledger.c.status)).scalar() == "registered"


def test_nothing_left_out_is_the_live_view(tmp_path: Path) -> None:
    engine = live(tmp_path)
    everything = AsOf(on=d(2100, 1, 1))
    with engine.connect() as conn, as_of_engine(engine, everything).connect() as scratch:
        assert [dict(r) for r in scratch.execute(select(ledger)).mappings()] == [
            dict(r) for r in conn.execute(select(ledger)).mappings()
        ]
        assert files_as_of(conn, everything) == files_as_of(conn)
        assert files_as_of(conn)[events()[0].case_id].status == "closed"


def test_files_folded_by_an_earlier_version_are_rebuilt_from_the_stream(tmp_path: Path) -> None:
    from sqlalchemy import update

    from projections.casefiles import files as case_files
    from projections.registry import sinks_for
    from tests.support.clock import CLOCK

    engine = live(tmp_path)
    (sink,) = sinks_for(engine, CLOCK, ["casefiles"])
    with engine.begin() as conn:
        sink._save_position(conn, 7)
    (again,) = sinks_for(engine, CLOCK, ["casefiles"])
    assert again.position() == 7  # the same version: kept
    with engine.begin() as conn:
        conn.execute(update(case_files).values(fold=0))
    (upgraded,) = sinks_for(engine, CLOCK, ["casefiles"])
    assert upgraded.position() == 0  # read again from sequence 1
