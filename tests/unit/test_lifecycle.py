"""Stopping within a bound: a loop stops even when a library swallows its cancellation, and a stuck one is left."""

from __future__ import annotations

import asyncio
import contextlib

from services.runtime.dbthread import DbThread
from services.runtime.lifecycle import stop_requested, stop_tasks, within


async def swallowing_loop(rounds: list[int]) -> None:
    """A loop whose await eats the CancelledError, as nats-py's flush does."""
    while not stop_requested():
        rounds.append(1)
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(10)


async def test_a_loop_whose_cancellation_is_swallowed_still_stops() -> None:
    rounds: list[int] = []
    task = asyncio.create_task(swallowing_loop(rounds))
    await asyncio.sleep(0.01)
    assert await stop_tasks([task], timeout=5) == []
    assert task.done() and len(rounds) == 1


async def test_a_task_that_never_stops_is_named_and_left_behind() -> None:
    released = asyncio.Event()

    async def stuck() -> None:
        while not released.is_set():  # deaf to cancellation until the test releases it
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.sleep(0.01)

    task = asyncio.create_task(stuck(), name="stuck")
    await asyncio.sleep(0.01)
    assert await stop_tasks([task], timeout=0.3) == ["stuck"]
    released.set()
    await task


async def test_waiting_on_the_way_down_is_bounded() -> None:
    assert await within(asyncio.sleep(10), 0.05, "a wait") is None
    assert await within(asyncio.sleep(0, "done"), 1, "a wait") == "done"


async def test_the_database_thread_finishes_its_call_and_closes() -> None:
    db = DbThread("test")
    finished: list[str] = []
    call = asyncio.create_task(db.run(lambda: finished.append("committed")))
    await asyncio.sleep(0)
    await db.close(timeout=5)
    await call
    assert finished == ["committed"]
