"""Every way a service saves wakes its outbox relay (``ServiceApplication.on_saved``): a command's save and a
reaction's alike. A path that saved without it left its events to the relay's idle poll, seconds later."""

from __future__ import annotations

from pathlib import Path

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking

from services.runtime.store import ServiceApplication
from tests.support.clock import CLOCK
from tests.support.harness import sqlite_store


class Note(Aggregate):
    def __init__(self, text: str):
        self.text = text


def application(tmp_path: Path) -> tuple[ServiceApplication, list[int]]:
    app = ServiceApplication(sqlite_store(tmp_path, "wake"), CLOCK)
    woken: list[int] = []
    app.on_saved = lambda: woken.append(1)
    return app, woken


def test_a_save_wakes_the_relay(tmp_path: Path) -> None:
    app, woken = application(tmp_path)
    app.save(Note("登记"))
    assert woken == [1]


def test_a_reaction_that_saved_events_wakes_the_relay_and_one_that_did_not_does_not(tmp_path: Path) -> None:
    app, woken = application(tmp_path)
    app.record_reaction([Note("交办")], Tracking("intake", 1))
    assert woken == [1]
    app.record_reaction([], Tracking("intake", 2))  # only the position moved: nothing to publish
    assert woken == [1]
    assert app.position("intake") == 2
