"""The mediation service (办理), composed: its application on its store, with the limits and the clock."""

from services.mediation.application import MediationApplication
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> MediationApplication:
    return MediationApplication(env, settings.clock(), settings.terms())


definition = ServiceDefinition(name="mediation", application=build)
