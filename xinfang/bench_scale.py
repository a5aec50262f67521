"""The million-event figures of `xinfang bench`: reads with 1,000,000 events in the stream beside the same reads with
1,000, and the peak memory of a rebuild of 1,000,000 events beside one of 100,000.

How the big stream is made (not through the services' commands, which would take hours): the real pipeline drives
a few cases from registration to rating (``xinfang.bench.pipeline``), the components stop, and copies of those
cases' events are published straight to the case stream (JetStream async publish, many in flight). Each copy is a
new case: fresh case id, event ids, 信访件编号, 查询码 key and petitioner key, its dates moved by whole weeks, led
by one of the district's bureaus (and its leader). The first ``small`` events are this month's: the real cases and
copies dated as they are. Every later copy is history, spread over the five years before (from four months back,
so that none of its dates, deadlines included, falls in this month), each bureau leading its share, its 督促执行
carried out (an ``execution_carried_out`` event from the contract): old cases owe nothing. So
the month and the unit the reads ask about hold the same cases at both sizes, and the rest of the stream is
history the reads must not pay for. Copies carry no hash chain (``xinfang verify`` would flag them); the read side
needs none, and every copy decodes as a contract event (a rebuild dead-letters none: checked).

The projection stores are built by the rebuild (``xinfang replay``'s ``projections.replay.rebuild``), each in a
child process whose peak RSS (VmHWM) is the memory figure.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, func, select

from events import STREAM, CaseEvent, decode
from events.base import case_subject
from events.mediation import ExecutionCarriedOut
from events.supervision import ClockStopped
from projections.casefile import fold_all
from services.runtime.bus import connect, ensure_stream
from services.runtime.nats_server import EmbeddedNats
from services.runtime.organisation import Organisation, organisation
from services.runtime.settings import Settings
from services.runtime.sidecar import dead_letters, make_engine
from xinfang.bench_figures import Figure
from xinfang.bench_pipeline import components_running, pipeline
from xinfang.history import case_history

TEMPLATES = 8  # real cases the pipeline drives; every copy is one of them
HISTORY_WEEKS = 260  # five years of history before this month
# History starts this many weeks back: the latest date a copy holds (its 60-day handling limit) falls before this
# month, so the month's 考核 reads the same cases at every size.
GAP_WEEKS = 16
IN_FLIGHT = 4000  # publishes awaiting their acks
RUNS = 7  # each read timed this many times (after one warm-up); the median counts
NAMESPACE = uuid.UUID("0b6f3c52-8f3e-4d0a-9a51-6d3c2b7e9f14")
DATE = re.compile(rb'"(\d{4}-\d{2}-\d{2})')
EVENT_ID = re.compile(rb'"event_id": ?"([0-9a-f-]{36})"')
Message = tuple[str, bytes]  # subject, payload


@dataclass(frozen=True)
class Template:
    """One real case's events in stream order (subject, payload), and what a copy replaces in them."""

    case_id: str
    messages: list[tuple[str, bytes]]
    event_ids: list[str]
    case_no: str
    received_on: date
    unit: str
    unit_name: str
    leader: str
    leader_name: str
    keys: tuple[str, ...]  # the 查询码 key and the petitioner key
    running: tuple[tuple[str, int, date], ...]  # the clocks still running at its end: clock, round, due
    execution_open: bool  # 督促执行 opened and not carried out at its end


def template_of(case_id: str, messages: list[tuple[str, bytes]]) -> Template:
    payloads = [json.loads(data) for _, data in messages]
    registered = next(p for (s, _), p in zip(messages, payloads, strict=True) if s.endswith(".petition_registered"))
    assigned = next(p for (s, _), p in zip(messages, payloads, strict=True) if s.endswith(".case_assigned"))
    keys = tuple(k for k in (registered.get("tracking_key"), registered.get("petitioner_key")) if k)
    (file,) = fold_all(decode(subject, data) for subject, data in messages).values()
    return Template(
        case_id,
        messages,
        [p["event_id"] for p in payloads],
        registered["case_no"],
        date.fromisoformat(registered["received_on"]),
        assigned["department"],
        assigned["department_name"],
        assigned.get("owning_leader") or "",
        assigned.get("owning_leader_name") or "",
        keys,
        tuple((run.clock, run.round, run.due) for run in file.running()),
        file.execution_opened_on is not None and file.executed_on is None,
    )


