"""The staff CLI against a running system: scriptable JSON, clear errors with the field, never a traceback."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from openpyxl import load_workbook

from projections.handoffs import HEADERS as HANDOFF_HEADERS
from projections.leaders import HEADERS as LEADER_HEADERS
from projections.ledger import HEADERS as LEDGER_HEADERS
from tests.support.system import PETITION, InProcessSystem, case_count, eventually


def xinfang(system: InProcessSystem, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"XF_DATA_DIR": str(system.settings.data_dir), "XF_NATS_URL": system.settings.nats_url_text}
    return subprocess.run([sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=60)


async def test_staff_take_a_case_through_the_cli(system: InProcessSystem, tmp_path: Path) -> None:
    petition = tmp_path / "petition.json"
    petition.write_text(json.dumps(PETITION, ensure_ascii=False), encoding="utf-8")
    submitted = await asyncio.to_thread(xinfang, system, "submit", str(petition), "--json")
    assert submitted.returncode == 0, submitted.stderr
    case_no = json.loads(submitted.stdout)["result"]["case_no"]

    async def in_ledger() -> bool:
        return await case_count(system.settings, "registered") == 1

    await eventually(in_ledger, what="the case in the ledger")
    steps = [
        ("accept", case_no, "--major"),
        ("acknowledge", case_no, "--department", "990100ZJJ", "--handler", "李工"),
        (
            "reply",
            case_no,
            "--opinion",
            "supported",
            "--text",
            "已修复",
            "--legal-basis",
            "《城市道路管理条例》第三十五条",
            "--disposition",
            "resolved",
        ),
        ("notify", case_no, "--notice", "reply", "--method", "written"),
        ("close", case_no, "--report", "办结"),
        ("rate", case_no, "--rating", "satisfied"),
    ]
    for step in steps:
        for _ in range(100):
            done = await asyncio.to_thread(xinfang, system, *step, "--json")
            if done.returncode != 3 and '"no_reply_yet"' not in done.stdout and "not_closed" not in done.stdout:
                break
            await asyncio.sleep(0.1)
        assert done.returncode == 0, done.stdout + done.stderr
        assert json.loads(done.stdout)["ok"] is True

    async def rated() -> bool:
        return await case_count(system.settings, "rated") == 1

    await eventually(rated, what="the rated case")
    ledger = await asyncio.to_thread(xinfang, system, "ledger", "--format", "csv")
    assert ledger.stdout.startswith("\ufeff信访件编号,")  # the BOM Excel needs to read UTF-8
    assert case_no in ledger.stdout and "已评价" in ledger.stdout
    await exported_as_xlsx(system, tmp_path, case_no)
    history = await asyncio.to_thread(xinfang, system, "history", case_no, "--json")
    events = json.loads(history.stdout)
    types = [e["type"] for e in events]
    assert types[0] == "petition_registered" and "satisfaction_rated" in types and len(types) == 16
    assert "execution_follow_up_opened" in types  # the supported reply is followed until carried out (Art 32¶2)
    # Art 35: the review window opens on the day the written reply was served, not on the reply's date.
    served = next(e["event"] for e in events if e["type"] == "notice_served")
    window = next(e["event"] for e in events if e["event"].get("clock") == "review_request")
    assert window["starts_on"] == served["served_on"]
    # Art 32: the reply restates the petition's request and facts, carried from intake through the handoffs.
    reply = next(e["event"] for e in events if e["type"] == "reply_issued")
    assert (reply["request"], reply["facts_and_reasons"]) == (PETITION["request"], PETITION["facts"])


async def exported_as_xlsx(system: InProcessSystem, tmp_path: Path, case_no: str) -> None:
    """台账, 领导包案 and 流转记录 as workbooks: the Chinese headers, the case, a date as a date cell."""
    views = {
        "ledger": ("信访台账", LEDGER_HEADERS, "received_on"),
        "leader": ("领导包案", LEADER_HEADERS, "nearest_due"),
        "handoffs": ("流转记录", HANDOFF_HEADERS, "on"),
    }
    for command, (title, headers, a_date) in views.items():
        target = tmp_path / f"{title}.xlsx"
        done = await asyncio.to_thread(xinfang, system, command, "--format", "xlsx", "-o", str(target))
        assert done.returncode == 0 and str(target) in done.stdout, done.stdout + done.stderr
        book = load_workbook(target)
        assert book.sheetnames == [title]
        ws = book[title]
        assert [c.value for c in ws[1]] == list(headers.values()) and ws.freeze_panes == "A2"
        (row,) = [dict(zip(headers, cells, strict=True)) for cells in ws.iter_rows(min_row=2)]
        assert row["case_no"].value == case_no
        assert row[a_date].is_date and isinstance(row[a_date].value, datetime), (command, row[a_date].value)
    ledger = load_workbook(tmp_path / "信访台账.xlsx")["信访台账"]
    status = list(LEDGER_HEADERS).index("status") + 1
    assert ledger.cell(row=2, column=status).value == "已评价"


async def test_bad_input_names_the_field_and_exits_non_zero(system: InProcessSystem, tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    result = await asyncio.to_thread(xinfang, system, "submit", str(broken))
    assert result.returncode == 2 and "不是合法的 JSON" in result.stderr and "Traceback" not in result.stderr

    missing = tmp_path / "missing.json"
    missing.write_text(json.dumps({**PETITION, "category": "astrology"}))
    result = await asyncio.to_thread(xinfang, system, "submit", str(missing), "--json")
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["field"] == "category"

    result = await asyncio.to_thread(xinfang, system, "accept", "XF00000000NOSUCH")
    assert result.returncode == 3 and "XF00000000NOSUCH" in result.stderr and "Traceback" not in result.stderr

    result = await asyncio.to_thread(xinfang, system, "rate", "XF1", "--rating", "great")
    assert result.returncode != 0 and "Traceback" not in result.stderr

    result = await asyncio.to_thread(xinfang, system, "ledger", "--format", "xlsx")
    assert result.returncode == 2 and "须用 --output/-o" in result.stderr and "Traceback" not in result.stderr
    result = await asyncio.to_thread(xinfang, system, "handoffs", "--format", "pdf")
    assert result.returncode == 2 and "未知格式 'pdf'" in result.stderr


def test_without_a_server_every_bus_command_says_so_once_and_exits_6(tmp_path: Path) -> None:
    env = {**os.environ, "XF_NATS_URL": "nats://127.0.0.1:1", "XF_DATA_DIR": str(tmp_path)}
    case = "1867f503-0377-43f5-bfaa-14123f0ba81f"
    # a command keeps trying to connect until its --deadline; then it says once that it could not, and that nothing
    # was applied (it never reached a service)
    for args in (
        ["accept", case, "--deadline", "2"],
        ["history", case],
        ["demo", "--cases", "1", "--deadline", "2"],
        ["replay", "--check"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "xinfang", *args], capture_output=True, text=True, env=env, timeout=60
        )
        assert done.returncode == 6, (args, done.stderr)
        assert done.stderr.count("无法连接 NATS") == 1 and "Traceback" not in done.stderr, (args, done.stderr)
        if "--deadline" in args:
            assert "操作未执行" in done.stderr and "可能已执行" not in done.stderr, (args, done.stderr)
