"""Stored event names never change: every aggregate and stored event has an explicit topic, independent of where
its code lives, and the topics shipped stay exactly these. Each stored event names its public twin or none, and
every public event has a producer."""

from __future__ import annotations

from uuid import UUID

from services.intake.application import IntakeApplication
from services.intake.commands import RegisterPetition
from services.runtime.organisation import organisation
from services.runtime.stored import DECLARED, event_classes
from tests.support.clock import CLOCK
from tests.support.harness import memory_store
from tests.support.stored import aggregates, topics

# Shipped: a name may be added here, never changed or removed (a stored event of that name would be orphaned).
STORED_TOPICS = frozenset(
    [
        "xf/assignment/Assignment",
        "xf/assignment/Assignment/Acknowledged",
        "xf/assignment/Assignment/Received",
        "xf/assignment/Assignment/Assigned",
        "xf/assignment/Assignment/DisputeReferred",
        "xf/assignment/Assignment/NoticeServed",
        "xf/assignment/Assignment/DisputeSettled",
        "xf/assignment/Assignment/ObjectionFiled",
        "xf/assignment/Assignment/ObjectionRefused",
        "xf/assignment/Assignment/OwningLeaderNamed",
        "xf/assignment/Assignment/Reassigned",
        "xf/assignment/Assignment/ReviewAssigned",
        "xf/assignment/Assignment/TaskForceFormed",
        "xf/assignment/CommandRecord",
        "xf/assignment/CommandRecord/Recorded",
        "xf/assignment/CommandRecord/Renewed",
        "xf/intake/Matter",
        "xf/intake/Matter/CaseAdded",
        "xf/intake/Matter/CaseOpened",
        "xf/intake/Matter/Closed",
        "xf/intake/Matter/Finalised",
        "xf/intake/Matter/HandlingDueRecorded",
        "xf/intake/Matter/Reopened",
        "xf/intake/Matter/Replied",
        "xf/intake/Matter/Started",
        "xf/intake/MatterIndex",
        "xf/intake/MatterIndex/Indexed",
        "xf/intake/Petition",
        "xf/intake/Petition/Accepted",
        "xf/intake/Petition/CadreReportNotified",
        "xf/intake/Petition/MaterialsRequested",
        "xf/intake/Petition/MaterialsSupplemented",
        "xf/intake/Petition/Merged",
        "xf/intake/Petition/NotAccepted",
        "xf/intake/Petition/NoticeServed",
        "xf/intake/Petition/UrgentMatterReported",
        "xf/intake/Petition/Registered",
        "xf/intake/CommandRecord",
        "xf/intake/CommandRecord/Recorded",
        "xf/intake/CommandRecord/Renewed",
        "xf/mediation/Handling",
        "xf/mediation/Handling/AssistanceGranted",
        "xf/mediation/Handling/Closed",
        "xf/mediation/Handling/CoHandlerOpinionSubmitted",
        "xf/mediation/Handling/HandlerRecused",
        "xf/mediation/Handling/ExecutionCarriedOut",
        "xf/mediation/Handling/ExtensionApproved",
        "xf/mediation/Handling/HearingHeld",
        "xf/mediation/Handling/InvestigationRecorded",
        "xf/mediation/Handling/MediationHeld",
        "xf/mediation/Handling/NoticeServed",
        "xf/mediation/Handling/Opened",
        "xf/mediation/Handling/RehandlingStarted",
        "xf/mediation/Handling/Replied",
        "xf/mediation/Handling/SuggestionAnswered",
        "xf/mediation/Handling/DutyAnswered",
        "xf/mediation/Handling/ReportFedBack",
        "xf/mediation/CommandRecord",
        "xf/mediation/CommandRecord/Recorded",
        "xf/mediation/CommandRecord/Renewed",
        "xf/supervision/Bulletin",
        "xf/supervision/Bulletin/Published",
        "xf/supervision/Supervision",
        "xf/supervision/Supervision/AftercareRecorded",
        "xf/supervision/Supervision/CaseFinalised",
        "xf/supervision/Supervision/CaseSentBack",
        "xf/supervision/Supervision/ClockPaused",
        "xf/supervision/Supervision/ClockRecorded",
        "xf/supervision/Supervision/ClockStopped",
        "xf/supervision/Supervision/ClosureNoted",
        "xf/supervision/Supervision/DeadlineMissed",
        "xf/supervision/Supervision/HearingDaysExcluded",
        "xf/supervision/Supervision/ExecutionFollowed",
        "xf/supervision/Supervision/ExecutionNoted",
        "xf/supervision/Supervision/MergedCaseLinked",
        "xf/supervision/Supervision/MergedInto",
        "xf/supervision/Supervision/NamedInBulletin",
        "xf/supervision/Supervision/NoticeServed",
        "xf/supervision/Supervision/Opened",
        "xf/supervision/Supervision/OpinionPublicised",
        "xf/supervision/Supervision/ProposalAdoptionReported",
        "xf/supervision/Supervision/ProposalIssued",
        "xf/supervision/Supervision/Rated",
        "xf/supervision/Supervision/ReplyNoted",
        "xf/supervision/Supervision/ResponsibleNoted",
        "xf/supervision/Supervision/MatterNoted",
        "xf/supervision/Supervision/ReviewBodyNoted",
        "xf/supervision/Supervision/ReviewOpinionIssued",
        "xf/supervision/Supervision/ReviewRequested",
        "xf/supervision/Supervision/SupervisionOrderAnswered",
        "xf/supervision/Supervision/SupervisionOrderIssued",
        "xf/supervision/Supervision/WarningIssued",
        "xf/supervision/CommandRecord",
        "xf/supervision/CommandRecord/Recorded",
        "xf/supervision/CommandRecord/Renewed",
    ]
)


def test_every_aggregate_declares_its_stored_events() -> None:
    undeclared = [a.__qualname__ for a in aggregates() if "TOPIC" not in a.__dict__]
    assert not undeclared, f"aggregates without stored_events(...) below them: {undeclared}"
    assert set(DECLARED.values()) == set(aggregates())


def test_the_stored_names_are_the_ones_shipped() -> None:
    current = set(topics())
    assert not STORED_TOPICS - current, (
        f"stored names gone or renamed (their events would orphan): {STORED_TOPICS - current}"
    )
    assert not current - STORED_TOPICS, f"new stored names: add them to STORED_TOPICS: {current - STORED_TOPICS}"


def test_every_stored_event_names_its_twin_or_none() -> None:
    for aggregate in aggregates():
        for name, cls in event_classes(aggregate).items():
            assert "twin" in cls.__dict__, f"{aggregate.__qualname__}.{name} says nothing of its public twin"


def test_a_saved_event_is_stored_under_its_stable_name() -> None:
    app = IntakeApplication(memory_store(), organisation(), CLOCK)
    petition = {
        "channel": "visit", "received_by": "王敏", "category": "urban_construction", "locality": "990101001",
        "petitioners": [{"name": "张三"}], "request": "修路",
    }  # fmt: skip
    case_id = app.register(RegisterPetition.model_validate(petition))["case_id"]
    stored = app.recorder.select_events(UUID(case_id))
    assert [e.topic for e in stored] == ["xf/intake/Petition/Registered"]
