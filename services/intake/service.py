"""The intake service (受理) as a runnable component."""

from events.mediation import CaseClosed, ReplyIssued
from events.supervision import CaseFinalised, CaseSentBack, DeadlineRecorded
from services.intake.application import IntakeApplication
from services.intake.commands import register_commands
from services.intake.contract import to_public
from services.intake.identity import petitioner_secret
from services.organisation import organisation
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings


def build(env: dict[str, str], settings: Settings) -> IntakeApplication:
    secret = petitioner_secret(env.get("CIPHER_KEY", ""))
    return IntakeApplication(env, organisation(settings.org_file), settings.clock(), petitioner_secret=secret)


definition = ServiceDefinition(
    name="intake",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={
        DeadlineRecorded: IntakeApplication.on_deadline_recorded,
        ReplyIssued: IntakeApplication.on_reply_issued,
        CaseClosed: IntakeApplication.on_case_closed,
        CaseSentBack: IntakeApplication.on_case_sent_back,
        CaseFinalised: IntakeApplication.on_case_finalised,
    },
)
