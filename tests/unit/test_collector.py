"""The cyclic collector's schedule in a component and during a rebuild: fewer passes, cycles still collected."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from services.runtime import collector


@pytest.fixture
def schedule() -> Iterator[None]:
    before = gc.get_threshold()
    yield
    gc.set_threshold(*before)
    gc.unfreeze()


def test_a_component_collects_less_often_and_leaves_its_start_up_objects_out(schedule: None) -> None:
    collector.for_a_component()
    assert gc.get_threshold() == collector.THRESHOLDS
    assert gc.get_freeze_count() > 0


def test_a_rebuild_collects_less_often_then_restores_the_schedule_and_cycles_are_still_collected(
    schedule: None,
) -> None:
    gc.set_threshold(700, 10, 10)
    with collector.fewer_collections():
        assert gc.get_threshold() == collector.THRESHOLDS
        cycle: list[object] = []
        cycle.append(cycle)
        del cycle
        assert gc.collect() >= 1
    assert gc.get_threshold() == (700, 10, 10)
