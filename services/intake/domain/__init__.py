"""Intake's domain (受理): the Petition and the Matter it belongs to, with their rules and named errors."""

from services.intake.domain.matter import Matter, MatterIndex
from services.intake.domain.offices import DISTRICT_BUREAU, Offices
from services.intake.domain.petition import Petition, new_query_code

__all__ = ["DISTRICT_BUREAU", "Matter", "MatterIndex", "Offices", "Petition", "new_query_code"]
