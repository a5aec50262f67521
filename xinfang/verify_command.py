"""`xinfang verify`: walk the case stream and each service's store, report what does not hold, keep a digest."""

from __future__ import annotations

import importlib
import json
import warnings
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import nats.errors
import typer
from nats.aio.client import Client
from nats.js.api import DeliverPolicy
from nats.js.errors import NotFoundError
from rich.markup import escape
from rich.table import Table
from sqlalchemy.exc import SAWarning

from events import STREAM
from events.base import SUBJECT_PREFIX
from services.runtime.errors import InvalidInput, NotFound
from services.runtime.settings import Settings
from xinfang import digest as digests
from xinfang.console import DataDir, JsonOpt, NatsUrl, app, case_id, client_url, out, run, settings_from
from xinfang.verification import KINDS, Finding, Message, Published, chains_of, check_chain, check_published, distinct

SERVICES = ("intake", "assignment", "mediation", "supervision")
TAMPERED = 7  # exit code: the history does not hold


@dataclass
class Outcome:
    findings: list[Finding]
    messages: int
    cases: int
    resent: int
    digest: digests.Digest


async def read_stream(nc: Client, stream: str, cases: list[str] | None) -> tuple[list[Message], int]:
    """Every message of the stream (or of the cases named) in stream order, and the stream's last sequence."""
    js = nc.jetstream()
    try:
        info = await js.stream_info(stream)
    except NotFoundError:
        raise NotFound(f"没有事件流 {stream}", "stream") from None
    messages: list[Message] = []
    for subject in [f"{SUBJECT_PREFIX}.{c}.>" for c in cases] if cases else [f"{SUBJECT_PREFIX}.>"]:
        expected = int(info.state.messages)
        if cases:
            filtered = await js.stream_info(stream, subjects_filter=subject)
            expected = sum((filtered.state.subjects or {}).values())
        sub = await js.subscribe(subject, stream=stream, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
        try:
            for _ in range(expected):
                try:
                    msg = await sub.next_msg(timeout=10)
                except (TimeoutError, nats.errors.TimeoutError):
                    break
                headers = dict(msg.headers or {})
                messages.append(Message(msg.metadata.sequence.stream, msg.subject, msg.data, headers))
        finally:
            await sub.unsubscribe()
    messages.sort(key=lambda m: m.seq)
    return messages, int(info.state.last_seq)


def relay_positions(settings: Settings) -> dict[str, int]:
    """How far each service's relay says it has published, read before the stream: what lies at or below is on it."""
    from services.runtime.sidecar import Sidecar, make_engine

    return {name: Sidecar(make_engine(settings.db_url(name))).relay_position(name) for name in SERVICES}


def read_stores(settings: Settings, cases: list[str] | None, passed: dict[str, int]) -> dict[str, dict[str, Published]]:
    """What each service's own log says its relay published (or is about to), by event id; read after the stream,
    so every event on it is there."""
    from services.runtime.store import store_env
    from services.runtime.stored import to_public

    stores: dict[str, dict[str, Published]] = {}
    for name in SERVICES:
        definition = importlib.import_module(f"services.{name}.service").definition
        url = settings.db_url(name)
        with warnings.catch_warnings():  # each store maps its own tracking table; SQLAlchemy notes the second
            warnings.filterwarnings("ignore", "This declarative base already contains", SAWarning)
            application = definition.application(store_env(name, url, settings.resolved_cipher_key), settings)
        places: dict[str, int] = defaultdict(int)
        mine: dict[str, Published] = {}
        try:
            logged = list(application.stored_events())
        except ValueError as exc:  # eventsourcing's cipher: "Cipher text is damaged: MAC check failed"
            said = f"无法解密 {name} 的事件存储 ({exc}): 密钥与写入时不同? 请用该区的 XF_CIPHER_KEY 或数据目录"
            raise InvalidInput(said, "cipher_key") from None
        for position, stored in logged:
            event = to_public(stored)
            if event is None:
                continue
            places[event.case_id] += 1
            if not cases or event.case_id in cases:
                mine[event.event_id] = Published(places[event.case_id], event, position <= passed[name])
        stores[name] = mine
    return stores


async def verify(
    nc: Client,
    settings: Settings,
    stream: str = STREAM,
    cases: list[str] | None = None,
    kept: dict[str, Any] | None = None,
    stores: bool = True,
) -> Outcome:
    """Every finding, by case and sequence: the chains, the stores (unless told not to) and a kept digest."""
    passed = relay_positions(settings) if stores else {}
    messages, last_seq = await read_stream(nc, stream, cases)
    findings: list[Finding] = []
    if not cases:
        seen = {m.seq for m in messages}
        gone = [s for s in range(1, last_seq + 1) if s not in seen]
        findings += [Finding("", s, "dropped", "", 0, "流中此序号的消息已被删除") for s in gone]
    chains, resent = chains_of(messages, findings)
    published = read_stores(settings, cases, passed) if stores else {}
    known = {event_id for store in published.values() for event_id in store} if stores else None
    for chain in chains.values():
        findings += check_chain(chain, known)
    if stores:
        findings += check_published(chains, published)
    now = digests.Digest(stream)
    for m in messages:
        now.add(m)
    if kept is not None:
        upto = digests.Digest(stream)
        for m in messages:
            if m.seq <= kept["last_seq"]:
                upto.add(m)
        findings += digests.compare(kept, upto, cases)
    return Outcome(distinct(findings), len(messages), len({m.case_id for m in messages}), resent, now)


Cases = Annotated[list[str] | None, typer.Argument(help="信访件编号 or case ids; every case when none")]
DigestOut = Annotated[Path | None, typer.Option("--digest", help="export the stream's digest to this file to keep")]
Against = Annotated[Path | None, typer.Option("--against", help="a kept digest: show any rewrite before it")]
StreamOpt = Annotated[str, typer.Option("--stream", help="the stream to verify (a copy, say)")]
StoresOpt = Annotated[bool, typer.Option("--stores/--no-stores", help="also check each service's own store")]


@app.command("verify")
def verify_command(
    cases: Cases = None,
    digest: DigestOut = None,
    against: Against = None,
    stream: StreamOpt = STREAM,
    stores: StoresOpt = True,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
    nats_url: NatsUrl = None,
) -> None:
    """核验: every event's hash chain, the stream against each service's store, and against a kept digest."""
    from services.runtime.bus import connect
    from services.runtime.errors import XinfangError
    from xinfang.console import fail

    settings = settings_from(data_dir, nats_url)
    try:
        ids = [case_id(settings, c) for c in cases] if cases else None
        kept = digests.load(against) if against is not None else None
    except XinfangError as error:
        fail(error, as_json)

    async def work() -> Outcome:
        nc = await connect(
            client_url(settings), "xinfang-verify", reconnect=False, creds=settings.credentials("operator")
        )
        try:
            return await verify(nc, settings, stream, ids, kept, stores)
        finally:
            await nc.close()

    outcome = run(work, as_json)
    # A digest seals what holds: a stream with findings is never handed to a supervisor as the one to keep.
    sealed = digest is not None and not outcome.findings
    if sealed and digest is not None:
        outcome.digest.save(digest, settings.clock().today().isoformat())
    report(outcome, as_json, digest if sealed else None)
    if digest is not None and not sealed and not as_json:
        out.print("[red]核验未通过, 未导出摘要[/] (a digest seals only a history that holds)")
    raise typer.Exit(TAMPERED if outcome.findings else 0)


def report(outcome: Outcome, as_json: bool, digest: Path | None) -> None:
    if as_json:
        body = {"ok": not outcome.findings, "messages": outcome.messages, "cases": outcome.cases,
                "resent": outcome.resent, "findings": [f.to_dict() for f in outcome.findings],
                "digest": str(digest) if digest else None}  # fmt: skip
        print(json.dumps(body, ensure_ascii=False, indent=2))
        return
    scope = f"{outcome.messages} 条消息, {outcome.cases} 个案件"
    resent = f", 重发 {outcome.resent} 条 (无害)" if outcome.resent else ""
    if not outcome.findings:
        out.print(f"[green]✓[/] 核验通过: {scope}{resent}")
    else:
        table = Table(title=f"核验发现 {len(outcome.findings)} 处问题 ({scope})")
        for column in ("案件", "序号", "类型", "发布方", "链位", "说明"):
            table.add_column(column, overflow="fold")
        for f in outcome.findings:
            label = f"{KINDS[f.kind]} ({f.kind})"
            cells = (f.case_id or "—", str(f.seq), label, f.source or "—", str(f.n or "—"), f.detail)
            table.add_row(*map(escape, cells))  # a detail quotes the message: its "[…]" is text, not markup
        out.print(table)
    if digest is not None:
        out.print(f"摘要已导出: {digest} (至序号 {outcome.digest.last_seq}); 请交督办人员留存")
