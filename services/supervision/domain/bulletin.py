"""通报: one bulletin per period names every case marked overdue or rated unsatisfied in it."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid5

from eventsourcing.domain import event

from services.runtime.aggregate import ServiceAggregate
from services.runtime.errors import Done
from services.runtime.stored import stored_events
from services.supervision.domain.errors import BulletinAlreadyPublished, PeriodInvalid

BULLETIN_NAMESPACE = UUID("0b7c5d2e-3f41-4c8a-9e6d-5a1b2c3d4e5f")


class Bulletin(ServiceAggregate):
    """One period's bulletin; its id is derived from the period, so a second one clashes. No public events."""

    @event("Published")
    def __init__(self, id: UUID, bulletin_no: str, period_from: date, period_to: date, published_on: date,
                 cases: list[str], actor: str):  # fmt: skip
        self.bulletin_no = bulletin_no
        self.period = (period_from, period_to)
        self.published_on = published_on
        self.published = Done(actor, published_on)
        self.cases = cases

    @staticmethod
    def check_first(earlier: Bulletin | None) -> None:
        """通报制: one bulletin a period; a second is refused, naming the first."""
        if earlier is not None:
            start, end = earlier.period
            raise BulletinAlreadyPublished(f"{start}–{end} 的通报 {earlier.bulletin_no} 已{earlier.published} 发布")

    @staticmethod
    def id_for(period_from: date, period_to: date) -> UUID:
        """The bulletin of a period (通报期间): the period must run forwards."""
        if period_from > period_to:
            raise PeriodInvalid(f"通报期间起始日 {period_from} 晚于截止日 {period_to}", "period_from")
        return uuid5(BULLETIN_NAMESPACE, f"bulletin:{period_from.isoformat()}:{period_to.isoformat()}")

    @staticmethod
    def number_for(period_from: date, period_to: date) -> str:
        return f"TB{period_from:%Y%m%d}-{period_to:%Y%m%d}"


stored_events(Bulletin, "supervision", "Bulletin", {"Published": None})
