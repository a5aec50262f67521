"""One composition root for the web process: settings, clock, users, sessions, the projections' engine, NATS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request
from sqlalchemy import Engine, select

from projections.feeds import members
from projections.ledger import ledger
from services.runtime.clock import Clock
from services.runtime.errors import NotFound
from services.runtime.settings import Settings
from xinfang.console import projections_engine
from xinfang.views import resolve_case
from xinfang.web.auth import Sessions, web_key
from xinfang.web.bridge import Bridge
from xinfang.web.users import Role, User, UserFile

NOT_HERE = "没有这个案件"  # another unit's case answers as if it did not exist


@dataclass
class Web:
    settings: Settings
    clock: Clock
    users: UserFile
    sessions: Sessions
    engine: Engine
    bridge: Bridge

    @classmethod
    def build(cls, settings: Settings, bridge: Bridge | None = None) -> Web:
        clock = settings.clock()
        users = UserFile(settings.users_path)
        lifetime = timedelta(minutes=settings.session_minutes)
        sessions = Sessions(web_key(settings.access_dir / "web.key"), users, clock, lifetime)
        return cls(settings, clock, users, sessions, projections_engine(settings), bridge or Bridge(settings))

    @staticmethod
    def of(request: Request) -> Web:
        web: Web = request.app.state.web
        return web

    def resolve_case(self, case: str, user: User) -> str:
        """A case id from an id or a 信访件编号, if this person may see the case; else 404, as for no case at all."""
        try:
            case_id = resolve_case(self.engine, case)
        except NotFound:
            raise NotFound(NOT_HERE, "case") from None
        if not self.may_see(case_id, user):
            raise NotFound(NOT_HERE, "case")
        return case_id

    def may_see(self, case_id: str, user: User) -> bool:
        """The bureau sees every case; a unit the cases it leads or co-handles (its feed's); a leader their own."""
        if user.sees_every_case:
            return True
        with self.engine.connect() as conn:
            if user.role is Role.department:
                found = select(members.c.case_id).where(members.c.case_id == case_id, members.c.department == user.unit)
                return conn.execute(found).first() is not None
            if user.role is Role.leader:
                own = select(ledger.c.case_id).where(ledger.c.case_id == case_id, ledger.c.owning_leader == user.leader)
                return conn.execute(own).first() is not None
        return False

    def visible_cases(self, user: User) -> Any:
        """A filter on the ledger for what this person may see (None: everything)."""
        if user.sees_every_case:
            return None
        if user.role is Role.department:
            return ledger.c.case_id.in_(select(members.c.case_id).where(members.c.department == user.unit))
        if user.role is Role.leader:
            return ledger.c.owning_leader == user.leader
        return ledger.c.case_id.is_(None)  # an administrator manages users, not cases
