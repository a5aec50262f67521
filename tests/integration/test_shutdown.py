"""Every component stops within a bound whatever is in flight, and a caller always hears an answer."""

from __future__ import annotations

import asyncio

from services.runtime.client import call
from services.runtime.errors import XinfangError
from services.runtime.settings import Settings
from tests.support.system import PETITION, Client, InProcessSystem
from xinfang.scenario import numbered


async def test_the_system_stops_with_commands_and_events_in_flight(settings: Settings) -> None:
    running = InProcessSystem(settings)
    await running.start()
    async with Client(settings) as client:
        calls = [
            asyncio.create_task(call(client.nc, "intake", "register", numbered(PETITION, i), timeout=5, deadline=5))
            for i in range(200)
        ]
        # Stop once the first is answered: the others in flight, its events travelling to the other services.
        first, _ = await asyncio.wait(calls, timeout=30, return_when=asyncio.FIRST_COMPLETED)
        assert first, "no command was answered before the stop"
        await running.stop()
        outcomes = await asyncio.gather(*calls, return_exceptions=True)
    answered = [o for o in outcomes if isinstance(o, dict)]
    refused = [o for o in outcomes if isinstance(o, XinfangError)]
    assert answered and len(answered) + len(refused) == len(calls), [o for o in outcomes if o not in answered]
    assert {e.code for e in refused} <= {"unavailable"}
