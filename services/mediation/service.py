"""The mediation service (办理) as a runnable component."""

from events.assignment import CaseAcknowledged
from events.supervision import CaseSentBack
from services.mediation.application import MediationApplication
from services.mediation.commands import register_commands
from services.mediation.contract import to_public
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> MediationApplication:
    return MediationApplication(env, settings.clock(), settings.handling_limit_days, settings.extension_max_days)


definition = ServiceDefinition(
    name="mediation",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={
        CaseAcknowledged: MediationApplication.on_case_acknowledged,
        CaseSentBack: MediationApplication.on_case_sent_back,
    },
)