@dataclass(frozen=True)
class Lead:
    """Who leads a copy: a bureau and the leader who oversees it."""

    unit: str
    name: str
    leader: str
    leader_name: str


def leads(org: Organisation) -> list[Lead]:
    found = []
    for unit in sorted(u.code for u in org.units.values() if u.kind == "bureau"):
        leader = next((x for x in org.leaders.values() if unit in x.oversees), None)
        found.append(Lead(unit, org.name_of(unit), leader.id if leader else "", leader.name if leader else ""))
    return found


def copy_case(template: Template, n: int, weeks_back: int, lead: Lead, history: bool) -> list[tuple[str, bytes]]:
    """The ``n``-th copy of a real case: the same events as a new case, moved ``weeks_back`` weeks earlier, led by
    ``lead``; a history copy also has what it still owed done (its clocks stopped, its execution carried out)."""
    case_id = str(uuid.uuid5(NAMESPACE, f"case-{n}"))
    shift = timedelta(weeks=weeks_back)
    received = template.received_on - shift
    case_no = f"XF{received:%Y%m%d}{n:08X}"
    swaps = [
        (template.case_id, case_id),
        (template.case_no, case_no),
        *((key, hashlib.sha256(f"{key}:{n}".encode()).hexdigest()) for key in template.keys),
        (template.unit, lead.unit),
        *([(template.unit_name, lead.name)] if template.unit_name != template.unit else []),
    ]
    if template.leader and lead.leader:
        swaps += [(f'"{template.leader}"', f'"{lead.leader}"'), (template.leader_name, lead.leader_name)]
    moved: dict[bytes, bytes] = {}

    def move(match: re.Match[bytes]) -> bytes:
        day = match.group(1)
        if day not in moved:
            moved[day] = b'"' + (date.fromisoformat(day.decode()) - shift).isoformat().encode()
        return moved[day]

    out = []
    for (subject, data), old_id in zip(template.messages, template.event_ids, strict=True):
        text = data.decode().replace(old_id, str(uuid.uuid5(NAMESPACE, f"{case_id}:{old_id}")))
        for old, new in swaps:
            text = text.replace(old, new)
        body = DATE.sub(move, text.encode()) if weeks_back else text.encode()
        out.append((subject.replace(template.case_id, case_id), body))
    if history:
        last = datetime.fromisoformat(json.loads(out[-1][1])["recorded_at"])
        out += settled(template, case_id, case_no, lead, last, shift)
    return out


def settled(
    template: Template, case_id: str, case_no: str, lead: Lead, at: datetime, shift: timedelta
) -> list[Message]:
    """What an old case did after its last real event: its running clocks stopped, its execution carried out."""
    envelope: dict[str, Any] = {"case_id": case_id, "occurred_at": at, "recorded_at": at}
    done: list[CaseEvent] = [
        ClockStopped(
            **envelope,
            event_id=str(uuid.uuid5(NAMESPACE, f"{case_id}:stopped:{clock}:{round}")),
            clock=clock,
            stopped_on=at.date(),
            due_on=due - shift,
            on_time=at.date() <= due - shift,
            round=round,
        )
        for clock, round, due in template.running
    ]
    if template.execution_open:
        done.append(
            ExecutionCarriedOut(
                **envelope,
                event_id=str(uuid.uuid5(NAMESPACE, f"{case_id}:executed")),
                case_no=case_no,
                department=lead.unit,
                result="已执行",
                carried_out_on=at.date(),
            )
        )
    return [(case_subject(case_id, e.event_type), e.to_json()) for e in done]


def copies(
    templates: list[Template], org: Organisation, first: int, history: bool
) -> Iterator[list[tuple[str, bytes]]]:
    """Copies ``first``, ``first + 1`` …: this month's (not moved) or history's (spread over five years), each
    bureau leading its turn."""
    bureaus = leads(org)
    n = first
    while True:
        template = templates[n % len(templates)]
        weeks = GAP_WEEKS + (n * 7919) % (HISTORY_WEEKS - GAP_WEEKS) if history else 0
        yield copy_case(template, n, weeks, bureaus[n % len(bureaus)], history)
        n += 1


