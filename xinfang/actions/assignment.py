"""交办 staff actions: receipt, acknowledge, objections and disputes, owning leader, task force."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from events.vocabulary import TaskForceRole, label
from services.runtime.errors import InvalidInput
from xinfang.console import STAFF_DEADLINE_S, Actor, CaseArg, DataDir, Deadline, JsonOpt, OnDate, act, app, fail

PANEL = "交办"
ROLES = {label(role): role.value for role in TaskForceRole} | {role.value: role.value for role in TaskForceRole}


@app.command(rich_help_panel=PANEL)
def receive(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="收到交办的单位 code (主办或协办)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """收到交办: the day the 交办 reached the department; its 5 working days to object and the lead's 15 days to
    tell the petitioner (接收情况告知) run from it (Art 23¶3)."""
    act(
        "assignment", "receive", case, {"department": department, "on": on, "actor": actor}, as_json, data_dir, deadline
    )


@app.command(rich_help_panel=PANEL)
def acknowledge(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="签收单位 code (the lead department)")],
    handler: Annotated[str, typer.Option(help="直接承办人")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """签收: the lead department acknowledges its case (with no receipt recorded before, also its receipt)."""
    payload = {"department": department, "handler": handler, "on": on, "actor": actor}
    act("assignment", "acknowledge", case, payload, as_json, data_dir, deadline)


@app.command("object", rich_help_panel=PANEL)
def object_(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="提出异议的单位 code (主办或协办)")],
    reasons: Annotated[str, typer.Option(help="异议理由 (required)")],
    proposed: Annotated[str, typer.Option("--proposed", help="认为应当负责的单位 code")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """交办异议: a department objects within 5 working days of its receipt, with reasons (Art 23¶3)."""
    payload = {"department": department, "reasons": reasons, "proposed_department": proposed, "on": on, "actor": actor}
    act("assignment", "object", case, payload, as_json, data_dir, deadline)


@app.command("decide-objection", rich_help_panel=PANEL)
def decide_objection(
    case: CaseArg,
    reason: Annotated[str, typer.Option(help="决定理由")],
    agree: Annotated[bool, typer.Option("--agree/--refuse", help="同意 (改派) or 不予采纳 (the case stays)")],
    department: Annotated[str, typer.Option(help="改派的主办单位 code (with --agree)")] = "",
    co_handler: Annotated[list[str] | None, typer.Option("--co-handler", help="改派后的协办单位 code; repeat")] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """异议处理: the petition bureau reassigns the case or refuses the objection (Art 23)."""
    payload = {"agree": agree, "department": department, "co_handlers": co_handler, "reason": reason}
    act("assignment", "decide_objection", case, payload | {"on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command("refer-dispute", rich_help_panel=PANEL)
def refer_dispute(
    case: CaseArg,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """争议提请: to the disputing departments' common superior, else the joint conference (Art 24)."""
    act("assignment", "refer_dispute", case, {"on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command("settle-dispute", rich_help_panel=PANEL)
def settle_dispute(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="裁定的主办单位 code")],
    reason: Annotated[str, typer.Option(help="裁定理由")],
    by: Annotated[str, typer.Option(help="裁定机关: the common superior's code, or joint_conference")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """争议裁定: the deciding body names the responsible department (Art 24)."""
    payload = {"department": department, "reason": reason, "by": by, "on": on, "actor": actor}
    act("assignment", "settle_dispute", case, payload, as_json, data_dir, deadline)


@app.command("mark-major", rich_help_panel=PANEL)
def mark_major(
    case: CaseArg,
    reason: Annotated[str, typer.Option(help="理由")],
    risk: Annotated[str, typer.Option(help="marked (人工标记) | stability (稳定风险)")] = "marked",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """列为重大案件: the lead department's district leader owns the case (领导包案)."""
    act(
        "assignment",
        "mark_major",
        case,
        {"risk": risk, "reason": reason, "on": on, "actor": actor},
        as_json,
        data_dir,
        deadline,
    )


@app.command("task-force", rich_help_panel=PANEL)
def task_force(
    case: CaseArg,
    member: Annotated[
        list[str], typer.Option("--member", help="角色:姓名[:单位], e.g. grid_worker:刘芳:990104002; repeat")
    ],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """组建工作专班 (七包一): all seven roles, led by the owning leader."""
    try:
        members = [parse_member(text) for text in member]
    except InvalidInput as error:
        fail(error, as_json)
    act(
        "assignment",
        "form_task_force",
        case,
        {"members": members, "on": on, "actor": actor},
        as_json,
        data_dir,
        deadline,
    )


def parse_member(text: str) -> dict[str, Any]:
    """``role:name[:unit]``; the role by its value (grid_worker) or its Chinese label (网格员)."""
    role, _, rest = text.partition(":")
    name, _, unit = rest.partition(":")
    if role.strip() not in ROLES or not name.strip():
        raise InvalidInput(f"专班成员 {text!r} 应写作 角色:姓名[:单位]，角色为 {'、'.join(ROLES)} 之一", "member")
    return {"role": ROLES[role.strip()], "name": name.strip(), "unit": unit.strip()}
