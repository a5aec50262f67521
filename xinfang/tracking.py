"""信访件查询 for the petitioner: a case's public milestones by its 查询码 and 查询密码, wrong guesses throttled.

A wrong code, a wrong secret and a code no case has answer alike — the same message, the same error, the same
scrypt check (against a dummy hash when there is no case) — so an answer never tells whether a code exists.
Failures are counted per lookup key of the code tried, in ``tracking_attempt``: a table of its own beside the
tracking view, so rebuilding the view does not forgive them. After ``max_failures`` within ``window`` the code is
locked for ``lock``: every attempt on it, the right secret too, is refused until then; a success clears the count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Connection, Engine, Integer, MetaData, String, Table, delete, select, update

from projections.store import insert_ignore
from projections.tracking import Tracking, timeline, tracked_case, utc
from services.runtime.errors import NotFound, TooManyAttempts
from services.runtime.moments import Moment
from services.runtime.query_codes import dummy_hash, lookup_key, secret_matches
from services.runtime.settings import Settings

NOT_FOUND = "未查到该信访件，请核对查询码和查询密码"

metadata = MetaData()
attempts = Table(
    "tracking_attempt",
    metadata,
    Column("key", String(64), primary_key=True, comment="查询码索引"),
    Column("failures", Integer, nullable=False, comment="失败次数"),
    Column("first_failed_at", Moment(), comment="首次失败时间"),
    Column("locked_until", Moment(), comment="锁定至"),
)


@dataclass(frozen=True)
class Throttle:
    """How many wrong attempts on one code, within how long, lock it for how long."""

    max_failures: int
    window: timedelta
    lock: timedelta

    @classmethod
    def of(cls, settings: Settings) -> Throttle:
        return cls(
            settings.track_max_failures,
            timedelta(minutes=settings.track_window_minutes),
            timedelta(minutes=settings.track_lock_minutes),
        )


@dataclass(frozen=True)
class Tracked:
    """What the petitioner sees: the case number and the milestones."""

    case_no: str
    milestones: list[dict[str, Any]]


def prepare(engine: Engine) -> None:
    """The tracking view's tables (empty until the projections fill them) and the attempts table."""
    Tracking().create(engine)
    metadata.create_all(engine, tables=[attempts])


def check_unlocked(row: Any, now: datetime) -> None:
    """A locked code refuses every attempt, saying how long to wait (whole minutes, rounded up)."""
    if row is None or row.locked_until is None:
        return
    left = utc(row.locked_until) - now
    if left > timedelta(0):
        minutes = max(1, math.ceil(left.total_seconds() / 60))
        raise TooManyAttempts(f"查询过于频繁，请 {minutes} 分钟后再试")


def _attempt(conn: Connection, key: str) -> Any:
    """The code's attempt row, held for this transaction (a placeholder is written first, so two concurrent
    attempts on one code take turns instead of both counting from the same number)."""
    insert_ignore(conn, attempts, {"key": key, "failures": 0, "first_failed_at": None, "locked_until": None})
    return conn.execute(select(attempts).where(attempts.c.key == key).with_for_update()).first()


def _count_failure(conn: Connection, row: Any, now: datetime, throttle: Throttle) -> None:
    first = utc(row.first_failed_at) if row.first_failed_at is not None else None
    lapsed = row.locked_until is not None and utc(row.locked_until) <= now
    if first is None or now - first >= throttle.window or lapsed:
        failures, first = 1, now  # a new window: the first failure, or the first after a lock ran out
    else:
        failures = row.failures + 1
    locked = now + throttle.lock if failures >= throttle.max_failures else None
    conn.execute(
        update(attempts)
        .where(attempts.c.key == row.key)
        .values(failures=failures, first_failed_at=first, locked_until=locked)
    )


def track(
    engine: Engine,
    code: str,
    secret: str,
    now: datetime,
    throttle: Throttle,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> Tracked:
    """The case a code and secret name, with its milestones (kept to ``as_of`` and ``known_at``); NotFound for a
    wrong code or secret or an unknown code, alike; TooManyAttempts while the code is locked."""
    return track_case(engine, code, secret, now, throttle, as_of, known_at)[1]


def track_case(
    engine: Engine,
    code: str,
    secret: str,
    now: datetime,
    throttle: Throttle,
    as_of: date | None = None,
    known_at: datetime | None = None,
) -> tuple[str, Tracked]:
    """``track``, with the case id behind the code: what 网上信访 acts on (rate, review, supplement), under the same
    check and the same throttle."""
    now = utc(now)
    key = lookup_key(code)
    prepare(engine)
    with engine.connect() as conn:
        check_unlocked(conn.execute(select(attempts).where(attempts.c.key == key)).first(), now)
        case = tracked_case(conn, key)
    stored = case["secret_hash"] if case is not None else ""
    matched = secret_matches(secret, stored or dummy_hash()) and bool(stored)
    with engine.begin() as conn:
        row = _attempt(conn, key)
        check_unlocked(row, now)  # locked meanwhile by another attempt: this one is refused too
        if matched and case is not None:
            conn.execute(delete(attempts).where(attempts.c.key == key))
            return case["case_id"], Tracked(case["case_no"], timeline(conn, case["case_id"], as_of, known_at))
        _count_failure(conn, row, now, throttle)
    raise NotFound(NOT_FOUND)
