"""The assignment service (交办), composed: its application on its store, the organisation, limits and clock."""

from services.assignment.application import AssignmentApplication
from services.runtime.host import ServiceDefinition
from services.runtime.organisation import organisation
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> AssignmentApplication:
    return AssignmentApplication(env, organisation(settings.org_file), settings.clock(), settings.terms())


definition = ServiceDefinition(name="assignment", application=build)
