"""The supervision service (督办), composed: its application on its store, the limits, the clock, and the
background sweep of its clocks."""

from __future__ import annotations

import asyncio
import logging

from services.runtime.dbthread import DbThread
from services.runtime.host import ServiceDefinition
from services.runtime.lifecycle import stop_requested
from services.runtime.settings import Settings
from services.supervision.application import SupervisionApplication

log = logging.getLogger(__name__)


def build(env: dict[str, str], settings: Settings) -> SupervisionApplication:
    return SupervisionApplication(env, settings.clock(), settings.terms())


async def sweep_forever(app: SupervisionApplication, settings: Settings, db: DbThread) -> None:
    """时限巡查 in the background: every sweep_interval_s, as of today, on the service's database thread."""
    while not stop_requested():
        try:
            emitted = await db.run(app.sweep_as_of, app.clock.today())
            if emitted:
                log.info("sweep emitted %d warnings and overdue marks", emitted)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweep failed; retrying in %ss", settings.sweep_interval_s)
        await asyncio.sleep(settings.sweep_interval_s)


definition = ServiceDefinition(name="supervision", application=build, background=sweep_forever)
