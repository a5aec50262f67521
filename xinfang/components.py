"""Every runnable component by name: the four services and the projections."""

from __future__ import annotations

import asyncio
from typing import Any

from projections.feeds import FeedRelay
from projections.registry import RETIRED_CONSUMERS, live_sinks
from services.runtime.dbthread import DbThread
from services.runtime.host import Component, ProjectionHost, ServiceHost
from services.runtime.organisation import organisation
from services.runtime.settings import COMPONENTS, Settings
from services.runtime.sidecar import make_engine

LABELS = {
    "intake": "受理 intake",
    "assignment": "交办 assignment",
    "mediation": "办理 mediation",
    "supervision": "督办 supervision",
    "projections": "台账与视图 projections",
}


async def feed_relay(nc: Any, settings: Settings, db: DbThread, applied: asyncio.Event) -> None:
    """部门推送: every unit of the org file gets its own feed stream, woken when the read side applied events."""
    engine = await db.run(make_engine, settings.db_url("projections"))
    units = organisation(settings.org_file).units
    relay = FeedRelay(engine, nc, db, units, settings.stream_replicas, settings.duplicate_window_s, wake=applied)
    await relay.run()


def build_component(name: str, settings: Settings) -> Component:
    if name not in COMPONENTS:
        raise ValueError(f"未知组件 {name!r}; one of {', '.join(COMPONENTS)}")
    if name == "projections":
        return ProjectionHost(settings, live_sinks, feed_relay, RETIRED_CONSUMERS)
    if name == "intake":
        from services.intake.service import definition
    elif name == "assignment":
        from services.assignment.service import definition
    elif name == "mediation":
        from services.mediation.service import definition
    else:
        from services.supervision.service import definition
    return ServiceHost(definition, settings)
