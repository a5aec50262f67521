"""The supervision service (督办) as a runnable component, with its background sweep."""

from events.assignment import (
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    ObjectionFiled,
    OwningLeaderNamed,
    ReviewAssigned,
)
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import CaseClosed, ExtensionApproved, ReplyIssued
from services.calendar import calendar
from services.runtime.host import ServiceDefinition
from services.runtime.settings import Settings
from services.supervision.application import SupervisionApplication
from services.supervision.commands import register_commands
from services.supervision.contract import to_public
from services.supervision.deadlines import Limits, Terms
from services.supervision.sweeper import sweep_forever


def terms(settings: Settings) -> Terms:
    return Terms(Limits.from_settings(settings), calendar(settings.calendar_file), tuple(settings.warning_days))


def build(env: dict[str, str], settings: Settings) -> SupervisionApplication:
    return SupervisionApplication(env, settings.clock(), terms(settings))


App = SupervisionApplication
definition = ServiceDefinition(
    name="supervision",
    application=build,
    commands=register_commands,
    to_public=to_public,
    reactions={
        PetitionRegistered: App.on_registered,
        MaterialsRequested: App.on_clock_event,
        MaterialsSupplemented: App.on_clock_event,
        PetitionAccepted: App.on_clock_event,
        PetitionNotAccepted: App.on_clock_event,
        PetitionMerged: App.on_merged,
        CaseAssigned: App.on_assigned,
        CaseReassigned: App.on_assigned,
        OwningLeaderNamed: App.on_owning_leader_named,
        CaseAcknowledged: App.on_clock_event,
        ObjectionFiled: App.on_clock_event,
        ExtensionApproved: App.on_clock_event,
        ReplyIssued: App.on_reply_issued,
        CaseClosed: App.on_case_closed,
        ReviewAssigned: App.on_review_assigned,
    },
    background=sweep_forever,
)