async def publish(nc: Any, messages: Iterator[tuple[str, bytes]]) -> int:
    """Publish straight to the case stream with many in flight; each message's Nats-Msg-Id is its event id."""
    js = nc.jetstream(publish_async_max_pending=IN_FLIGHT)
    sent = 0
    futures = []
    for subject, data in messages:
        event_id = EVENT_ID.search(data)[1].decode()  # type: ignore[index]  # every event has one, near the start
        headers = {"Nats-Msg-Id": event_id, "Xf-Source": "bench-scale"}
        futures.append(await js.publish_async(subject, data, headers=headers, stream=STREAM))
        sent += 1
        if len(futures) >= IN_FLIGHT:
            await asyncio.gather(*futures)
            futures = []
    await asyncio.gather(*futures)
    return sent


class Stream:
    """The case stream as it grows: the real cases, then copies, up to each size asked for."""

    def __init__(self, nc: Any, templates: list[Template], org: Organisation, events: int):
        self.nc, self.templates, self.org, self.events = nc, templates, org, events
        self.copied = 0
        self.seconds = 0.0

    async def grow_to(self, size: int, history: bool) -> None:
        started = time.perf_counter()
        source = copies(self.templates, self.org, self.copied, history)

        def batch() -> Iterator[tuple[str, bytes]]:
            while self.events < size:
                case = next(source)
                self.copied += 1
                self.events += len(case)
                yield from case

        await publish(self.nc, batch())
        self.seconds += time.perf_counter() - started


@dataclass(frozen=True)
class Rebuilt:
    """A rebuild in a child process: events read, seconds, its peak RSS, the dead letters it recorded."""

    events: int
    seconds: float
    peak_kb: int
    dead_letters: int


def rebuild_in_child(nats_url: str, db_url: str, env: dict[str, str]) -> Rebuilt:
    """``xinfang replay`` of every projection, in a child process (its memory alone), into ``db_url``."""
    done = subprocess.run(
        [sys.executable, "-m", "xinfang.bench_scale", nats_url, db_url],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=7200,
    )
    return Rebuilt(**json.loads(done.stdout.strip().splitlines()[-1]))


async def child_rebuild(nats_url: str, db_url: str) -> Rebuilt:
    from projections.replay import rebuild

    nc = await connect(nats_url, "bench-scale-rebuild")
    engine = make_engine(db_url)
    started = time.perf_counter()
    try:
        seen = await rebuild(nc, engine, Settings().clock(), None, lambda *_: None)
    finally:
        await nc.close()
    seconds = time.perf_counter() - started
    with engine.connect() as conn:
        dead = int(conn.execute(select(func.count()).select_from(dead_letters)).scalar_one())
    return Rebuilt(seen, seconds, peak_rss_kb(), dead)


def peak_rss_kb() -> int:
    """This process's peak resident set (VmHWM), in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


@dataclass(frozen=True)
class Reads:
    """What the reads ask for: one real case, the unit leading the real cases, this month, today."""

    case_id: str
    unit: str
    today: date
    minimum: int


READ_KEYS = {
    "案件历史 case history": "history",
    "台账首页 ledger page": "ledger_page",
    "待办 inbox": "inbox",
    "月度考核 month's 考核": "assessment_month",
}


def read_calls(nc: Any, engine: Engine, settings: Settings, ask: Reads) -> dict[str, Callable[[], Awaitable[Any]]]:
    """Each read as the API and the CLI make it: the stream's history of a case; the ledger's first page (default
    filters and sort); a unit's 待办 and the month's 考核 by unit from the files they need."""
    from xinfang.web import reads, report_reads  # here, not above: the rebuilding child imports this module only
    from xinfang.web.users import Role, User
    from xinfang.web.wiring import Web

    web = Web(settings, settings.clock(), cast(Any, None), cast(Any, None), engine, cast(Any, None))
    staff = User("bench", "督办员", Role.supervision, "")
    unit_staff = User("bench-unit", "承办员", Role.department, "", unit=ask.unit)

    def page() -> Any:
        return reads.ledger_page(web, staff, reads.LedgerFilter(), 1, 50, reads.DEFAULT_SORT)

    def owed() -> Any:
        return reads.inbox(web, unit_staff)

    def month() -> Any:
        return report_reads.assessment_rows(web, staff, f"{ask.today:%Y-%m}", "unit")[2]

    async def history() -> Any:
        return await case_history(nc, ask.case_id)

    async def threaded(call: Callable[[], Any]) -> Any:
        return await asyncio.to_thread(call)

    return {
        "案件历史 case history": history,
        "台账首页 ledger page": lambda: threaded(page),
        "待办 inbox": lambda: threaded(owed),
        "月度考核 month's 考核": lambda: threaded(month),
    }


async def timed(
    small: dict[str, Callable[[], Awaitable[Any]]], big: dict[str, Callable[[], Awaitable[Any]]]
) -> tuple[dict[str, tuple[float, float]], dict[str, tuple[Any, Any]]]:
    """Each read's median seconds at both sizes, over ``RUNS`` runs after a warm-up, the two sizes in turns (so that
    a machine busier for a while weighs on both alike); and its answers at both."""
    medians, answers = {}, {}
    for name in small:
        answers[name] = (await small[name](), await big[name]())
        samples: tuple[list[float], list[float]] = ([], [])
        for _ in range(RUNS):
            for calls, found in zip((small, big), samples, strict=True):
                started = time.perf_counter()
                await calls[name]()
                found.append(time.perf_counter() - started)
        medians[name] = (statistics.median(samples[0]), statistics.median(samples[1]))
    return medians, answers


def rows(answer: Any) -> list[Any]:
    """A read's rows (a ledger page's, not its total, which counts the whole stream's cases)."""
    return answer if isinstance(answer, list) else list(answer.items)


