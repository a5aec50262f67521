"""The assignment service (交办) as a runnable component."""

from events import PetitionAccepted
from services.assignment.application import AssignmentApplication
from services.assignment.commands import register_commands
from services.assignment.contract import to_public
from services.organisation import organisation
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> AssignmentApplication:
    return AssignmentApplication(env=env, org=organisation(settings.org_file))


definition = ServiceDefinition(
    name="assignment",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={PetitionAccepted: AssignmentApplication.on_petition_accepted},
)
