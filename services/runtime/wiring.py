"""A service's routes and reactions, read off its application class: no hand-kept list to forget.

A public method that takes one ``Command`` answers it (``def accept(self, cmd: AcceptPetition)`` serves
``xf.cmd.intake.accept``, the payload naming its subject); a method ``on_<something>(self, event: SomeEvent |
OtherEvent, uow)`` reacts to those events from the case stream.
"""

from __future__ import annotations

import functools
import inspect
import types
import typing
from collections.abc import Callable
from typing import Any, get_type_hints

from events import CaseEvent
from services.runtime.commands import Command, CommandRoutes
from services.runtime.group_commit import GroupCommit
from services.runtime.payloads import MAX_COMMAND_BYTES
from services.runtime.store import ServiceApplication

Handler = Callable[..., Any]


def _hints(fn: Any) -> list[Any]:
    """The annotations of a function's parameters after ``self``, resolved."""
    hints = get_type_hints(fn)
    names = list(inspect.signature(fn).parameters)[1:]
    return [hints.get(name) for name in names]


def _members(app_class: type) -> list[tuple[str, Handler]]:
    """The public methods the service's own application classes define (not the runtime's, not eventsourcing's)."""
    found: dict[str, Handler] = {}
    for cls in app_class.__mro__:
        if cls is ServiceApplication:
            break
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and not name.startswith("_"):
                found.setdefault(name, value)
    return sorted(found.items())


def _classes(annotation: Any) -> tuple[Any, ...]:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return (annotation,)


def commands_of(app_class: type) -> dict[str, tuple[type[Command], Handler]]:
    """Each command the application answers: its name → (payload model, method). The handler is the public method
    that takes the command alone (``def accept(self, cmd: AcceptPetition)``); a helper that takes one is private."""
    found: dict[str, tuple[type[Command], Handler]] = {}
    for name, fn in _members(app_class):
        params = _hints(fn)
        model = params[0] if len(params) == 1 else None
        if isinstance(model, type) and issubclass(model, Command):
            if model.name in found:
                raise TypeError(
                    f"{app_class.__name__}: {found[model.name][1].__name__} and {name} both answer {model.name!r}"
                )
            found[model.name] = (model, fn)
    return found


def reactions_of(app_class: type) -> dict[type[CaseEvent], Handler]:
    """Each public event the application reacts to → its ``on_*`` method."""
    found: dict[type[CaseEvent], Handler] = {}
    for name, fn in _members(app_class):
        if not name.startswith("on_"):
            continue
        params = _hints(fn)
        for cls in _classes(params[0]) if params else ():
            if not (isinstance(cls, type) and issubclass(cls, CaseEvent)):
                raise TypeError(f"{app_class.__name__}.{name}: the first parameter must be typed with its events")
            if cls in found:
                raise TypeError(f"{app_class.__name__}: two reactions to {cls.event_type!r}")
            found[cls] = fn
    return found


def command_routes(
    service: str, app: ServiceApplication, committer: GroupCommit, max_body: int = MAX_COMMAND_BYTES
) -> CommandRoutes:
    """The service's command subscribers, one per command its application answers, described by the payload."""
    routes = CommandRoutes(service, committer, app.parties, max_body)
    for name, (model, method) in commands_of(type(app)).items():
        routes.add(name, model, functools.partial(method, app), (model.__doc__ or name).strip())
    return routes