def differences(small: list[Any], big: list[Any], shown: int = 5) -> str:
    """The rows one size read and the other did not (the first few of each), or that only their order differs."""
    only_small = [r for r in small if r not in big]
    only_big = [r for r in big if r not in small]
    if not only_small and not only_big:
        return "the same rows in another order"
    return f"only @small ({len(only_small)}): {only_small[:shown]}; only @big ({len(only_big)}): {only_big[:shown]}"


def sizes_of(answers: dict[str, tuple[Any, Any]]) -> str:
    return ", ".join(f"{name.split()[0]} {len(rows(big))}" for name, (_, big) in answers.items())


async def scale_figures(label: str, dbs: dict[str, str], big: int, small: int, quick: bool) -> list[Figure]:
    """The reads at ``big`` events beside ``small``, and a rebuild's peak RSS at ``big`` beside a tenth of it
    (``quick``: half of ``big`` beside twice ``small``). ``dbs`` names the components' databases as
    ``xinfang bench`` does (``<component>_db``) and may name the stores built: ``scale_small_db``,
    ``scale_big_db``, ``scale_rss_db``; the rest are SQLite files in a scratch directory."""
    from services.runtime.cipher import StoreCipher as AESCipher

    rss_big, rss_small = (big // 2, small * 2) if quick else (big, big // 10)
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        stores = {k: dbs.get(f"scale_{k}_db") or f"sqlite:///{scratch / f'{k}.db'}" for k in ("small", "big", "rss")}
        components = {k: v for k, v in dbs.items() if not k.startswith("scale_")}
        server = EmbeddedNats(scratch / "jetstream")
        server.start()
        # The small stream stays on a server of its own, so that both sizes' reads are timed in turns at the end.
        small_server = EmbeddedNats(scratch / "jetstream-small")
        small_server.start()
        key = AESCipher.create_key(num_bytes=32)
        given = {"data_dir": scratch / "data", "nats_url": server.url, "cipher_key": key, **components}
        today = Settings.model_validate(given).clock().today()
        settings = Settings.model_validate({**given, "today": today})
        env = {
            **os.environ,
            "XF_NATS_URL": server.url,
            "XF_DATA_DIR": str(scratch / "data"),
            "XF_CIPHER_KEY": key,
            "XF_TODAY": today.isoformat(),
            **{f"XF_{k.upper()}": v for k, v in components.items()},
        }
        nc = small_nc = None
        try:
            nc = await connect(server.url, "bench-scale")
            small_nc = await connect(small_server.url, "bench-scale-small")
            templates = await real_cases(nc, env)
            events = sum(len(t.messages) for t in templates)
            stream = Stream(nc, templates, organisation(settings.org_file), events)
            ask = Reads(templates[0].case_id, templates[0].unit, today, settings.assess_min_cases)
            await stream.grow_to(small, history=False)
            await ensure_stream(small_nc)
            small_events = await publish(small_nc, iter(await stream_messages(nc, stream.events)))
            small_build = rebuild_in_child(small_server.url, stores["small"], env)
            peaks: dict[int, Rebuilt] = {}
            made: dict[int, int] = {}  # the stream's events when each rebuild ran
            for size in sorted({rss_small, rss_big} - {big}):
                await stream.grow_to(size, history=True)
                made[size] = stream.events
                peaks[size] = rebuild_in_child(server.url, stores["rss"], env)
            await stream.grow_to(big, history=True)
            made[big] = stream.events
            peaks[big] = big_build = rebuild_in_child(server.url, stores["big"], env)
            times, answers = await timed(
                read_calls(small_nc, make_engine(stores["small"]), settings, ask),
                read_calls(nc, make_engine(stores["big"]), settings, ask),
            )
        finally:
            for client in (nc, small_nc):
                if client is not None:
                    await client.close()
            server.stop()
            small_server.stop()
    builds = [small_build, big_build, *peaks.values()]
    if any(b.dead_letters for b in builds):
        raise RuntimeError(f"copies were dead-lettered: {[b.dead_letters for b in builds]}")
    read = {size: b.events for size, b in peaks.items()} | {0: small_build.events}
    if read != made | {0: small_events}:
        raise RuntimeError(f"a rebuild stopped short of the stream's end: read {read}, made {made}")
    same = {name: rows(at_small) == rows(at_big) for name, (at_small, at_big) in answers.items()}
    report = (
        f"[bench] {label}: {stream.events:,} events made: {events} by the pipeline's {len(templates)} cases, "
        f"{stream.copied:,} copied cases published straight to the stream in {stream.seconds:.0f} s; "
        f"stores built by rebuild: {small_build.events:,} events in {small_build.seconds:.1f} s, "
        f"{big_build.events:,} in {big_build.seconds:.0f} s; dead letters 0; "
        f"rows read ({sizes_of(answers)}) the same at both sizes: {all(same.values())}"
    )
    print(report, file=sys.stderr)
    for name, (at_small, at_big) in answers.items():
        if not same[name]:  # the stores disagree: name the rows, so that the run explains itself
            print(f"[bench] {label}: {name} differs: {differences(rows(at_small), rows(at_big))}", file=sys.stderr)
    figures = [
        Figure(
            f"{label}: {name} @{big:,} events",
            times[name][1] * 1000,
            "ms",
            f"the same read @{small:,} events",
            times[name][0] * 1000,
            2.0,
            at_most=True,
            key=READ_KEYS[name],
        )
        for name in times
    ]
    low, high = peaks[rss_small], peaks[rss_big]
    figures.append(
        Figure(
            f"{label}: 重建峰值内存 rebuild peak RSS @{rss_big:,} events",
            high.peak_kb / 1024,
            "MB",
            f"the same rebuild @{rss_small:,} events",
            low.peak_kb / 1024,
            1.5,
            at_most=True,
            key="rebuild_rss",
        )
    )
    return figures


async def stream_messages(nc: Any, last: int) -> list[Message]:
    """The case stream's messages 1 … ``last``, as they are."""
    js = nc.jetstream()
    found = []
    for seq in range(1, last + 1):
        msg = await js.get_msg(STREAM, seq)
        found.append((msg.subject, msg.data))
    return found


async def real_cases(nc: Any, env: dict[str, str]) -> list[Template]:
    """``TEMPLATES`` cases through the real pipeline, the components in their own processes, stopped afterwards
    (so that nothing reacts to the copies); their events read back from the stream."""
    with components_running(env):
        await pipeline(nc, 0, TEMPLATES, TEMPLATES)
    by_case: dict[str, list[Message]] = {}
    for subject, data in await stream_messages(nc, (await nc.jetstream().stream_info(STREAM)).state.last_seq):
        by_case.setdefault(subject.split(".")[2], []).append((subject, data))
    return [template_of(case_id, messages) for case_id, messages in by_case.items()]


if __name__ == "__main__":  # the child of ``rebuild_in_child``: rebuild, then say how it went as one JSON line
    built = asyncio.run(child_rebuild(sys.argv[1], sys.argv[2]))
    print(json.dumps(built.__dict__))
