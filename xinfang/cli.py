"""The `xinfang` command: run the system, act on cases, read the ledger and views, replay, benchmark."""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

import xinfang.actions  # noqa: F401  (registers the staff actions)
from services.runtime import collector
from services.runtime.errors import InvalidInput, XinfangError
from services.runtime.settings import COMPONENTS
from xinfang import (
    read_commands,  # noqa: F401  (registers inbox, board, assess, trends, watch, unanswered, report)
    track_command,  # noqa: F401  (registers xinfang track)
    users_command,  # noqa: F401  (registers xinfang users)
    verify_command,  # noqa: F401  (registers xinfang verify)
)
from xinfang.console import (
    STAFF_DEADLINE_S,
    CaseArg,
    DataDir,
    Deadline,
    Format,
    JsonOpt,
    NatsUrl,
    Output,
    app,
    case_id,
    client_url,
    err,
    fail,
    out,
    projections_engine,
    run,
    settings_from,
    show,
    staff_line,
    unanswered,
)
from xinfang.demo_paths import DEMO_DEADLINE_S
from xinfang.read_commands import AsOfOpt, KnownAtOpt, view_engine


@app.command()
def up(
    data_dir: DataDir = None,
    nats_url: NatsUrl = None,
    nats_port: Annotated[
        int | None, typer.Option(help="port of the bundled nats-server (XF_NATS_PORT); 0 picks a free one")
    ] = None,
    standby: Annotated[
        bool, typer.Option("--standby", help="备用实例: a second instance of every component, taking over on failure")
    ] = False,
) -> None:
    """Start everything on this machine: the bundled nats-server, the four services, the projections and the web
    console with the HTTP API (XF_API_PORT, default 8080)."""
    from xinfang.supervisor import up as run_up

    logging.basicConfig(level=logging.WARNING)
    raise typer.Exit(run_up(settings_from(data_dir, nats_url, nats_port=nats_port), standby))


SERVABLE = (*COMPONENTS, "api")  # the web process is served like a component, but the services do not loop over it


@app.command()
def serve(
    component: Annotated[str, typer.Argument(help=f"one of: {', '.join(SERVABLE)}")],
    data_dir: DataDir = None,
    nats_url: NatsUrl = None,
    log_json: Annotated[
        bool, typer.Option("--log-json", help="api: one JSON line per request on stderr (XF_LOG_JSON=1)")
    ] = False,
) -> None:
    """Run one component alone against a NATS server and its database (scaled-out mode); `api`: the HTTP API and
    the web console on XF_API_HOST:XF_API_PORT."""
    from services.runtime.host import run_until_signalled
    from xinfang.components import build_component

    if component not in SERVABLE:
        fail(InvalidInput(f"未知组件 {component!r}; 可选: {', '.join(SERVABLE)}", "component"), False)
    if component == "api":
        from xinfang.web.server import serve_api

        logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        serve_api(settings_from(data_dir, nats_url), log_json)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faststream").setLevel(logging.WARNING)
    settings = settings_from(data_dir, nats_url)
    if not settings.nats_url:
        settings = settings.model_copy(update={"nats_url": client_url(settings)})
    built = build_component(component, settings)
    collector.for_a_component()
    asyncio.run(run_until_signalled(built))


@app.command("ledger")
def show_ledger(
    fmt: Format = "table",
    output: Output = None,
    status: Annotated[str | None, typer.Option(help="only cases in this status (e.g. handling)")] = None,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    data_dir: DataDir = None,
) -> None:
    """台账: one row per case (a terminal's columns as a table; every column as csv, json or xlsx)."""
    from xinfang.views import LEDGER_HEADERS, LEDGER_TABLE_HEADERS, ledger_rows

    headers = LEDGER_TABLE_HEADERS if fmt == "table" else LEDGER_HEADERS
    engine = view_engine(settings_from(data_dir), as_of, as_known_at)
    show(ledger_rows(engine, status), headers, fmt, "信访台账", output)


@app.command("leader")
def show_leader(
    leader: Annotated[str | None, typer.Argument(help="leader id or name; all leaders when omitted")] = None,
    fmt: Format = "table",
    output: Output = None,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    data_dir: DataDir = None,
) -> None:
    """领导包案: each owning leader's cases with status and the nearest due date."""
    from xinfang.views import LEADER_HEADERS, leader_rows

    rows = leader_rows(view_engine(settings_from(data_dir), as_of, as_known_at), leader)
    show(rows, LEADER_HEADERS, fmt, f"领导包案 {leader or ''}".strip(), output)


