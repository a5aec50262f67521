"""The API's way to the services: staff commands on ``xf.cmd.…`` as staff, a department user's on ``xf.dept.<unit>.…``
as that unit (the same subjects and credentials as ``xinfang department act``, so a unit reaches its own cases only).

Each line is dialled once and again after it closed; a command keeps trying through an outage for the configured
deadline with its 请求标识, then answers 503.
"""

from __future__ import annotations

from typing import Any

from nats.aio.client import Client

from services.runtime.bus import connect
from services.runtime.client import Line, call, request
from services.runtime.commands import department_subject
from services.runtime.settings import Settings
from xinfang.console import client_url


class Bridge:
    """NATS lines of the API process, one for staff and one per unit that has acted."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.lines: dict[str, Line] = {}

    def line(self, party: str) -> Line:
        if party not in self.lines:
            creds = self.settings.credentials(party)
            servers = client_url(self.settings)
            self.lines[party] = Line(lambda: connect(servers, f"xinfang-api-{party}", reconnect=False, creds=creds))
        return self.lines[party]

    async def staff_client(self) -> Client:
        """The staff connection, for reading the stream (history, verify)."""
        return await self.line("staff").client()

    async def send(self, service: str, command: str, payload: dict[str, Any]) -> Any:
        """A bureau command as staff."""
        deadline = self.settings.api_deadline_s
        return await call(self.line("staff"), service, command, payload, timeout=min(10, deadline), deadline=deadline)

    async def send_as_unit(self, unit: str, service: str, command: str, payload: dict[str, Any]) -> Any:
        """A department's command as its unit, on the unit's own subject."""
        deadline = self.settings.api_deadline_s
        subject = department_subject(unit, service, command)
        return await request(
            self.line(f"dept.{unit}"), subject, payload, f"服务 {service}", min(10, deadline), deadline
        )

    async def close(self) -> None:
        for line in self.lines.values():
            await line.close()
        self.lines.clear()
