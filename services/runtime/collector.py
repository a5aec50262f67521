"""How often Python's cyclic garbage collector runs in a component.

A component allocates many short-lived objects per event (decoded events, rows, SQL parameters) and makes few
reference cycles, so the default schedule (a young-generation pass every 700 net allocations) spends a sixth of a
rebuild's time tracing objects that reference counting frees anyway. Components run it every 50,000 instead, and
move what was loaded at start (modules, tables, settings) out of its reach (``gc.freeze``): later full passes do not
trace it again. Cycles are still collected; they only wait longer.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (50_000, 20, 100)  # young, middle, old: Python's defaults are (700, 10, 10)


def for_a_component() -> None:
    """At a component's start, once its modules are loaded: the schedule above, and start-up objects frozen."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The schedule above while a batch job runs in a process that keeps its own (the CLI's ``replay``, a bench)."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
