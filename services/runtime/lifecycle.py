"""Stopping within a bound: background loops end on request, and nothing a component awaits on stop can hang it.

A single ``task.cancel()`` is not enough: nats-py swallows the CancelledError that lands in its flush
(``Client._flush_pending``), and a loop that goes on after that never ends. So loops ask ``stop_requested()``
each round, stop cancels again until the tasks are done, and every wait on stop has a time limit.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from services.runtime.errors import Unavailable

log = logging.getLogger(__name__)
T = TypeVar("T")

STOP_TIMEOUT_S = 10.0


def stop_requested() -> bool:
    """True once the running task was asked to stop, even if a library swallowed the cancellation."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


async def keep_passing(step: Callable[[], Awaitable[None]], failed: Callable[[], str], retry_s: float = 1.0) -> None:
    """Run a loop's passes until asked to stop; a pass that fails is logged (``failed()`` says where) and retried."""
    while not stop_requested():
        try:
            await step()
        except asyncio.CancelledError:
            raise
        except Unavailable as exc:  # writes paused, a store or server away for a moment: no stack to read
            log.warning("%s: %s; retrying", failed(), exc.message)
            await asyncio.sleep(retry_s)
        except Exception:
            log.exception("%s; retrying", failed())
            await asyncio.sleep(retry_s)


async def stop_tasks(tasks: Iterable[asyncio.Task[object]], timeout: float = STOP_TIMEOUT_S) -> list[str]:
    """Cancel the tasks and wait for them, cancelling again while any still runs; after ``timeout`` seconds, log
    each straggler's stack and give up on it. Returns the names of the tasks that did not stop."""
    pending = {t for t in tasks if not t.done()}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while pending and loop.time() < deadline:
        for task in pending:
            task.cancel()
        _, pending = await asyncio.wait(pending, timeout=min(0.5, max(0.0, deadline - loop.time())))
    for task in pending:
        stack = io.StringIO()
        task.print_stack(file=stack)
        log.error("task %s did not stop within %ss:\n%s", task.get_name(), timeout, stack.getvalue())
    return [t.get_name() for t in pending]


async def within(awaitable: Awaitable[T], timeout: float, what: str) -> T | None:
    """Await something on the way down, giving up (with a log line) after ``timeout`` seconds."""
    try:
        return await asyncio.wait_for(awaitable, timeout)
    except TimeoutError:
        log.error("%s did not finish within %ss; going on", what, timeout)
    except Exception:
        log.exception("%s failed while stopping; going on", what)
    return None
