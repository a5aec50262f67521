"""The NATS setting is a list of seed URLs end to end; a relay stops waiting for acks when its connection is rebuilt."""

from __future__ import annotations

import asyncio
import gc
import time
from pathlib import Path
from typing import Any

import pytest

from services.runtime.bus import acknowledged, server_list, servers_text
from services.runtime.settings import Settings
from xinfang.console import client_url, settings_from

CLUSTER = ["nats://10.0.0.1:4222", "nats://10.0.0.2:4222", "nats://10.0.0.3:4222"]


def test_a_comma_separated_url_is_a_list_of_seeds() -> None:
    assert server_list(" nats://10.0.0.1:4222, nats://10.0.0.2:4222,,nats://10.0.0.3:4222 ") == CLUSTER
    assert server_list(CLUSTER) == CLUSTER
    assert server_list("nats://127.0.0.1:4222") == ["nats://127.0.0.1:4222"]
    assert server_list("") == []
    assert servers_text(CLUSTER) == ",".join(CLUSTER)


def test_xf_nats_url_and_the_flag_take_the_list(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XF_NATS_URL", ",".join(CLUSTER))
    monkeypatch.setenv("XF_STREAM_REPLICAS", "3")
    settings = Settings(data_dir=tmp_path)
    assert settings.nats_url == CLUSTER and settings.stream_replicas == 3
    assert settings.nats_url_text == ",".join(CLUSTER)
    assert client_url(settings) == CLUSTER
    monkeypatch.delenv("XF_NATS_URL")
    assert settings_from(tmp_path, "nats://a:1,nats://b:2").nats_url == ["nats://a:1", "nats://b:2"]
    assert Settings(data_dir=tmp_path).nats_url == []


def test_the_cli_reads_the_list_up_wrote(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("XF_NATS_URL", raising=False)
    settings = Settings(data_dir=tmp_path)
    assert client_url(settings) == ["nats://127.0.0.1:4222"]  # nothing running here: the default port
    settings.nats_url_file.write_text(",".join(CLUSTER) + "\n")
    assert client_url(settings) == CLUSTER


def test_stream_replicas_are_what_jetstream_allows(tmp_path: Path) -> None:
    for wrong in (0, 6):
        with pytest.raises(ValueError):
            Settings(data_dir=tmp_path, stream_replicas=wrong)


class Connection:
    """What ``acknowledged`` reads of a connection: its reconnect count."""

    def __init__(self) -> None:
        self.stats: dict[str, Any] = {"reconnects": 0}


async def test_acks_that_all_come_are_waited_for_and_a_failure_is_raised() -> None:
    nc = Connection()
    loop = asyncio.get_running_loop()
    futures = [loop.create_future() for _ in range(3)]
    for i, future in enumerate(futures):
        loop.call_later(0.05 * (i + 1), future.set_result, i)
    await acknowledged(nc, futures)  # type: ignore[arg-type]
    failing = [loop.create_future(), loop.create_future()]
    failing[0].set_result(1)
    failing[1].set_exception(RuntimeError("wrong last sequence"))
    with pytest.raises(RuntimeError, match="wrong last sequence"):
        await acknowledged(nc, failing)  # type: ignore[arg-type]


async def test_a_reconnect_ends_the_wait_at_once_and_the_batch_is_sent_again(caplog: pytest.LogCaptureFixture) -> None:
    nc = Connection()
    loop = asyncio.get_running_loop()
    lost = [loop.create_future()]  # its ack was due on the connection that broke: it never comes
    loop.call_later(0.1, nc.stats.__setitem__, "reconnects", 1)
    started = time.monotonic()
    with pytest.raises(ConnectionError):
        await acknowledged(nc, lost, timeout=30)  # type: ignore[arg-type]
    assert time.monotonic() - started < 2
    assert lost[0].cancelled()
    gc.collect()
    await asyncio.sleep(0)
    assert "never retrieved" not in caplog.text  # the abandoned wait leaves nothing for asyncio to complain of


async def test_acks_that_never_come_time_out() -> None:
    nc = Connection()
    never = [asyncio.get_running_loop().create_future()]
    with pytest.raises(TimeoutError):
        await acknowledged(nc, never, timeout=0.3)  # type: ignore[arg-type]
