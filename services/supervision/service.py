"""The supervision service (督办) as a runnable component."""

from events import CaseClosed, PetitionAccepted, PetitionNotAccepted, PetitionRegistered, ReplyIssued
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings
from services.supervision.application import SupervisionApplication
from services.supervision.commands import register_commands
from services.supervision.contract import to_public


def build(env: dict[str, str], settings: Settings) -> SupervisionApplication:
    return SupervisionApplication(env, settings.acceptance_limit_days, settings.handling_limit_days)


definition = ServiceDefinition(
    name="supervision",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={
        PetitionRegistered: SupervisionApplication.on_registered,
        PetitionAccepted: SupervisionApplication.on_accepted,
        PetitionNotAccepted: SupervisionApplication.on_not_accepted,
        ReplyIssued: SupervisionApplication.on_reply_issued,
        CaseClosed: SupervisionApplication.on_case_closed,
    },
)