@app.command("handoffs")
def show_handoffs(
    case: Annotated[str | None, typer.Argument(help="信访件编号 or case id; every case when omitted")] = None,
    unit: Annotated[str | None, typer.Option(help="only handoffs from or to this unit")] = None,
    fmt: Format = "table",
    output: Output = None,
    as_of: AsOfOpt = None,
    as_known_at: KnownAtOpt = None,
    data_dir: DataDir = None,
) -> None:
    """流转记录: every handoff (交办、改派、异议、争议、复查/复核交办、退回重办) with who, when and why."""
    from projections.handoffs import HEADERS, handoff_rows

    settings = settings_from(data_dir)
    engine = view_engine(settings, as_of, as_known_at)
    try:
        cid = case_id(settings, case) if case else None
    except XinfangError as error:
        fail(error, False)
    with engine.connect() as conn:
        rows = handoff_rows(conn, cid, unit)
    show(rows, HEADERS, fmt, f"流转记录 {case or unit or ''}".strip(), output)


@app.command()
def history(
    case: CaseArg,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """流转记录: one case's full event history, read from the stream."""
    from services.runtime.bus import connect
    from services.runtime.organisation import organisation
    from xinfang.history import case_history, describe, event_title

    settings = settings_from(data_dir)
    try:
        cid = case_id(settings, case)
    except XinfangError as error:
        fail(error, as_json)

    async def read() -> list[dict[str, Any]]:
        nc = await connect(
            client_url(settings), "xinfang-history", reconnect=False, creds=settings.credentials("staff")
        )
        try:
            return await case_history(nc, cid)
        finally:
            await nc.close()

    events = run(read, as_json)
    if as_json:
        print(json.dumps(events, ensure_ascii=False, indent=2))
        return
    org = organisation(settings.org_file)
    table = Table(title=f"案件 {cid} 流转记录")
    for column in ("序号", "时间", "事件", "经办", "内容"):
        table.add_column(column, overflow="fold")
    for item in events:
        event, kind = item["event"], item["type"]
        when, actor = str(event.get("occurred_at", ""))[:19], str(event.get("actor", ""))
        cells = (str(item["seq"]), when, event_title(kind), actor, describe(kind, event, org.name_of))
        table.add_row(*map(escape, cells))  # what staff typed is shown as typed: "[/…]" is text, not markup
    out.print(table)


@app.command()
def replay(
    names: Annotated[
        list[str] | None, typer.Argument(help="projections to rebuild (ledger, leaders); all if none")
    ] = None,
    check_only: Annotated[bool, typer.Option("--check", help="rebuild into a scratch database and compare")] = False,
    data_dir: DataDir = None,
) -> None:
    """重建: rebuild projections from stream sequence 1 (stop the projections component first), or --check."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from projections.registry import PROJECTIONS
    from projections.replay import check, rebuild
    from services.runtime.bus import connect

    for name in names or []:
        if name not in PROJECTIONS:
            fail(InvalidInput(f"未知视图 {name!r}; 可选: {', '.join(PROJECTIONS)}", "names"), False)
    settings = settings_from(data_dir)
    engine = projections_engine(settings)

    async def work() -> Any:
        creds = settings.credentials("operator")
        nc = await connect(client_url(settings), "xinfang-replay", reconnect=False, creds=creds)
        with Progress(
            TextColumn("重建 replay"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
        ) as bar:
            task = bar.add_task("replay", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                if check_only:
                    return await check(nc, engine, settings.clock(), names, progress)
                return await rebuild(nc, engine, settings.clock(), names, progress)
            finally:
                await nc.close()

    result = run(work)
    if not check_only:
        out.print(f"[green]✓[/] 已重建 {', '.join(names or PROJECTIONS)} 至序号 {result}")
        return
    failed = False
    for name, problems in result.items():
        if problems:
            failed = True
            out.print(f"[red]✗ {name}[/] " + "; ".join(problems))
        else:
            out.print(f"[green]✓ {name}[/] 重建结果与在线视图一致 (rebuilt equals live)")
    raise typer.Exit(1 if failed else 0)


@app.command()
def demo(
    cases: Annotated[int, typer.Option(help="how many generated cases")] = 200,
    days: Annotated[int, typer.Option(help="spread their receipt over this many past days")] = 180,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same district")] = 7,
    deadline: Deadline = DEMO_DEADLINE_S,
    data_dir: DataDir = None,
) -> None:
    """演示数据: load a district's worth of generated cases through the running system (xinfang up)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from xinfang.demo import PATH_LABELS, run_demo

    settings = settings_from(data_dir)

    async def work() -> Any:
        line = staff_line(settings, "xinfang-demo")
        try:
            with Progress(TextColumn("生成案件 demo"), BarColumn(), MofNCompleteColumn(), console=err) as bar:
                task = bar.add_task("demo", total=cases)
                return await run_demo(
                    line, settings, cases, days, seed, lambda done, total: bar.update(task, completed=done), deadline
                )
        finally:
            await line.close()

    report = run(work)
    table = Table(title=f"演示数据: {cases} 件")
    for header in ("路径", "案件数", "走完全程"):
        table.add_column(header)
    for path, count in sorted(report.paths.items()):
        table.add_row(f"{PATH_LABELS.get(path, path)} ({path})", str(count), str(report.completed[path]))
    out.print(table)
    out.print(f"督办单 {report.overdue_orders} 份 · 通报 {report.bulletin} 件 · 查看: xinfang ledger")


@app.command("dead-letters")
def dead_letters(as_json: JsonOpt = False, data_dir: DataDir = None) -> None:
    """死信: messages a consumer could not apply, with the reason, across every component's database."""
    from services.runtime.sidecar import Sidecar, make_engine

    settings = settings_from(data_dir)
    rows = []
    for component in COMPONENTS:
        for row in Sidecar(make_engine(settings.db_url(component))).dead_letters():
            row["data"] = row["data"][:200].decode("utf-8", "replace")
            rows.append({"component": component, **row})
    if as_json:
        print(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    table = Table(title=f"死信 ({len(rows)})")
    for column in ("组件", "消费者", "序号", "主题", "原因"):
        table.add_column(column, overflow="fold")
    for row in rows:
        cells = (row["component"], row["consumer"], str(row["stream_seq"]), row["subject"], row["reason"])
        table.add_row(*map(escape, cells))
    out.print(table)


def number(value: float) -> str:
    """A figure as a person reads it: whole above a hundred, one decimal below."""
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


@app.command("bench")
def run_bench(
    postgres: Annotated[str | None, typer.Option(help="also measure on this PostgreSQL (SQLAlchemy URL)")] = None,
    cases: Annotated[
        int, typer.Option(help="cases through the whole lifecycle (and as many again with 1% poison among them)")
    ] = 400,
    commands: Annotated[int, typer.Option(help="intake commands for the command-rate figure")] = 500,
    concurrency: Annotated[int, typer.Option(help="cases (and commands) in flight")] = 128,
    quick: Annotated[
        bool, typer.Option(help="small sizes, to show that every figure comes out (CI); its values are not judged")
    ] = False,
    output: Annotated[Path, typer.Option(help="JSON results file")] = Path("bench-results.json"),
) -> None:
    """基准: every figure of the quality bars beside its peer measured in the same run; exits 1 if one is missing."""
    from xinfang.bench import Sizes, bench, missing, write_json

    logging.basicConfig(level=logging.WARNING)
    sizes = Sizes.of_quick() if quick else Sizes(cases=cases, commands=commands, concurrency=concurrency)
    figures = asyncio.run(bench(postgres, sizes))
    title = "xinfang 基准 (ratios travel; absolute numbers do not)" + (" — quick: values not judged" if quick else "")
    table = Table(title=title)
    for column in ("figure", "ours", "peer", "peer value", "ratio", "goal"):
        table.add_column(column)
    for f in figures:
        mark = "[green]✓[/]" if f.meets_goal else "[red]✗[/]"
        ours = f"{number(f.value)} {f.unit}"
        peer_value = "—" if f.absolute else number(f.peer_value)
        ratio = f"{mark}" if f.absolute else f"{f.ratio:.3g} {mark}"
        table.add_row(escape(f.name), ours, escape(f.peer), peer_value, ratio, f.goal_text)
    Console(width=max(out.width, 160)).print(table)  # one figure a line, also in a CI log (no terminal: 80 columns)
    write_json(figures, output, sizes)
    out.print(f"JSON: {output}")
    absent = missing(figures, ["SQLite", "PostgreSQL"] if postgres else ["SQLite"])
    if absent:
        out.print(f"[red]缺少的指标 missing figures: {', '.join(absent)}[/]")
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()


@app.command()
def asyncapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="write the document here (default: stdout)")
    ] = None,
) -> None:
    """部门对接接口: the AsyncAPI document of the department feeds and commands, generated from the contract."""
    from xinfang.asyncapi import document

    text = json.dumps(document(), ensure_ascii=False, indent=2)
    if output is None:
        print(text)
    else:
        output.write_text(text + "\n", encoding="utf-8")
        out.print(f"[green]✓[/] {output}")


