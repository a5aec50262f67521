"""Every projection by name, and the sinks that feed them from the case stream."""

from __future__ import annotations

from sqlalchemy import Engine

from projections.casefiles import CaseFiles
from projections.feeds import Feeds
from projections.handoffs import HandoffLog
from projections.leaders import LeaderView
from projections.ledger import Ledger
from projections.store import Projection, ProjectionSink, ReadSide
from projections.tracking import Tracking
from services.runtime.clock import Clock
from services.runtime.settings import Settings
from services.runtime.sidecar import Sidecar, make_engine

PROJECTIONS: dict[str, type[Projection]] = {
    "ledger": Ledger,
    "leaders": LeaderView,
    "feeds": Feeds,
    "handoffs": HandoffLog,
    "casefiles": CaseFiles,
    "tracking": Tracking,
}

# The read side ran one durable consumer per projection before they shared one; those are removed on start.
RETIRED_CONSUMERS = tuple(f"projection-{name}" for name in PROJECTIONS)


def sinks_for(engine: Engine, clock: Clock, names: list[str] | None = None) -> list[ProjectionSink]:
    sidecar = Sidecar(engine)
    chosen = names or list(PROJECTIONS)
    return [ProjectionSink(PROJECTIONS[name](), engine, sidecar, clock) for name in chosen]


def live_sinks(settings: Settings) -> list[ReadSide]:
    """The read side as it runs: every projection behind one consumer of the case stream."""
    return [ReadSide(sinks_for(make_engine(settings.db_url("projections"), rebuildable=True), settings.clock()))]
