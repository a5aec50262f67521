"""Mediation's domain (办理): the department's Handling of a case, round by round, with its rules and named errors."""

from services.mediation.domain.handling import Handling
from services.mediation.domain.round import Round

__all__ = ["Handling", "Round"]
