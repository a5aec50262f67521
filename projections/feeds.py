"""部门推送 (department feeds): each unit's ordered, replayable feed of the cases it leads or co-handles.

Fed from the case stream exactly once like every view: the messages a unit is to receive are written to an outbox
table in the same transaction as the consumer's position, and ``FeedRelay`` publishes them, in order and with a
stable ``Nats-Msg-Id``, to the unit's own stream ``XF_FEED_<unit>`` — one stream per unit, so a department's
credentials can be limited to its own stream (a filter on one shared stream would not be enforced by JetStream).

A unit joins a case when it is assigned it (lead or co-handler) and leaves when the case is reassigned away: the
reassignment is the last message it gets for that case. Orders, proposals, warnings and overdue marks also reach
the unit they are addressed to. A report (检举控告) reaches its lead, the discipline channel, only; nothing of a
reporter or a report's content is on the case stream to begin with (Art 30¶3, 46(5)).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable
from typing import Any

from nats.aio.client import Client
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, insert, select

from events import CaseEvent
from events.base import FEED_PREFIX, feed_stream, feed_subject
from events.vocabulary import Kind
from projections.store import Executes, Projection, among, chunks, delete_among, read_position, save_position
from services.runtime.bus import acknowledged
from services.runtime.dbthread import DbThread
from services.runtime.lifecycle import keep_passing

log = logging.getLogger(__name__)
metadata = MetaData()

ADDRESSED = frozenset(
    {"supervision_order_issued", "proposal_issued", "warning_issued", "deadline_missed", "cadre_report_notified"}
)

members = Table(
    "feed_member",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    Column("department", String(32), primary_key=True, comment="单位编码"),
)
cases = Table(
    "feed_case",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    Column("kind", String(16), comment="类别"),
)
outbox = Table(
    "feed_outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True, comment="序号"),
    Column("department", String(32), nullable=False, comment="单位编码"),
    Column("case_id", String(36), nullable=False, comment="案件ID"),
    Column("event_type", String(64), nullable=False, comment="事件"),
    Column("event_id", String(36), nullable=False, comment="事件ID"),
    Column("payload", Text, nullable=False, comment="内容"),
    implicit_returning=False,  # nobody reads a new message's 序号 back: its insert waits with the batch's others
)


def route(event: CaseEvent, kind: str, current: set[str]) -> tuple[set[str], set[str]]:
    """Who receives an event of a case, and who follows the case after it: (recipients, members)."""
    report = kind == Kind.report
    if event.event_type in ("case_assigned", "case_reassigned"):
        joined = {event.department} | (set() if report else set(event.co_handlers))  # type: ignore[attr-defined]
        leaving = current if event.event_type == "case_reassigned" else set()
        return leaving | joined, joined
    recipients = set(current)
    addressed = getattr(event, "department", "")
    if event.event_type in ADDRESSED and addressed and not report:
        recipients.add(addressed)
    return recipients, current


class Feeds(Projection):
    """The outbox of every unit's feed, and who follows which case."""

    name = "feeds"
    mark = 4
    tables = (members, cases, outbox)

    def applies(self, event: type[CaseEvent]) -> bool:
        return True  # every event of a followed case is a milestone of some unit's feed

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        """Route the batch in memory from its cases' kinds and members as stored; write each changed case once."""
        case_ids = list(dict.fromkeys(e.case_id for e in events))
        state = self._load(conn, case_ids)
        stored = {case: (kind, set(units)) for case, (kind, units) in state.items()}
        kinds: dict[str, str] = {}  # the kind a case is first accepted as (a later acceptance routes, but is not kept)
        messages: list[dict[str, str]] = []  # written at the end in one statement, in order
        for event in events:
            kind, current = state[event.case_id]
            if event.event_type == "petition_accepted":
                kind = str(event.kind)  # type: ignore[attr-defined]
                if not stored[event.case_id][0]:
                    kinds.setdefault(event.case_id, kind)
            recipients, after = route(event, kind, current)
            if recipients:
                payload = event.to_json().decode()
                messages += [
                    {"department": unit, "case_id": event.case_id, "event_type": event.event_type,
                     "event_id": event.event_id, "payload": payload}
                    for unit in sorted(recipients)
                ]  # fmt: skip
            state[event.case_id] = (kind, after)
        if kinds:
            conn.execute(insert(cases), [{"case_id": case, "kind": kind} for case, kind in kinds.items()])
        moved = [case for case in case_ids if state[case][1] != stored[case][1]]
        for part in chunks(moved):
            conn.execute(delete_among(members), {"ids": part})
        joined = [{"case_id": case, "department": unit} for case in moved for unit in sorted(state[case][1])]
        if joined:
            conn.execute(insert(members), joined)
        if messages:
            conn.execute(insert(outbox), messages)

    def _load(self, conn: Executes, case_ids: list[str]) -> dict[str, tuple[str, set[str]]]:
        """Per case: its kind and the units that follow it."""
        state: dict[str, tuple[str, set[str]]] = {case: ("", set()) for case in case_ids}
        for part in chunks(case_ids):
            for case, kind in conn.execute(among(cases, "case_id", "kind"), {"ids": part}):
                state[case] = (kind, state[case][1])
            for case, unit in conn.execute(among(members, "case_id", "department"), {"ids": part}):
                state[case][1].add(unit)
        return state


