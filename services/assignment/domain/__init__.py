"""Assignment's domain (交办): the Assignment of a case to its departments, with its rules and named errors."""

from services.assignment.domain.assignment import JOINT_CONFERENCE, Assignment, Dispute, Objection

__all__ = ["JOINT_CONFERENCE", "Assignment", "Dispute", "Objection"]