auth = typer.Typer(help="访问控制: NATS users and credentials for every party, generated from the organisation file")
app.add_typer(auth, name="auth")


def access_dir(data_dir: Path | None) -> Path:
    return settings_from(data_dir).data_dir / "access"


@auth.command("init")
def auth_init(data_dir: DataDir = None) -> None:
    """One user per party (services, projections, staff, auditor, each unit) and its credentials file (0600)."""
    from services.runtime.access import AUTHORIZATION, init
    from services.runtime.organisation import organisation

    settings = settings_from(data_dir)
    try:
        granted = init(access_dir(data_dir), sorted(organisation(settings.org_file).units))
    except XinfangError as error:
        fail(error, False)
    out.print(f"[green]✓[/] {len(granted.hashes)} 个访问方 · 授权配置 {granted.directory / AUTHORIZATION}")
    out.print(f"  凭证文件 {granted.creds_dir}/<party>.json (仅所有者可读)")


@auth.command("rotate")
def auth_rotate(
    party: Annotated[str, typer.Argument(help="e.g. dept.990100ZJJ, staff, auditor, intake")],
    data_dir: DataDir = None,
) -> None:
    """A new password for one party; every other party's credentials stay as they are. Reload the server after."""
    from services.runtime.access import rotate
    from services.runtime.organisation import organisation

    settings = settings_from(data_dir)
    try:
        granted = rotate(access_dir(data_dir), sorted(organisation(settings.org_file).units), party)
    except XinfangError as error:
        fail(error, False)
    out.print(f"[green]✓[/] {party} 的新凭证: {granted.creds(party)}")


