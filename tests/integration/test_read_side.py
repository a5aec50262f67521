"""The read side on the real pipeline: case files equal their journal's fold, the views read through the CLI, and a
month's 考核 as known at a time stays the same, byte for byte, after a late entry (补录)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import date
from typing import Any

import openpyxl
from sqlalchemy import create_engine

from projections.casefiles import AsOf, files_as_of
from services.runtime.clock import OFFICE_TIME
from tests.support.system import PETITION, Client, InProcessSystem, eventually, settle, table_rows


async def xinfang(system: InProcessSystem, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text,
           "XF_TODAY": system.settings.clock().today().isoformat()}  # fmt: skip
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=60
    )


async def registered(client: Client, index: int, on: date) -> str:
    petition = {**PETITION, "petitioners": [{"name": f"信访人{index}", "phone": f"1390000{index:04d}"}]}
    return str((await client.cmd("intake", "register", **petition, received_on=on.isoformat()))["case_id"])


def journal_count(system: InProcessSystem) -> int:
    return len(table_rows(system.settings.db_url("projections"), "select event_id from case_journal"))


async def test_views_read_the_case_files_and_a_month_as_known_at_a_time_does_not_move(system: InProcessSystem) -> None:
    today = system.settings.clock().today()
    month = f"{today:%Y-%m}"
    async with Client(system.settings) as client:
        first = await registered(client, 1, today.replace(day=2))
        await client.cmd("intake", "accept", case_id=first)
        await registered(client, 2, today.replace(day=3))
        await settle(system)

    async def assigned() -> bool:
        return bool(table_rows(system.settings.db_url("projections"), "select lead from case_file where lead != ''"))

    await eventually(assigned, what="the first case assigned in its file")
    await settle(system)
    known_at = system.settings.clock().now().astimezone(OFFICE_TIME).replace(microsecond=0)
    await asyncio.sleep(1.1)
    before = await xinfang(system, "assess", "--period", month, "--by", "district", "--format", "json")
    frozen = await xinfang(system, "assess", "--period", month, "--by", "district", "--as-known-at",
                           known_at.isoformat(), "--format", "json")  # fmt: skip
    assert before.returncode == 0 and frozen.returncode == 0, before.stderr + frozen.stderr
    count = journal_count(system)
    async with Client(system.settings) as client:
        await registered(client, 3, today.replace(day=4))  # 补录: received on the 4th, entered today
    await settle(system)

    async def journalled() -> bool:
        return journal_count(system) > count

    await eventually(journalled, what="the late entry in the journal")
    after = await xinfang(system, "assess", "--period", month, "--by", "district", "--format", "json")
    again = await xinfang(system, "assess", "--period", month, "--by", "district", "--as-known-at",
                          known_at.isoformat(), "--format", "json")  # fmt: skip
    assert again.stdout == frozen.stdout  # byte for byte
    was, now = rows_of(before.stdout), rows_of(after.stdout)
    # Exactly that case: one more registration (not a repeat), one more acceptance limit passed undecided.
    for key in ("repeat_rate", "timely_acceptance"):
        assert now[key]["denominator"] == was[key]["denominator"] + 1 and now[key]["numerator"] == was[key]["numerator"]
    assert {k for k in now if now[k] != was[k]} == {"repeat_rate", "timely_acceptance"}

    engine = create_engine(system.settings.db_url("projections"))
    with engine.connect() as conn:
        current = files_as_of(conn)
        folded = files_as_of(conn, AsOf(on=date(2100, 1, 1)))
    assert current == folded and len(current) == 3  # the files are their journal's fold

    inbox = await xinfang(system, "inbox", current[first].lead, "--format", "json")
    assert inbox.returncode == 0, inbox.stderr
    (items,) = json.loads(inbox.stdout).values()
    assert {i["case_id"] for i in items} == {first} and "签收" in {i["action"] for i in items}
    board = await xinfang(system, "board", "--format", "json")
    assert board.returncode == 0, board.stderr
    counts = next(iter(json.loads(board.stdout).values()))
    assert counts[-1]["unit"] == "全区" and counts[-1]["open"] == 1
    for view in (["trends"], ["watch"], ["unanswered"], ["report", "--year", str(today.year)]):
        shown = await xinfang(system, *view)
        assert shown.returncode == 0, (view, shown.stderr)

    workbook = system.settings.data_dir / "考核.xlsx"
    done = await xinfang(system, "assess", "--period", month, "--format", "xlsx", "-o", str(workbook))
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(workbook)
    groups = ["受理告知", "办理", "评价", "重复信访", "越级和集体访", "督办", "五快"]
    assert book.sheetnames == [f"{g} 考核 {month} 考核日 {today.isoformat()}"[:31] for g in groups] + [
        "指标定义",
        "说明",
    ]
    figures = book.worksheets[0]
    assert [c.value for c in figures[1]] == ["考核对象", "指标", "分子", "分母", "比率", "件数", "说明", "排名"]
    assert figures.freeze_panes == "A2"
    to_do = system.settings.data_dir / "待办.xlsx"
    done = await xinfang(system, "inbox", current[first].lead, "--format", "xlsx", "-o", str(to_do))
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(to_do).worksheets[0]
    received = [c for c in sheet["I"][1:] if c.value is not None]  # 来信来访日期
    assert received and all(c.is_date for c in received)

    earlier = await xinfang(system, "ledger", "--as-of", today.replace(day=2).isoformat(), "--format", "json")
    assert earlier.returncode == 0, earlier.stderr
    assert [r["status"] for r in json.loads(earlier.stdout)] == [
        "registered"
    ]  # accepted later, and the others received after


def rows_of(stdout: str) -> dict[str, dict[str, Any]]:
    """The figures of `assess --format json`, by key."""
    return {r["figure"]: r for sheet in json.loads(stdout).values() for r in sheet if "figure" in r}
