"""Every aggregate of the services and every stored event class, as the services' domain packages (and the runtime,
for each service's command records) define them."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from eventsourcing.domain import Aggregate

from services.runtime.idempotency import RECORDS
from services.runtime.stored import event_classes

SERVICES = ("intake", "assignment", "mediation", "supervision")


def aggregates() -> list[type[Aggregate]]:
    """Every aggregate class the services' domain packages define, and each service's command record (请求标识,
    declared by the runtime under the service's name)."""
    found: list[type[Aggregate]] = list(RECORDS.values())
    for service in SERVICES:
        package = importlib.import_module(f"services.{service}.domain")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found += [
                obj
                for obj in vars(module).values()
                if inspect.isclass(obj) and issubclass(obj, Aggregate) and obj.__module__ == module.__name__
            ]
    return found


def topics() -> dict[str, type]:
    named: dict[str, type] = {}
    for aggregate in aggregates():
        named[aggregate.__dict__["TOPIC"]] = aggregate
        for cls in event_classes(aggregate).values():
            named[cls.__dict__["TOPIC"]] = cls
    return named
