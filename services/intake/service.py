"""The intake service (受理) as a runnable component."""

from services.intake.application import IntakeApplication
from services.intake.commands import register_commands
from services.intake.contract import to_public
from services.organisation import organisation
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> IntakeApplication:
    return IntakeApplication(env=env, org=organisation(settings.org_file))


definition = ServiceDefinition(name="intake", application=build, commands=register_commands, to_public=to_public)
