"""Every runnable component by name: the four services and the projections."""

from __future__ import annotations

from projections.registry import live_sinks
from services.runtime.host import Component, ProjectionHost, ServiceHost
from services.runtime.settings import COMPONENTS, Settings

LABELS = {
    "intake": "受理 intake",
    "assignment": "交办 assignment",
    "mediation": "办理 mediation",
    "supervision": "督办 supervision",
    "projections": "台账与视图 projections",
}


def build_component(name: str, settings: Settings) -> Component:
    if name not in COMPONENTS:
        raise ValueError(f"未知组件 {name!r}; one of {', '.join(COMPONENTS)}")
    if name == "projections":
        return ProjectionHost(settings, live_sinks)
    if name == "intake":
        from services.intake.service import definition
    elif name == "assignment":
        from services.assignment.service import definition
    elif name == "mediation":
        from services.mediation.service import definition
    else:
        from services.supervision.service import definition
    return ServiceHost(definition, settings)
