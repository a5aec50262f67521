"""Any projection as of an effective date or as known at a time: its own apply, run over the journal's events up
to then into a scratch in-memory database, read by the same queries as the live tables."""

from __future__ import annotations

from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from projections.casefiles import AsOf, journal_events
from projections.registry import PROJECTIONS

AS_OF_VIEWS = ("ledger", "leaders", "handoffs")  # the case views; the others read the case files themselves


def as_of_engine(live: Engine, as_of: AsOf, names: tuple[str, ...] = AS_OF_VIEWS) -> Engine:
    """A scratch database holding the named projections as they stood (the live engine when ``as_of`` is now)."""
    if as_of.current:
        return live
    with live.connect() as conn:
        events = journal_events(conn, as_of)
    scratch = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    for name in names:
        projection = PROJECTIONS[name]()
        projection.create(scratch)
        mine = [e for e in events if projection.applies(type(e))]
        if mine:
            with scratch.begin() as conn:
                projection.apply(conn, mine)
    return scratch
