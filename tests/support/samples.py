"""A valid instance of any contract model, built from its field types, for tests that go over the registry."""

from __future__ import annotations

import types
import typing
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any, get_args, get_origin

from pydantic import BaseModel

DAY = date(2026, 3, 2)
MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CASE_ID = "3f0c6a52-8a51-4b0f-9a0e-2f6d2b7c1e11"


def value_for(annotation: Any, name: str) -> Any:
    """A non-empty value of a field's type (the first member of an enum, a list of one, a nested sample)."""
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return value_for(get_args(annotation)[0], name)
    if origin in (typing.Union, types.UnionType):
        return value_for(next(a for a in get_args(annotation) if a is not type(None)), name)
    if origin is list:
        return [value_for(get_args(annotation)[0], name)]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return next(iter(annotation))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample_payload(annotation)
    if annotation is bool:
        return True
    if annotation is int:
        return 1 if name == "schema_version" else 2
    if annotation is date:
        return DAY
    if annotation is datetime:
        return MOMENT
    if annotation is str:
        return CASE_ID if name == "case_id" else f"{name}-x"
    raise TypeError(f"no sample value for {name}: {annotation!r}")


def sample_payload(model: type[BaseModel]) -> dict[str, Any]:
    return {name: value_for(info.annotation, name) for name, info in model.model_fields.items()}


def sample(model: type[BaseModel]) -> Any:
    """An instance of ``model`` with every field set."""
    return model.model_validate(sample_payload(model))
