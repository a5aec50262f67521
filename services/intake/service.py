"""The intake service (受理), composed: its application on its store, with the organisation and the clock."""

from services.intake.application import IntakeApplication
from services.intake.domain.identity import petitioner_secret
from services.runtime.host import ServiceDefinition
from services.runtime.organisation import organisation
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> IntakeApplication:
    secret = petitioner_secret(env.get("CIPHER_KEY", ""))
    return IntakeApplication(env, organisation(settings.org_file), settings.clock(), petitioner_secret=secret)


definition = ServiceDefinition(name="intake", application=build)
