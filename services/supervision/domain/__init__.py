"""Supervision's domain (督办): the Supervision of a case and the period's Bulletin, with their rules and errors."""

from services.supervision.domain.bulletin import Bulletin
from services.supervision.domain.supervision import Supervision

__all__ = ["Bulletin", "Supervision"]
