"""One worker thread per component for database work, so the event loop never blocks on a commit."""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from services.runtime.lifecycle import within

T = TypeVar("T")


class DbThread:
    """Runs blocking store calls one at a time, off the event loop; one writer means no lock contention."""

    def __init__(self, name: str):
        self.name = name
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"db-{name}")
        # Checked on the thread just before each call: the component's lease (``services.runtime.lease``).
        self.guard: Callable[[], None] = lambda: None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, functools.partial(self._guarded, fn, *args, **kwargs))

    def _guarded(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.guard()
        return fn(*args, **kwargs)

    async def close(self, timeout: float = 10.0) -> None:
        """Let the call in progress finish (its transaction commits or rolls back whole), drop the queued ones,
        and wait at most ``timeout`` seconds: the thread is never joined from the event loop."""
        finished = asyncio.wrap_future(self._pool.submit(lambda: None))
        self._pool.shutdown(wait=False, cancel_futures=False)
        await within(finished, timeout, f"database thread {self.name}")
