"""派单 (谁受理、谁交办): the lead and co-handlers of an accepted petition, by the routing catalogue."""

from __future__ import annotations

from events.vocabulary import Kind
from services.runtime.organisation import Organisation, Unit

DISCIPLINE = "discipline"


def route(
    org: Organisation, kind: str, category: str, locality: str, reported_unit: str = ""
) -> tuple[Unit, list[Unit]]:
    """The most local catalogue row; a report (检举控告) goes to the discipline channel (Art 30).

    The unit a report is about never handles it nor helps with it (Art 46): were it the discipline channel
    itself, the report goes one level up.
    """
    lead, co_handlers = org.route_row(DISCIPLINE if kind == Kind.report else category, locality)
    if reported_unit and lead.code == reported_unit:
        lead = org.next_level_up(lead.code)
    return lead, [u for u in co_handlers if u.code not in (lead.code, reported_unit)]
