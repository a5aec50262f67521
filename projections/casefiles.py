"""The case files and their journal: the projection behind the inbox, board, 考核, trends, watch list and report.

``case_file`` holds each case's current file (``projections.casefile``); ``case_journal`` every event of the
stream, with its effective date (生效日期) and when it was recorded (记录时间), so any view can be read as of an
effective date or as known at a time (``files_as_of``, ``projections.asof``).

Two indexes beside the files keep a unit's 待办 and a month's 考核 reading only their own cases, however long the
history: ``case_file_duty`` names the units that owe something on an open case (``files_owed_by``), and
``case_file_month`` every month any date of a file falls in (``files_in_period``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    Engine,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    inspect,
    select,
)

from events import EVENT_TYPES, CaseEvent
from projections.casefile import FOLD_VERSION, CaseFile, fold, folds
from projections.store import Executes, Projection, among, chunks, delete_among, update_rows, without
from services.runtime.moments import Moment

metadata = MetaData()

journal = Table(
    "case_journal",
    metadata,
    Column("event_id", String(36), primary_key=True, comment="事件ID"),
    Column("case_id", String(36), index=True, nullable=False, comment="案件ID"),
    Column("n", Integer, nullable=False, comment="序号", doc="the event's place among its case's (stream order)"),
    Column("event_type", String(64), nullable=False, comment="事件"),
    Column("effective_on", Date, index=True, nullable=False, comment="生效日期"),
    Column("recorded_at", Moment(), index=True, nullable=False, comment="记录时间"),
    Column("payload", Text, nullable=False, comment="内容"),
)
files = Table(
    "case_file",
    metadata,
    Column("case_id", String(36), primary_key=True, comment="案件ID"),
    Column("case_no", String(32), index=True, comment="信访件编号"),
    Column("received_on", Date, index=True, comment="来信来访日期"),
    Column("lead", String(32), index=True, comment="主办单位编码"),
    Column("status", String(24), index=True, comment="状态"),
    Column("open", Boolean, index=True, comment="在办"),
    Column("related_case", String(36), index=True, comment="关联案件"),
    Column("state", Text, nullable=False, comment="案卷"),
    Column("fold", Integer, nullable=False, comment="案卷版本", doc="the FOLD_VERSION that wrote it"),
    Index("ix_case_file_order", "received_on", "case_no"),
)
duties = Table(
    "case_file_duty",
    metadata,
    Column("unit", String(32), primary_key=True, comment="单位编码"),
    Column("case_id", String(36), primary_key=True, index=True, comment="案件ID"),
)
months = Table(
    "case_file_month",
    metadata,
    Column("month", Integer, primary_key=True, comment="月份", doc="year * 100 + month of some date of the file"),
    Column("case_id", String(36), primary_key=True, index=True, comment="案件ID"),
)

# How many journal entries each case has so far (``ids``: the cases), built once.
JOURNAL_COUNTS = (
    select(journal.c.case_id, func.max(journal.c.n))
    .where(journal.c.case_id.in_(bindparam("ids", expanding=True)))
    .group_by(journal.c.case_id)
)


class CaseFiles(Projection):
    """案卷: one file per case, and the journal of the events it folds."""

    name = "casefiles"
    mark = 16
    tables = (journal, files, duties, months)

    def reshaped(self, engine: Engine) -> list[str]:
        """Its tables of another shape, or files folded by another version of the fold: either way, rebuilt."""
        found = super().reshaped(engine)
        if not found and inspect(engine).has_table(files.name):
            with engine.connect() as conn:
                stale = conn.execute(select(files.c.case_id).where(files.c.fold != FOLD_VERSION).limit(1)).first()
            found += [files.name] if stale else []
        return found

    def applies(self, event: type[CaseEvent]) -> bool:
        return True  # the journal keeps every event, so every view can be read as of a date (``projections.asof``)

    def apply(self, conn: Executes, events: list[CaseEvent]) -> None:
        case_ids = list(dict.fromkeys(e.case_id for e in events))
        counts: dict[str, int] = {}
        for part in chunks(case_ids):
            counts.update({case: int(n) for case, n in conn.execute(JOURNAL_COUNTS, {"ids": part})})
        entries = []
        for e in events:
            counts[e.case_id] = counts.get(e.case_id, 0) + 1
            entries.append(
                {
                    "event_id": e.event_id,
                    "case_id": e.case_id,
                    "n": counts[e.case_id],
                    "event_type": e.event_type,
                    "effective_on": e.effective_on,
                    "recorded_at": e.recorded_at,
                    "payload": e.to_json().decode(),
                }
            )
        conn.execute(insert(journal), entries)
        found: dict[str, CaseFile] = {}
        for part in chunks(case_ids):
            for row in conn.execute(among(files, "case_id", "state"), {"ids": part}):
                found[row.case_id] = CaseFile.model_validate_json(row.state)
        existing = set(found)
        for event in events:
            if folds(type(event)):
                fold(found.setdefault(event.case_id, CaseFile(case_id=event.case_id)), event)
        rows = [_row(found[i]) for i in case_ids if i in found]
        new = [r for r in rows if r["case_id"] not in existing]
        changed = [{**without(r, "case_id"), "_key": r["case_id"]} for r in rows if r["case_id"] in existing]
        if new:
            conn.execute(insert(files), new)
        if changed:
            conn.execute(update_rows(files), changed)
        _index(conn, [found[i] for i in case_ids if i in found], [i for i in case_ids if i in existing])


def _index(conn: Executes, written: list[CaseFile], existing: list[str]) -> None:
    """The files' duties and months, as they now stand (an existing file's earlier ones replaced)."""
    for table in (duties, months):
        for part in chunks(existing):
            conn.execute(delete_among(table), {"ids": part})
    owed = [{"unit": unit, "case_id": f.case_id} for f in written for unit in owing_units(f)]
    dated = [{"month": month, "case_id": f.case_id} for f in written for month in months_of(f)]
    if owed:
        conn.execute(insert(duties), owed)
    if dated:
        conn.execute(insert(months), dated)


def owing_units(file: CaseFile) -> list[str]:
    """The units the inbox lists something of this case for, on some day: every candidate ``items_of`` answers for
    (on the earliest day, when any objection window is still open), so reading only these files is exact."""
    from projections.views.inbox import items_of

    if not file.open():
        return []
    candidates = {file.lead, *file.co_handlers, *file.objection_due, *(run.unit for run in file.clocks)}
    candidates |= {o.unit for o in file.orders.values()} | {p.unit for p in file.proposals.values()}
    return sorted(u for u in candidates if u and items_of(file, u, date.min))


def months_of(file: CaseFile) -> list[int]:
    """Every month some date of the file falls in: a figure counts a case in a period only by one of its dates."""
    found: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, date):
            found.add(value.year * 100 + value.month)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(file.model_dump())
    return sorted(found)


def _row(file: CaseFile) -> dict[str, Any]:
    return {
        "case_id": file.case_id,
        "case_no": file.case_no,
        "received_on": file.received_on,
        "lead": file.lead,
        "status": file.status,
        "open": file.open(),
        "related_case": file.related_case,
        "state": file.model_dump_json(),
        "fold": FOLD_VERSION,
    }


@dataclass(frozen=True)
class AsOf:
    """Which state a view reads: as of an effective date, as known at a time; both None is "now, all known"."""

    on: date | None = None
    known_at: datetime | None = None

    @property
    def current(self) -> bool:
        return self.on is None and self.known_at is None

    def describe(self) -> str:
        parts = [f"截至 {self.on.isoformat()}"] if self.on else []
        if self.known_at:
            parts.append(f"以 {self.known_at.isoformat(timespec='minutes')} 前的记录为准")
        return "，".join(parts)


def journal_events(conn: Connection, as_of: AsOf, case_id: str | None = None) -> list[CaseEvent]:
    """The journal's events in stream order, up to an effective date and recorded by a time."""
    query = select(journal.c.event_type, journal.c.payload).order_by(journal.c.case_id, journal.c.n)
    if as_of.on is not None:
        query = query.where(journal.c.effective_on <= as_of.on)
    if as_of.known_at is not None:
        query = query.where(journal.c.recorded_at <= as_of.known_at)
    if case_id is not None:
        query = query.where(journal.c.case_id == case_id)
    return [EVENT_TYPES[row.event_type].model_validate_json(row.payload) for row in conn.execute(query)]


