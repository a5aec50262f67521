"""xinfang verify on a real nats-server: a district's history holds, and every generated tampering is reported.

The tamperer rewrites the stream the way an operator with the server's keys could: a copy of it on another
server with one change (JetStream edits nothing in place), or a message deleted in place. Verify reads the copy
beside the services' own stores and a digest a supervisor kept before the change.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from nats.js.errors import NotFoundError
from sqlalchemy import create_engine, text

from events import STREAM
from services.runtime.bus import connect, stream_config
from services.runtime.chain import CHAIN_HASH, Heads, Link, link_hash
from services.runtime.nats_server import EmbeddedNats
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import Client, InProcessSystem, settle
from xinfang import digest as digests
from xinfang.verification import Message
from xinfang.verify_command import TAMPERED, read_stream, verify

CASES = 6
EACH = 10  # tamperings of each kind


@dataclass
class Tampering:
    kind: str
    messages: list[Message]  # the stream as the tamperer left it, in order (sequences are renumbered)
    case_id: str
    seqs: set[int]  # where verify must name it
    n: int = 0  # for a dropped event: its place in its producer's chain
    across_producers: bool = False


def renumbered(messages: list[Message]) -> list[Message]:
    return [Message(i, m.subject, m.data, m.headers) for i, m in enumerate(messages, 1)]


def changed(messages: list[Message], rng: random.Random) -> Tampering:
    i = rng.randrange(len(messages))
    payload = json.loads(messages[i].data)
    payload["actor"] = f"{payload.get('actor', '')}-改"
    copy = list(messages)
    copy[i] = Message(0, messages[i].subject, json.dumps(payload).encode(), messages[i].headers)
    return Tampering("changed", renumbered(copy), messages[i].case_id, {i + 1})


def dropped(messages: list[Message], rng: random.Random) -> Tampering:
    i = rng.randrange(len(messages))
    gone = messages[i]
    copy = renumbered(messages[:i] + messages[i + 1 :])
    near = {m.seq for m in copy if m.case_id == gone.case_id}
    return Tampering("dropped", copy, gone.case_id, near, n=gone.n)


def swapped(messages: list[Message], rng: random.Random, across: bool) -> Tampering:
    """Two events of one case change places: of one producer, or of two (whose stream order no chain fixes)."""
    while True:
        case_id = rng.choice([m.case_id for m in messages])
        mine = [i for i, m in enumerate(messages) if m.case_id == case_id]
        i, j = sorted(rng.sample(mine, 2))
        if (messages[i].source != messages[j].source) == across:
            break
    copy = list(messages)
    copy[i], copy[j] = copy[j], copy[i]
    return Tampering("reordered", renumbered(copy), case_id, {i + 1, j + 1}, across_producers=across)


def forged(messages: list[Message], rng: random.Random, hash_holds: bool) -> Tampering:
    """An event appended after the last of its chain: its hash made up, or computed as a relay would."""
    last = rng.choice(messages)
    chain = [m for m in messages if (m.case_id, m.source) == (last.case_id, last.source)]
    head = chain[-1]
    payload = {**json.loads(head.data), "event_id": str(uuid.uuid4()), "actor": "伪造者"}
    data = json.dumps(payload).encode()
    n, prev = head.n + 1, head.hash
    digest = link_hash(head.source, n, prev, head.subject, data) if hash_holds else uuid.uuid4().hex * 2
    headers = {**head.headers, **Link(n, prev, digest).headers(), "Nats-Msg-Id": payload["event_id"]}
    copy = renumbered([*messages, Message(0, head.subject, data, headers)])
    return Tampering("forged", copy, head.case_id, {len(copy)})


def rehashed(messages: list[Message], case_id: str) -> list[Message]:
    """One case's first event changed and every link of its producer's chain computed again, as a relay would."""
    first = next(m for m in messages if m.case_id == case_id)
    heads = Heads({})
    out = []
    for m in messages:
        data = m.data.replace(b'"actor":"', b'"actor":"X') if m is first else m.data
        if (m.case_id, m.source) == (case_id, first.source):
            link = heads.extend(m.source, case_id, m.subject, data)
            m = Message(m.seq, m.subject, data, {**m.headers, **link.headers()})
            heads.commit()
        out.append(m)
    return out


def generated(messages: list[Message], seed: int) -> list[Tampering]:
    rng = random.Random(seed)
    return (
        [changed(messages, rng) for _ in range(EACH)]
        + [dropped(messages, rng) for _ in range(EACH)]
        + [swapped(messages, rng, across=k % 2 == 1) for k in range(EACH)]
        + [forged(messages, rng, hash_holds=k % 2 == 1) for k in range(EACH)]
    )


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"duplicate_window_s": 1})


@pytest.fixture
async def scratch(tmp_path: Path) -> AsyncIterator[EmbeddedNats]:
    server = EmbeddedNats(tmp_path / "scratch-jetstream")
    server.start()
    yield server
    server.stop()


async def rewrite(nc: Any, messages: list[Message]) -> None:
    """The stream, on the scratch server, made to hold exactly these messages."""
    js = nc.jetstream()
    with contextlib.suppress(NotFoundError):
        await js.delete_stream(STREAM)
    await js.add_stream(stream_config())
    acks = [await js.publish_async(m.subject, m.data, stream=STREAM, headers=m.headers) for m in messages]
    await asyncio.gather(*acks)


async def district(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        await asyncio.gather(*(client.lifecycle(i, major=i % 2 == 0) for i in range(CASES)))
    await settle(system)


async def test_every_generated_tampering_is_reported_with_its_case_and_sequence(
    system: InProcessSystem, scratch: EmbeddedNats, tmp_path: Path
) -> None:
    await district(system)
    settings = system.settings
    nc, copy_nc = await connect(settings.nats_url, "verify-test"), await connect(scratch.url, "verify-copy")
    try:
        held = await verify(nc, settings)
        assert held.findings == [] and held.messages > CASES * 10 and held.cases == CASES
        held.digest.save(tmp_path / "kept.json", TODAY.isoformat())
        kept = digests.load(tmp_path / "kept.json")
        messages, _ = await read_stream(nc, STREAM, None)
        assert len({m.source for m in messages}) == 4 and all(m.holds for m in messages)

        await rewrite(copy_nc, messages)
        assert (await verify(copy_nc, settings, kept=kept)).findings == [], "an exact copy holds"
        missed: list[str] = []
        for tampering in generated(messages, seed=9):
            await rewrite(copy_nc, tampering.messages)
            for against in (kept, None):
                findings = (await verify(copy_nc, settings, kept=against)).findings
                named = [
                    f
                    for f in findings
                    if (f.case_id, f.kind) == (tampering.case_id, tampering.kind)
                    and f.seq in tampering.seqs
                    and (not tampering.n or f.n == tampering.n)
                ]
                if not named:
                    shown = [(f.case_id[:8], f.seq, f.kind, f.n) for f in findings]
                    what = (tampering.kind, tampering.case_id[:8], tampering.seqs, tampering.across_producers)
                    missed.append(f"{what} {'with' if against else 'without'} the digest: {shown}")
        # With the digest, nothing is missed; without it, only a swap of two producers' events that leaves each
        # producer's own events in order (no chain fixes the order between producers).
        assert all(m.endswith("True) without the digest: []") for m in missed), missed
    finally:
        await nc.close()
        await copy_nc.close()


async def test_a_message_deleted_in_place_is_reported_and_the_cli_says_so(
    system: InProcessSystem, tmp_path: Path
) -> None:
    await district(system)
    settings = system.settings
    kept = tmp_path / "kept.json"
    passed = await asyncio.to_thread(xinfang, settings, "verify", "--digest", str(kept), "--json")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert json.loads(passed.stdout)["ok"] is True and json.loads(kept.read_text())["last_seq"] > 0

    nc = await connect(settings.nats_url, "verify-test")
    try:
        messages, _ = await read_stream(nc, STREAM, None)
        gone = messages[len(messages) // 2]
        await nc.jetstream().delete_msg(STREAM, gone.seq)
    finally:
        await nc.close()
    failed = await asyncio.to_thread(xinfang, settings, "verify", "--against", str(kept))
    assert failed.returncode == TAMPERED, failed.stdout + failed.stderr
    assert "事件缺失" in failed.stdout and gone.case_id in failed.stdout and str(gone.seq) in failed.stdout
    as_json = json.loads((await asyncio.to_thread(xinfang, settings, "verify", "--json")).stdout)
    found = {(f["case_id"], f["seq"], f["kind"]) for f in as_json["findings"]}
    assert ("", gone.seq, "dropped") in found and as_json["ok"] is False
    refused = await asyncio.to_thread(xinfang, settings, "verify", "--digest", str(tmp_path / "after.json"))
    assert refused.returncode == TAMPERED and not (tmp_path / "after.json").exists() and "未导出摘要" in refused.stdout

    kept.write_text(kept.read_text().replace(gone.case_id, str(uuid.uuid4())))
    edited = await asyncio.to_thread(xinfang, settings, "verify", "--against", str(kept))
    assert edited.returncode == 2 and "留存摘要" in edited.stderr, edited.stdout + edited.stderr


def xinfang(settings: Any, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(settings.data_dir), "XF_NATS_URL": settings.nats_url_text, "XF_TODAY": TODAY.isoformat()}
    env.update(XF_CIPHER_KEY=settings.cipher_key, COLUMNS="200")
    return subprocess.run([sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=90)


def test_a_header_hash_names_the_exact_bytes() -> None:
    link = Link(1, "0" * 64, link_hash("intake", 1, "0" * 64, "xf.case.c.x", b"{}"))
    assert link.holds("intake", "xf.case.c.x", b"{}") and not link.holds("intake", "xf.case.c.x", b"{ }")
    assert not link.holds("mediation", "xf.case.c.x", b"{}") and CHAIN_HASH in link.headers()


async def test_a_relay_that_forgot_its_position_resends_every_event_with_the_same_links(
    system: InProcessSystem, settings: Settings
) -> None:
    """Past the de-duplication window a re-send lands on the stream again: it carries the very links it had."""
    await district(system)
    await system.stop()
    await asyncio.sleep(1.5)  # past the window: JetStream keeps what the relays send again
    for name in ("intake", "assignment", "mediation", "supervision"):
        engine = create_engine(settings.db_url(name))
        with engine.begin() as conn:
            conn.execute(text("delete from xf_outbox_position"))
            conn.execute(text("delete from xf_chain_heads"))
        engine.dispose()
    await system.start()
    await settle(system)
    nc = await connect(settings.nats_url, "verify-test")
    try:
        outcome = await verify(nc, settings)
    finally:
        await nc.close()
    assert outcome.findings == [] and outcome.resent > CASES * 10 and outcome.messages == 2 * outcome.resent


async def test_a_chain_rewritten_whole_is_shown_by_the_stores_and_by_a_kept_digest(
    system: InProcessSystem, scratch: EmbeddedNats, tmp_path: Path
) -> None:
    await district(system)
    settings = system.settings
    nc, copy_nc = await connect(settings.nats_url, "verify-test"), await connect(scratch.url, "verify-copy")
    try:
        held = await verify(nc, settings)
        held.digest.save(tmp_path / "kept.json", TODAY.isoformat())
        kept = digests.load(tmp_path / "kept.json")
        messages, _ = await read_stream(nc, STREAM, None)
        victim = messages[0].case_id
        await rewrite(copy_nc, rehashed(messages, victim))
        chains_alone = await verify(copy_nc, settings, stores=False)
        with_stores = await verify(copy_nc, settings)
        with_digest = await verify(copy_nc, settings, kept=kept, stores=False)
    finally:
        await nc.close()
        await copy_nc.close()
    assert chains_alone.findings == [], "a chain computed again holds on its own"
    assert (victim, 1, "changed") in {f.key for f in with_stores.findings}
    assert {(f.case_id, f.kind) for f in with_digest.findings} >= {(victim, "changed"), ("", "rewritten")}
