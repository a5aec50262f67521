"""The public event contract: subjects, decoding, and what it refuses."""

from __future__ import annotations

import json
from datetime import date
from uuid import uuid4

import pytest

from events import EVENT_TYPES, UndecodableEvent, decode, event_id_for
from events.intake import PetitionAccepted
from events.vocabulary import AssistanceType, Clock, MediationType, Stage, label
from tests.support.clock import NOW


def accepted(case_id: str) -> PetitionAccepted:
    now = NOW
    return PetitionAccepted(
        event_id=event_id_for("Petition", uuid4(), 2),
        case_id=case_id,
        occurred_at=now,
        recorded_at=now,
        case_no="XF1",
        accepted_on=date(2026, 11, 22),
        received_on=date(2026, 11, 20),
        kind="claim",
        category="urban_construction",
        locality="990101",
    )


IRREGULAR_PARTICIPLES = {"held", "sent"}


def test_every_event_has_a_past_tense_name_a_docstring_and_a_version() -> None:
    for name, cls in EVENT_TYPES.items():
        participles = [w for w in name.split("_") if w.endswith("ed") or w in IRREGULAR_PARTICIPLES]
        assert participles, name
        assert cls.__doc__ and "\n" not in cls.__doc__.strip(), name
        assert cls.current_version >= 1


def test_an_event_round_trips_through_its_subject() -> None:
    case_id = str(uuid4())
    event = accepted(case_id)
    assert event.subject == f"xf.case.{case_id}.petition_accepted"
    assert decode(event.subject, event.to_json()) == event


@pytest.mark.parametrize(
    ("subject", "data", "reason"),
    [
        ("xf.case.X.petition_accepted", b"{oops", "not JSON"),
        ("xf.case.X.petition_exploded", b"{}", "unknown event type"),
        ("xf.case.X.petition_accepted", json.dumps({"schema_version": 7}).encode(), "newer"),
        ("xf.case.X.petition_accepted", json.dumps({"case_id": "X"}).encode(), "field"),
        ("xf.case.X.y.z", b"{}", "is not xf.case"),
    ],
)
def test_a_bad_message_is_refused_with_the_reason(subject: str, data: bytes, reason: str) -> None:
    with pytest.raises(UndecodableEvent, match=reason):
        decode(subject, data)


def test_an_event_on_another_cases_subject_is_refused() -> None:
    event = accepted(str(uuid4()))
    with pytest.raises(UndecodableEvent, match="does not match"):
        decode(f"xf.case.{uuid4()}.petition_accepted", event.to_json())


def test_event_ids_are_stable_and_distinct_per_aggregate() -> None:
    case = uuid4()
    assert event_id_for("Petition", case, 1) == event_id_for("Petition", case, 1)
    assert event_id_for("Petition", case, 1) != event_id_for("CaseClocks", case, 1)


def test_each_vocabulary_keeps_its_own_label_for_a_shared_value() -> None:
    assert (label(Stage.review), label(Clock.review)) == ("复查", "复查期限")
    assert (label("judicial", MediationType), label("judicial", AssistanceType)) == ("司法调解", "司法救助")
    assert label("re_review", Stage) == "复核" and label("no_such_value", Stage) == "no_such_value"
