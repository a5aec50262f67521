"""Completeness over the registry: every public event is produced, labelled, dated, decided by every view and
readable in the history.

Forgetting a piece of an event fails here, naming the event and the piece, instead of showing raw field names
or stale status in the views, or being dropped without a word.
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

import pytest
from pydantic import BaseModel

from events import EVENT_TYPES, CaseEvent, vocabulary
from projections.registry import PROJECTIONS
from tests.support.samples import sample, sample_payload
from tests.support.stored import topics
from xinfang.history import ENVELOPE, describe, event_title, named_twin

CHINESE = re.compile(r"[\u4e00-\u9fff]")
EVENTS = sorted(EVENT_TYPES)


def nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """The models a model's fields are made of (TaskForceMember in TaskForceFormed …)."""
    found = []
    for info in model.model_fields.values():
        for candidate in (info.annotation, *getattr(info.annotation, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                found.append(candidate)
    return found


@pytest.mark.parametrize("event_type", EVENTS)
def test_every_event_has_a_chinese_title(event_type: str) -> None:
    cls = EVENT_TYPES[event_type]
    assert CHINESE.search(cls.title()), f"{event_type}: the docstring must begin with its Chinese title"
    assert event_title(event_type) == cls.title()


@pytest.mark.parametrize("event_type", EVENTS)
def test_every_field_has_a_chinese_label(event_type: str) -> None:
    cls = EVENT_TYPES[event_type]
    for model in (cls, *nested_models(cls)):
        missing = [f for f, info in model.model_fields.items() if not (info.title and CHINESE.search(info.title))]
        assert not missing, f"{event_type}: {model.__name__} fields without a Chinese title=…: {missing}"


@pytest.mark.parametrize("event_type", EVENTS)
def test_every_event_says_when_it_took_effect(event_type: str) -> None:
    cls = EVENT_TYPES[event_type]
    overridden = cls.effective_on is not CaseEvent.effective_on
    assert overridden or cls.effective in cls.model_fields, (
        f"{event_type}: effective names no field ({cls.effective!r})"
    )
    assert isinstance(sample(cls).effective_on, date), f"{event_type}: effective_on is not a date"


@pytest.mark.parametrize("projection", sorted(PROJECTIONS))
@pytest.mark.parametrize("event_type", EVENTS)
def test_every_projection_decides_every_event(projection: str, event_type: str) -> None:
    view = PROJECTIONS[projection]()
    cls = EVENT_TYPES[event_type]
    assert view.decides(cls), (
        f"projection {projection!r} has no decision on {event_type!r}: add it to its handlers, or to ignored"
    )


@pytest.mark.parametrize("event_type", EVENTS)
def test_every_event_renders_in_the_history(event_type: str) -> None:
    cls = EVENT_TYPES[event_type]
    payload = sample(cls).model_dump(mode="json")
    text = describe(event_type, payload)
    twins = {named_twin(field) for field in payload}  # a code's name is shown in its place, under its label
    for field, value in payload.items():
        if field in ENVELOPE or value in ("", [], None):
            continue
        shown = str(value[0] if isinstance(value, list) else value) if field in twins else cls.label(field)
        assert shown in text, f"{event_type}: {field} ({cls.label(field)}) missing from the history line {text!r}"


@pytest.mark.parametrize("event_type", EVENTS)
def test_a_status_setting_event_names_a_status_every_stage_can_read(event_type: str) -> None:
    event = sample(EVENT_TYPES[event_type])
    status = event.case_status()
    assert status is None or vocabulary.label(status) != str(status), f"{event_type}: status {status} has no label"


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
def test_every_public_event_has_a_producer(event_type: str) -> None:
    producers = [
        cls.__qualname__
        for cls in topics().values()
        if getattr(getattr(cls, "twin", None), "public", None) is EVENT_TYPES[event_type]
    ]
    assert producers, f"no service publishes {event_type!r}: no stored event names it as its public twin"


def vocabularies() -> list[type[StrEnum]]:
    return [v for v in vars(vocabulary).values() if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum]


@pytest.mark.parametrize("vocab", vocabularies(), ids=lambda v: v.__name__)
def test_every_vocabulary_value_has_a_chinese_label(vocab: type[StrEnum]) -> None:
    missing = [m.value for m in vocab if (vocab, m.value) not in vocabulary.VOCABULARY_LABELS]
    assert not missing, f"{vocab.__name__}: values without a label in events/vocabulary.py: {missing}"


def test_the_samples_cover_every_field() -> None:
    for cls in EVENT_TYPES.values():
        assert set(sample_payload(cls)) == set(cls.model_fields)


def test_events_register_themselves_under_their_type() -> None:
    assert all(cls.event_type == name and issubclass(cls, CaseEvent) for name, cls in EVENT_TYPES.items())
    assert len(EVENT_TYPES) >= 39
