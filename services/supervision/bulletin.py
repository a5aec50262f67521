"""通报: one bulletin per period names every case marked overdue or rated unsatisfied in it."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import Aggregate, event

from events.vocabulary import Rating
from services.runtime.errors import DomainError
from services.runtime.store import ServiceApplication
from services.supervision.clocks import DeadlineMissed
from services.supervision.rating import Rated
from services.supervision.sweeper import stored_events

BULLETIN_NAMESPACE = UUID("0b7c5d2e-3f41-4c8a-9e6d-5a1b2c3d4e5f")
Named = tuple[UUID, str, str]  # case id, reason (overdue | unsatisfied), department ("" = the case's current)


class BulletinAlreadyPublished(DomainError):
    """通报制: each period is bulletined once."""

    code = "bulletin_already_published"


class PeriodInvalid(DomainError):
    """通报期间的起始日不能晚于截止日."""

    code = "period_invalid"


def check_period(period_from: date, period_to: date) -> None:
    if period_from > period_to:
        raise PeriodInvalid(f"通报期间起始日 {period_from} 晚于截止日 {period_to}", "period_from")


def bulletin_id(period_from: date, period_to: date) -> UUID:
    return uuid5(BULLETIN_NAMESPACE, f"bulletin:{period_from.isoformat()}:{period_to.isoformat()}")


def bulletin_no(period_from: date, period_to: date) -> str:
    return f"TB{period_from:%Y%m%d}-{period_to:%Y%m%d}"


class Bulletin(Aggregate):
    """One period's bulletin; its id is derived from the period, so a second one clashes. No public events."""

    @event("Published")
    def __init__(self, id: UUID, bulletin_no: str, period_from: date, period_to: date, published_on: date,
                 cases: list[str], actor: str):  # fmt: skip
        check_period(period_from, period_to)
        self.bulletin_no = bulletin_no
        self.period = (period_from, period_to)
        self.published_on = published_on
        self.cases = cases


def named_in_period(app: ServiceApplication, period_from: date, period_to: date) -> list[Named]:
    """Scan the service's own log: overdue marks and unsatisfied ratings dated within the period."""
    named: dict[tuple[UUID, str], str] = {}
    for _, stored in stored_events(app):
        if isinstance(stored, DeadlineMissed) and period_from <= stored.marked_on <= period_to:
            named.setdefault((stored.originator_id, "overdue"), stored.department)
        elif (
            isinstance(stored, Rated)
            and stored.rating == Rating.unsatisfied
            and period_from <= stored.rated_on <= period_to
        ):
            named.setdefault((stored.originator_id, "unsatisfied"), "")
    return [(case_id, reason, department) for (case_id, reason), department in named.items()]