department = typer.Typer(help="部门对接: a department system follows its own feed and acts on its own cases")
app.add_typer(department, name="department")
Creds = Annotated[Path, typer.Option("--creds", help="the unit's credentials file (xinfang auth init)")]


@department.command("follow")
def department_follow(
    unit: Annotated[str, typer.Argument(help="单位编码; must be the credentials' unit")],
    creds: Creds,
    limit: Annotated[int, typer.Option(help="stop after this many messages")] = 1000,
    wait: Annotated[float, typer.Option(help="stop when nothing new arrives for this many seconds")] = 2.0,
    nats_url: NatsUrl = None,
    data_dir: DataDir = None,
) -> None:
    """推送: print the unit's feed from where the last run stopped, one JSON line per message."""
    from xinfang.department import follow

    settings = settings_from(data_dir, nats_url)
    printed = run(lambda: follow(client_url(settings), creds, unit, limit, wait, print))
    err.print(f"{printed} 条")


@department.command("act")
def department_act(
    service: Annotated[str, typer.Argument(help="assignment | mediation | supervision")],
    command: Annotated[str, typer.Argument(help="e.g. acknowledge, reply, answer_order")],
    creds: Creds,
    payload: Annotated[
        str, typer.Option(help="the command's JSON payload, with case_id (and a command_id to choose it)")
    ] = "{}",
    deadline: Deadline = STAFF_DEADLINE_S,
    nats_url: NatsUrl = None,
    data_dir: DataDir = None,
    as_json: JsonOpt = False,
) -> None:
    """办理: one of the unit's own actions, as the unit its credentials name (never another)."""
    from xinfang.department import act as act_as_unit

    settings = settings_from(data_dir, nats_url)
    try:
        body = json.loads(payload)
    except (ValueError, RecursionError) as exc:  # not JSON, nested too deep, a number of 4300 digits
        fail(InvalidInput(f"payload 不是合法的 JSON: {exc}", "payload"), as_json)
    if not isinstance(body, dict):
        fail(InvalidInput("payload 须是 JSON 对象 {…}", "payload"), as_json)
    check = unanswered("xinfang department follow（本单位推送中有无该操作的事件）")
    result = run(lambda: act_as_unit(client_url(settings), creds, service, command, body, deadline), as_json, check)
    print(json.dumps({"ok": True, "result": result}, ensure_ascii=False) if as_json else f"✓ {command} 完成")
