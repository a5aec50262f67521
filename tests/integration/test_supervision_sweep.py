"""Time-based events exactly once: instances sweeping one database concurrently, then a restart."""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from uuid import uuid4

import pytest

from services.runtime.dbthread import DbThread
from services.runtime.settings import Settings
from services.runtime.store import store_env
from services.runtime.stored import event_class
from services.supervision.application import SupervisionApplication
from services.supervision.domain import Supervision
from services.supervision.service import sweep_forever
from tests.support.clock import CLOCK, TODAY
from tests.support.harness import TERMS, Reactor
from tests.unit import supervision_kit as kit

WarningIssued, DeadlineMissed = event_class(Supervision, "WarningIssued"), event_class(Supervision, "DeadlineMissed")
START = date(2025, 3, 3)
CASES = 12


def instance(url: str) -> SupervisionApplication:
    return SupervisionApplication(store_env("supervision", url, ""), CLOCK, TERMS)


def load_cases(app: SupervisionApplication) -> None:
    """Cases whose handling, objection and receipt-notice clocks run out over the next months."""
    driver = Reactor(app)
    for i in range(CASES):
        case_id, on = str(uuid4()), START + timedelta(days=i)
        driver.react(kit.registered(case_id, on, f"XF{i}"), kit.accepted(case_id, on), kit.assigned(case_id, on))
        driver.react(kit.received(case_id, on))
        if i % 3:
            driver.react(kit.acknowledged(case_id, on + timedelta(days=1)))


def alarms(app: SupervisionApplication) -> Counter[tuple[str, str, int, int]]:
    seen: Counter[tuple[str, str, int, int]] = Counter()
    for _, stored in app.stored_events():
        if isinstance(stored, WarningIssued | DeadlineMissed):
            stage = stored.stage if isinstance(stored, WarningIssued) else -1
            seen[(str(stored.originator_id), stored.clock, stored.round, stage)] += 1
    return seen


def sweep_concurrently(url: str) -> Counter[tuple[str, str, int, int]]:
    first, second = instance(url), instance(url)
    load_cases(first)
    days = [START + timedelta(days=d) for d in range(0, 90)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = [pool.submit(app.sweep_as_of, day) for day in days for app in (first, second, first, second)]
        total = sum(run.result() for run in runs)
    restarted = instance(url)  # a new instance builds its index from the log and finds nothing left to do
    assert sum(restarted.sweep_as_of(day) for day in days) == 0
    seen = alarms(restarted)
    assert total == sum(seen.values())
    return seen


def check_exactly_once(seen: Counter[tuple[str, str, int, int]]) -> None:
    assert seen, "the sweep emitted nothing"
    assert set(seen.values()) == {1}, [k for k, n in seen.items() if n > 1]
    cases = {case for case, *_ in seen}
    assert len(cases) == CASES
    assert {(clock, stage) for _, clock, _, stage in seen} >= {
        ("handling", 5),
        ("handling", -1),
        ("objection", -1),
        ("receipt_notice", -1),
    }


def test_two_instances_and_a_restart_emit_each_alarm_exactly_once_on_sqlite(tmp_path: Path) -> None:
    check_exactly_once(sweep_concurrently(f"sqlite:///{tmp_path}/supervision.db"))


@pytest.mark.postgres
def test_two_instances_and_a_restart_emit_each_alarm_exactly_once_on_postgres(
    postgres_databases: dict[str, str],
) -> None:
    check_exactly_once(sweep_concurrently(postgres_databases["supervision"]))


async def test_the_background_sweep_runs_on_the_database_thread_until_cancelled(tmp_path: Path) -> None:
    app = instance(f"sqlite:///{tmp_path}/supervision.db")
    driver = Reactor(app)
    case_id = str(uuid4())
    long_ago = TODAY - timedelta(days=100)
    driver.react(kit.registered(case_id, long_ago), kit.accepted(case_id, long_ago))
    db = DbThread("sweep-test")
    task = asyncio.create_task(sweep_forever(app, Settings(sweep_interval_s=0.05), db))
    await asyncio.sleep(0.5)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await db.close()
    assert alarms(app) == Counter({(case_id, "handling", 1, -1): 1})