def _files(conn: Connection, case_ids: Any) -> dict[str, CaseFile]:
    """The received files among ``case_ids`` (a subquery), in order of receipt, as ``files_as_of`` orders them."""
    chosen = files.c.case_id.in_(case_ids) & files.c.received_on.is_not(None)
    query = select(files.c.case_id, files.c.state).where(chosen)
    rows = conn.execute(query.order_by(files.c.received_on, files.c.case_no))
    return {row.case_id: CaseFile.model_validate_json(row.state) for row in rows}


def files_owed_by(conn: Connection, unit: str) -> list[CaseFile]:
    """The received, open files on which ``unit`` owes something (the current ones): all its 待办 needs."""
    return list(_files(conn, select(duties.c.case_id).where(duties.c.unit == unit)).values())


def files_in_period(conn: Connection, start: date, end: date) -> dict[str, CaseFile]:
    """The received files a period's 考核 reads (the current ones): those with a date in it, and the cases related
    to them either way (a repeat's first case; the later cases that make a first one not resolved at once)."""
    span = (start.year * 100 + start.month, end.year * 100 + end.month)
    dated = select(months.c.case_id).where(months.c.month.between(*span))
    found = _files(conn, dated)
    wanted = {f.related_case for f in found.values() if f.related_case} - set(found)
    for part in chunks(sorted(wanted)):
        found.update(_files(conn, part))
    for part in chunks(sorted(found)):
        relatives = select(files.c.case_id).where(files.c.related_case.in_(part))
        found.update({k: v for k, v in _files(conn, relatives).items() if k not in found})
    return found


Narrow = Callable[[Connection, date], dict[str, CaseFile]]  # the files one view needs, read on a day


def owed_by(unit: str) -> Narrow:
    """A unit's 待办 reads only the files it owes something on."""
    return lambda conn, _day: {f.case_id: f for f in files_owed_by(conn, unit)}


def current_or_as_of(conn: Connection, as_of: AsOf, day: date, narrow: Narrow | None = None) -> dict[str, CaseFile]:
    """The received files a view reads: only those ``narrow`` picks from the indexes when it reads the current files
    (its cost then follows what it shows, not the size of the history), else every file as of the date asked."""
    found = narrow(conn, day) if narrow is not None and as_of.current else files_as_of(conn, as_of)
    return {k: f for k, f in found.items() if f.received_on is not None}


def files_as_of(conn: Connection, as_of: AsOf = AsOf()) -> dict[str, CaseFile]:
    """Every case's file: the current ones, or folded from the journal as of a date / as known at a time."""
    if as_of.current:
        rows = conn.execute(select(files.c.case_id, files.c.state).order_by(files.c.received_on, files.c.case_no))
        return {row.case_id: CaseFile.model_validate_json(row.state) for row in rows}
    found: dict[str, CaseFile] = {}
    for event in journal_events(conn, as_of):
        if folds(type(event)):
            fold(found.setdefault(event.case_id, CaseFile(case_id=event.case_id)), event)
    return dict(sorted(found.items(), key=lambda item: (item[1].received_on or date.min, item[1].case_no)))
