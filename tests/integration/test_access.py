"""访问控制 on a real nats-server started with the generated authorization: a department reads its own feed only,
and every other way in is refused by the server itself (a permissions violation, never a silent timeout)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import stat
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from nats.js.api import ConsumerConfig
from nats.js.errors import APIError

from events.base import STREAM, feed_stream
from projections.feeds import feed_config
from services.runtime import access
from services.runtime.bus import ensure_stream
from services.runtime.nats_server import EmbeddedNats

OURS, THEIRS = "990100ZJJ", "990101"


class Party:
    """A connection as one party, with every error the server sent it."""

    def __init__(self, nc: Client, errors: list[str]):
        self.nc, self.errors = nc, errors
        self.js = nc.jetstream(timeout=2)

    async def refused(self, action: Awaitable[Any], subject: str) -> None:
        """The server answers the action with a permissions violation naming the subject."""
        before = len(self.errors)
        with contextlib.suppress(Exception):  # the request itself gets no answer; what counts is the server's -ERR
            await asyncio.wait_for(action, 3)
        for _ in range(60):
            if any("permissions violation" in e.lower() and subject.lower() in e.lower() for e in self.errors[before:]):
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"no permissions violation for {subject}: {self.errors[before:]}")


async def connect_as(server: EmbeddedNats, creds: Path) -> Party:
    errors: list[str] = []

    async def collect(error: Exception) -> None:
        errors.append(str(error))

    data = access.credentials(creds)
    nc = await nats.connect(
        server.url, user=data["user"], password=data["password"], inbox_prefix=data["inbox_prefix"],
        error_cb=collect, max_reconnect_attempts=0, connect_timeout=3,
    )  # fmt: skip
    return Party(nc, errors)


@pytest.fixture
async def district(tmp_path: Path) -> AsyncIterator[tuple[EmbeddedNats, access.Access]]:
    granted = access.init(tmp_path / "access", [OURS, THEIRS])
    server = EmbeddedNats(tmp_path / "js", authorization=tmp_path / "access" / access.AUTHORIZATION)
    server.start()
    try:
        service = await connect_as(server, granted.creds("intake"))
        await ensure_stream(service.nc)
        await service.js.publish("xf.case.c1.petition_registered", b"{}", stream=STREAM)
        feeds = await connect_as(server, granted.creds("projections"))
        for unit in (OURS, THEIRS):
            await feeds.js.add_stream(feed_config(unit))
            await feeds.js.publish(f"xf.feed.{unit}.c1.case_assigned", json.dumps({"unit": unit}).encode())
        await service.nc.close()
        await feeds.nc.close()
        yield server, granted
    finally:
        server.stop()


async def test_a_department_reads_its_own_feed_and_is_refused_everything_else(
    district: tuple[EmbeddedNats, access.Access],
) -> None:
    server, granted = district
    creds = granted.creds(f"dept.{OURS}")
    assert stat.S_IMODE(creds.stat().st_mode) == 0o600
    dept = await connect_as(server, creds)
    try:
        ordered = await dept.js.subscribe(f"xf.feed.{OURS}.>", stream=feed_stream(OURS), ordered_consumer=True)
        assert json.loads((await ordered.next_msg(timeout=5)).data) == {"unit": OURS}
        durable = await dept.js.pull_subscribe(f"xf.feed.{OURS}.>", durable="own-system", stream=feed_stream(OURS))
        (msg,) = await durable.fetch(1, timeout=5)
        await msg.ack()
        # a filter on another unit's subjects, on its own stream, finds nothing: that stream holds only its own
        with pytest.raises((APIError, nats.errors.TimeoutError)):
            peek = await dept.js.pull_subscribe(f"xf.feed.{THEIRS}.>", durable="peek", stream=feed_stream(OURS))
            await peek.fetch(1, timeout=1)

        theirs, cases = feed_stream(THEIRS), STREAM
        js = "$JS.API"
        await dept.refused(dept.js.stream_info(theirs), f"{js}.STREAM.INFO.{theirs}")
        await dept.refused(dept.js.add_consumer(theirs, ConsumerConfig()), f"{js}.CONSUMER.CREATE.{theirs}")
        await dept.refused(
            dept.js.add_consumer(theirs, ConsumerConfig(name="x", filter_subject=f"xf.feed.{THEIRS}.>")),
            f"{js}.CONSUMER.CREATE.{theirs}",
        )
        await dept.refused(
            dept.js.add_consumer(cases, ConsumerConfig(name="y", filter_subject="xf.case.>")),
            f"{js}.CONSUMER.CREATE.{cases}",
        )
        await dept.refused(dept.js.add_consumer(cases, ConsumerConfig()), f"{js}.CONSUMER.CREATE.{cases}")
        await dept.refused(dept.js.stream_info(cases), f"{js}.STREAM.INFO.{cases}")
        await dept.refused(dept.js.get_msg(cases, 1), f"{js}.STREAM.MSG.GET.{cases}")
        await dept.refused(dept.js.get_msg(cases, 1, direct=True), f"{js}.DIRECT.GET.{cases}")
        await dept.refused(dept.js.get_msg(theirs, 1, direct=True), f"{js}.DIRECT.GET.{theirs}")
        await dept.refused(dept.js.purge_stream(feed_stream(OURS)), f"{js}.STREAM.PURGE.{feed_stream(OURS)}")
        await dept.refused(dept.js.delete_stream(feed_stream(OURS)), f"{js}.STREAM.DELETE.{feed_stream(OURS)}")
        await dept.refused(dept.nc.publish("xf.case.c1.case_closed", b"{}"), "xf.case.c1.case_closed")
        await dept.refused(dept.nc.publish(f"xf.feed.{OURS}.c1.x", b"{}"), f"xf.feed.{OURS}.c1.x")
        await dept.refused(dept.nc.request("xf.cmd.intake.accept", b"{}", timeout=1), "xf.cmd.intake.accept")
        other = f"xf.dept.{THEIRS}.assignment.acknowledge"
        await dept.refused(dept.nc.request(other, b"{}", timeout=1), other)
        await dept.refused(dept.nc.subscribe("xf.case.>"), "xf.case.>")
        await dept.refused(dept.nc.subscribe("_INBOX.>"), "_INBOX.>")
    finally:
        await dept.nc.close()


async def test_rotating_one_departments_credentials_leaves_the_others(
    district: tuple[EmbeddedNats, access.Access], tmp_path: Path
) -> None:
    server, granted = district
    old = json.loads(granted.creds(f"dept.{THEIRS}").read_text(encoding="utf-8"))
    untouched = granted.creds(f"dept.{OURS}").read_text(encoding="utf-8")
    access.rotate(tmp_path / "access", [OURS, THEIRS], f"dept.{THEIRS}")
    server.reload()
    await asyncio.sleep(0.5)
    assert granted.creds(f"dept.{OURS}").read_text(encoding="utf-8") == untouched
    with pytest.raises(Exception, match=r"(?i)authorization"):
        await nats.connect(
            server.url, user=old["user"], password=old["password"], max_reconnect_attempts=0, connect_timeout=3,
            allow_reconnect=False,
        )  # fmt: skip
    renewed = await connect_as(server, granted.creds(f"dept.{THEIRS}"))
    kept = await connect_as(server, granted.creds(f"dept.{OURS}"))
    await renewed.nc.close()
    await kept.nc.close()


def department_cli(server: EmbeddedNats, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "xinfang", "department", *args, "--nats-url", server.url],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


async def test_a_department_follows_its_feed_from_where_it_stopped_and_bad_credentials_say_so(
    district: tuple[EmbeddedNats, access.Access], tmp_path: Path
) -> None:
    server, granted = district
    ours = str(granted.creds(f"dept.{OURS}"))
    first = await asyncio.to_thread(department_cli, server, "follow", OURS, "--creds", ours, "--wait", "1")
    assert first.returncode == 0, first.stderr
    (line,) = first.stdout.splitlines()
    assert json.loads(line)["event"] == {"unit": OURS} and json.loads(line)["type"] == "case_assigned"
    again = await asyncio.to_thread(department_cli, server, "follow", OURS, "--creds", ours, "--wait", "1")
    assert again.returncode == 0 and again.stdout == ""  # resumed after what it had already printed
    feeds = await connect_as(server, granted.creds("projections"))
    await feeds.js.publish(f"xf.feed.{OURS}.c2.case_assigned", b'{"n": 2}')
    await feeds.nc.close()
    later = await asyncio.to_thread(department_cli, server, "follow", OURS, "--creds", ours, "--wait", "1")
    assert [json.loads(x)["event"] for x in later.stdout.splitlines()] == [{"n": 2}]

    wrong_unit = await asyncio.to_thread(department_cli, server, "follow", THEIRS, "--creds", ours, "--wait", "1")
    assert wrong_unit.returncode == 2 and "不是 990101" in wrong_unit.stderr
    kept = tmp_path / "revoked.json"
    kept.write_bytes(granted.creds(f"dept.{THEIRS}").read_bytes())
    access.rotate(tmp_path / "access", [OURS, THEIRS], f"dept.{THEIRS}")
    server.reload()
    await asyncio.sleep(0.5)
    revoked = await asyncio.to_thread(department_cli, server, "follow", THEIRS, "--creds", str(kept), "--wait", "1")
    assert revoked.returncode == 6 and "凭证无效" in revoked.stderr and "Traceback" not in revoked.stderr
    missing = await asyncio.to_thread(department_cli, server, "follow", OURS, "--creds", str(tmp_path / "none.json"))
    assert missing.returncode == 3 and "Traceback" not in missing.stderr
