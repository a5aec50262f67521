"""受理 staff actions: register, materials notice and supplement, accept, decline, merge."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from services.runtime.errors import InvalidInput, NotFound, XinfangError
from xinfang.console import (
    STAFF_DEADLINE_S,
    Actor,
    CaseArg,
    DataDir,
    Deadline,
    JsonOpt,
    OnDate,
    act,
    app,
    case_id,
    fail,
    out,
    run,
    send,
    settings_from,
    unanswered,
)

PANEL = "受理"
Items = Annotated[list[str], typer.Option("--item", help="材料 (repeat --item for each)")]


@app.command(rich_help_panel=PANEL)
def submit(
    file: Annotated[Path, typer.Argument(help="petition as JSON (see examples/petition.json)")],
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """登记: register a petition from a JSON file; prints its case number and query code."""
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(NotFound(f"文件不存在: {file}", "file"), as_json)
    except OSError as exc:  # a directory, no permission
        fail(InvalidInput(f"无法读取 {file}: {exc.strerror or exc}", "file"), as_json)
    except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, nested too deep, a number of 4300 digits
        fail(InvalidInput(f"{file} 不是合法的 JSON: {exc}", "file"), as_json)
    if not isinstance(payload, dict):
        fail(InvalidInput(f"{file} 须是一个 JSON 对象 {{…}}，如 examples/petition.json", "file"), as_json)
    check = unanswered("xinfang ledger 查看是否已登记")
    result = run(lambda: send(settings_from(data_dir), "intake", "register", payload, deadline), as_json, check)
    if as_json:
        print(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
    else:
        repeat = " · [yellow]重复信访[/]" if result.get("repeat") else ""
        out.print(f"[green]✓ 已登记[/] 信访件编号 {result['case_no']}{repeat}")
        out.print(f"  查询码 {result['query_code']} · 查询密码 {result['secret']}（仅此一次显示，请告知信访人）")
        out.print(f"  案件ID {result['case_id']}")


@app.command("request-materials", rich_help_panel=PANEL)
def request_materials(
    case: CaseArg,
    item: Items,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """一次性告知补正材料: one notice listing every missing item (the 15 days run on, unless a local rule)."""
    act("intake", "request_materials", case, {"items": item, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def supplement(
    case: CaseArg,
    item: Annotated[list[str] | None, typer.Option("--item", help="补正的材料 (repeat --item)")] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """材料已补正: the petitioner supplied the materials; the acceptance clock resumes."""
    payload = {"items": item or [], "on": on, "actor": actor}
    act("intake", "supplement_materials", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def accept(
    case: CaseArg,
    major: Annotated[bool, typer.Option("--major", help="重大案件: name an owning leader")] = False,
    new_facts: Annotated[
        bool, typer.Option("--new-facts", help="有新的事实和理由: accept a finalised matter again (Art 36)")
    ] = False,
    duty: Annotated[
        bool, typer.Option("--duty", help="依法履行或者答复: a claim to stop unlawful acts, protect rights (Art 31(5))")
    ] = False,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """受理: accept a registered petition."""
    payload = {"major": major, "new_facts": new_facts, "on": on, "actor": actor}
    payload |= {"claim_route": "duty" if duty else "opinion"}
    act("intake", "accept", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def decline(
    case: CaseArg,
    reason: Annotated[str, typer.Option(help="outside_scope | legal_procedure | finalised | accepted_below")],
    routed_to: Annotated[
        str | None,
        typer.Option(
            "--routed-to",
            help="导入法定途径 with legal_procedure (Art 31 (1)-(4)): litigation | arbitration | party_appeal | "
            "administrative_review | administrative_procedure | political_legal",
        ),
    ] = None,
    explanation: Annotated[str, typer.Option(help="告知内容")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """不予受理: decline a petition, with the reason (and legal route) told to the petitioner."""
    payload = {"reason": reason, "routed_to": routed_to, "explanation": explanation, "on": on, "actor": actor}
    act("intake", "decline", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def merge(
    case: CaseArg,
    into: Annotated[str, typer.Option("--into", help="在办案件: 信访件编号 or case id of the open case")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """合并重复信访: link a repeat petition to its matter's open case; it keeps its own query code."""
    try:
        target = case_id(settings_from(data_dir), into)
    except XinfangError as error:
        error.field = "into"
        fail(error, as_json)
    act("intake", "merge", case, {"into": target, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command("report-urgent", rich_help_panel=PANEL)
def report_urgent(
    case: CaseArg,
    summary: Annotated[str, typer.Option(help="情况摘要 (required)")],
    measures: Annotated[str, typer.Option(help="已采取的措施")] = "",
    department: Annotated[
        list[str] | None, typer.Option("--department", help="通报的相关主管部门 code; repeat")
    ] = None,
    at: Annotated[
        str | None, typer.Option(help="报告时刻 HH:MM 北京时间; default now, required with an earlier --on")
    ] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """重大紧急信访: report at once to the 本级党委和政府, the bureau above and 国家信访局, notifying the competent
    departments and the joint conference office; a later report on the case is a 续报 (Art 25)."""
    payload = {"summary": summary, "measures": measures, "departments": department or [], "at": at, "on": on}
    act("intake", "report_urgent", case, {**payload, "actor": actor}, as_json, data_dir, deadline)
