"""The assignment service (交办) as a runnable component."""

from events.intake import PetitionAccepted
from events.supervision import DeadlineMissed, ReviewRequested
from services.assignment.application import AssignmentApplication
from services.assignment.commands import register_commands
from services.assignment.contract import to_public
from services.calendar import calendar
from services.organisation import organisation
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> AssignmentApplication:
    return AssignmentApplication(
        env,
        organisation(settings.org_file),
        settings.clock(),
        days=calendar(settings.calendar_file),
        objection_days=settings.objection_limit_working_days,
    )


definition = ServiceDefinition(
    name="assignment",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={
        PetitionAccepted: AssignmentApplication.on_petition_accepted,
        DeadlineMissed: AssignmentApplication.on_deadline_missed,
        ReviewRequested: AssignmentApplication.on_review_requested,
    },
)
