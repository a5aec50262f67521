"""信访件查询 on the real pipeline: a petitioner follows their case with `xinfang track CODE --secret S`."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.support.clock import TODAY
from tests.support.system import PETITION, Client, InProcessSystem, eventually, settle, table_rows
from xinfang.tracking import NOT_FOUND

REFUSED = 3  # NotFound
LOCKED = 6  # TooManyAttempts, as Unavailable


async def xinfang(system: InProcessSystem, *args: str, today: str = TODAY.isoformat()) -> subprocess.CompletedProcess:
    env = {
        "XF_DATA_DIR": str(system.settings.data_dir),
        "XF_NATS_URL": system.settings.nats_url_text,
        "XF_TODAY": today,
    }
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=60
    )


PRINTED = re.compile(
    r"信访件编号 (?P<case_no>XF\w+).*查询码 (?P<code>\w{8}) · 查询密码 (?P<secret>\w{8})（仅此一次显示，请告知信访人）"
    r".*案件ID (?P<case_id>[0-9a-f-]{36})",
    re.S,
)


async def test_a_petitioner_tracks_their_case_and_wrong_guesses_are_refused_alike_then_locked(
    system: InProcessSystem, tmp_path: Path
) -> None:
    petition = tmp_path / "petition.json"
    petition.write_text(json.dumps(PETITION, ensure_ascii=False), encoding="utf-8")
    submitted = await xinfang(system, "submit", str(petition))
    printed = PRINTED.search(submitted.stdout)
    assert submitted.returncode == 0 and printed, submitted.stdout + submitted.stderr
    registered = printed.groupdict()
    case_id, code, secret = registered["case_id"], registered["code"], registered["secret"]
    async with Client(system.settings) as client:
        await client.cmd("intake", "accept", case_id=case_id)
        await settle(system)
    url = system.settings.db_url("projections")

    async def assigned() -> bool:
        sql = f"select milestone from tracking_milestone where case_id = '{case_id}'"
        return len(table_rows(url, sql)) == 3

    await eventually(assigned, what="received, accepted and assigned in the tracking view")
    feeds = table_rows(url, f"select event_type from feed_outbox where case_id = '{case_id}'")
    assert "case_assigned" in {r["event_type"] for r in feeds}
    assert "petition_registered" not in {r["event_type"] for r in feeds}  # a unit joins a case at its assignment

    found = await xinfang(system, "track", code.lower(), "--secret", secret, "--format", "json")
    assert found.returncode == 0, found.stderr
    shown = json.loads(found.stdout)
    assert shown["case_no"] == registered["case_no"]
    assert [(m["on"], m["milestone"], m["detail"]) for m in shown["milestones"]] == [
        (TODAY.isoformat(), "已收到", f"渠道 来访 · 收到日期 {TODAY.isoformat()}"),
        (TODAY.isoformat(), "已受理", "类别 申诉求决 · 办理方式 出具信访处理意见书"),
        (TODAY.isoformat(), "已交办", "交办至 区住房和城乡建设局"),
    ]
    table = await xinfang(system, "track", code, "--secret", secret)
    assert table.returncode == 0 and registered["case_no"] in table.stdout and "已交办" in table.stdout
    assert "接待科" not in table.stdout + found.stdout  # who received it is the office's, not the petitioner's
    earlier = await xinfang(system, "track", code, "--secret", secret, "--as-of", (TODAY - timedelta(1)).isoformat())
    assert earlier.returncode == 0 and "已受理" not in earlier.stdout

    typo = code[:-1] + ("2" if code[-1] != "2" else "3")
    answers = [
        await xinfang(system, "track", typo, "--secret", secret),  # a wrong code
        await xinfang(system, "track", code, "--secret", "22222222" if secret != "22222222" else "33333333"),
        await xinfang(system, "track", "ZZZZ2222", "--secret", "ABCDEFGH"),  # a code no case has
    ]
    assert {(a.returncode, a.stdout, a.stderr) for a in answers} == {(REFUSED, "", answers[0].stderr)}
    assert NOT_FOUND in answers[0].stderr and "Traceback" not in answers[0].stderr

    for _ in range(4):  # with the wrong secret above: five failures on this code within the window
        assert (await xinfang(system, "track", code, "--secret", "WRONGXYZ")).returncode == REFUSED
    locked = await xinfang(system, "track", code, "--secret", secret)
    assert locked.returncode == LOCKED and "查询过于频繁，请" in locked.stderr and "分钟后再试" in locked.stderr
    assert "Traceback" not in locked.stderr

    later = await xinfang(system, "track", code, "--secret", secret, today=(TODAY + timedelta(days=2)).isoformat())
    assert later.returncode == 0, later.stderr
    assert registered["case_no"] in later.stdout and "已受理" in later.stdout
