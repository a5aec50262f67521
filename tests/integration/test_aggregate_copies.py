"""Every aggregate the services keep hands out its copies by pickling (``ServiceAggregate``): after full lifecycles,
each kind's copy from the cache equals the cached one and shares nothing mutable with it, so a command whose rules
fail halfway still leaves the cache as it was."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from services.runtime.aggregate import ServiceAggregate
from services.runtime.host import ServiceHost
from tests.support.stored import aggregates
from tests.support.system import Client, InProcessSystem, settle


def test_every_kind_of_aggregate_copies_itself_through_pickle() -> None:
    assert [a.__name__ for a in aggregates() if not issubclass(a, ServiceAggregate)] == []


def mutable_parts(value: Any, seen: set[int] | None = None) -> Iterator[Any]:
    """Every list, dict, set and object with attributes reachable from a value (itself included)."""
    seen = set() if seen is None else seen
    if id(value) in seen or isinstance(value, str | bytes | int | float | bool | type(None)):
        return
    seen.add(id(value))
    if isinstance(value, list | dict | set):
        yield value
    children: Any = []
    if isinstance(value, dict):
        children = [*value.keys(), *value.values()]
    elif isinstance(value, list | tuple | set | frozenset):
        children = list(value)
    elif hasattr(value, "__dict__") and not isinstance(value, type):
        yield value
        children = list(vars(value).values())
    for child in children:
        yield from mutable_parts(child, seen)


async def test_a_cached_aggregate_is_copied_whole_and_apart(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        for i in range(2):
            await client.lifecycle(i, major=i == 1)
    await settle(system)
    kinds: set[str] = set()
    for component in system.components.values():
        if not isinstance(component, ServiceHost):
            continue
        cache: Any = component.app.repository.cache
        assert cache is not None
        for aggregate_id in list(cache.cache):
            cached = cache.get(aggregate_id)
            copied = copy.deepcopy(cached)
            assert type(copied) is type(cached) and vars(copied) == vars(cached)
            assert not {id(p) for p in mutable_parts(cached)} & {id(p) for p in mutable_parts(copied)}
            kinds.add(type(cached).__name__)
    assert {"Petition", "Assignment", "Handling", "Supervision", "Matter"} <= kinds