def feed_config(unit: str, replicas: int = 1, duplicate_window_s: int = 3600) -> StreamConfig:
    return StreamConfig(
        name=feed_stream(unit),
        subjects=[f"{FEED_PREFIX}.{unit}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        max_age=0,
        discard=DiscardPolicy.NEW,
        num_replicas=replicas,
        duplicate_window=float(duplicate_window_s),
    )


RELAY = "feed-relay"


class FeedRelay:
    """Publishes the feed outbox after its saved position to each unit's stream; a re-send is deduplicated.

    Idle, it waits for ``wake`` (set when the read side applied events, some of which may be a unit's) and reads
    the outbox again then, or after ``poll_s`` as a safety net.
    """

    def __init__(
        self, engine: Engine, nc: Client, db: DbThread, units: Iterable[str], replicas: int = 1,
        duplicate_window_s: int = 3600, batch: int = 512, poll_s: float = 10.0, wake: asyncio.Event | None = None,
    ):  # fmt: skip
        self.engine, self.db, self.nc = engine, db, nc
        self.wake = wake or asyncio.Event()
        self.js = nc.jetstream(publish_async_max_pending=batch * 2)
        self.units = sorted(set(units))
        self.replicas, self.window = replicas, duplicate_window_s
        self.batch, self.poll_s = batch, poll_s
        self.position = 0
        self.published = 0
        self.unready = list(self.units)  # units whose stream is not known to exist yet

    async def ensure_streams(self) -> None:
        """Each unit's stream, created if missing. A unit found or created is not asked again, so a pass that failed
        half-way (a cluster electing a leader, a node lost) goes on from the next unit when it is retried."""
        while self.unready:
            unit = self.unready[0]
            try:
                await self.js.stream_info(feed_stream(unit))
            except NotFoundError:
                await self.js.add_stream(feed_config(unit, self.replicas, self.window))
            self.unready.pop(0)

    def _read(self, after: int) -> list[Any]:
        with self.engine.connect() as conn:
            query = select(outbox).where(outbox.c.id > after).order_by(outbox.c.id).limit(self.batch)
            return list(conn.execute(query))

    def _saved(self) -> int:
        with self.engine.connect() as conn:
            return read_position(conn, RELAY)

    def _save(self, position: int) -> None:
        with self.engine.begin() as conn:
            save_position(conn, RELAY, position)

    async def run(self) -> None:
        self.position = await self.db.run(self._saved)
        await keep_passing(self._pass, lambda: f"feed relay failed at {self.position}")

    async def _pass(self) -> None:
        await self.ensure_streams()  # until every stream is there: a failure here is retried like any other
        self.wake.clear()  # before the read: what is applied after it wakes the wait below at once
        rows = await self.db.run(self._read, self.position)
        if not rows:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), self.poll_s)
            return
        futures = []
        for row in rows:
            if row.department not in self.units:
                continue  # a unit the org file no longer names has no feed
            futures.append(
                await self.js.publish_async(
                    feed_subject(row.department, row.case_id, row.event_type),
                    row.payload.encode(),
                    stream=feed_stream(row.department),
                    headers={"Nats-Msg-Id": f"{row.event_id}.{row.department}"},
                )
            )
        await acknowledged(self.nc, futures)
        self.position = rows[-1].id
        self.published += len(futures)
        await self.db.run(self._save, self.position)
