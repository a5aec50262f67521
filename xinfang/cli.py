"""The `xinfang` command: run the system, act on cases, read the ledger and views, replay, benchmark."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from services.runtime.errors import InvalidInput, NotFound, Unavailable, XinfangError
from services.runtime.settings import COMPONENTS, Settings

app = typer.Typer(
    help="xinfang 信访: 受理 · 交办 · 办理 · 督办, over NATS JetStream.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")

EXIT_CODES = {"invalid_input": 2, "not_found": 3, "conflict": 5, "unavailable": 6, "internal": 1}

JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output on stdout")]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="data directory (XF_DATA_DIR)")]
NatsUrl = Annotated[str | None, typer.Option("--nats-url", help="NATS server (XF_NATS_URL)")]
OnDate = Annotated[
    date | None, typer.Option("--on", help="effective date, YYYY-MM-DD; default today", formats=["%Y-%m-%d"])
]
Actor = Annotated[str, typer.Option("--actor", help="who acts (经办人)")]
CaseArg = Annotated[str, typer.Argument(help="信访件编号 or case id")]


def settings_from(data_dir: Path | None = None, nats_url: str | None = None, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if nats_url:
        overrides["nats_url"] = nats_url
    return Settings(**overrides)


def client_url(settings: Settings) -> str:
    """The NATS a client talks to: configured, else the one `xinfang up` started, else the default port."""
    if settings.nats_url:
        return settings.nats_url
    if settings.nats_url_file.exists():
        return settings.nats_url_file.read_text().strip()
    return "nats://127.0.0.1:4222"


def fail(error: XinfangError, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": False, "error": error.to_dict()}, ensure_ascii=False))
    else:
        where = f" (字段 {error.field})" if error.field else ""
        err.print(f"[red]错误[/] {error.message}{where}")
    raise typer.Exit(EXIT_CODES.get(error.code, 4))


def run(coro: Callable[[], Awaitable[T]], as_json: bool = False) -> T:
    try:
        return asyncio.run(coro())  # type: ignore[arg-type]
    except XinfangError as error:
        fail(error, as_json)
    except OSError as error:
        fail(Unavailable(f"无法连接: {error}"), as_json)
    raise AssertionError("unreachable")


async def send(settings: Settings, service: str, command: str, payload: dict[str, Any]) -> Any:
    from services.runtime.bus import connect
    from services.runtime.client import call

    try:
        nc = await connect(client_url(settings), "xinfang-cli", reconnect=False)
    except Exception as exc:
        raise Unavailable(f"无法连接 NATS {client_url(settings)}: 请先运行 xinfang up ({exc})") from None
    try:
        return await call(nc, service, command, payload)
    finally:
        await nc.close()


def projections_engine(settings: Settings) -> Any:
    from services.runtime.sidecar import make_engine

    return make_engine(settings.db_url("projections"))


def case_id(settings: Settings, case: str) -> str:
    from xinfang.views import resolve_case

    return resolve_case(projections_engine(settings), case)


def act(service: str, command: str, case: str, payload: dict[str, Any], as_json: bool, data_dir: Path | None) -> None:
    settings = settings_from(data_dir)
    try:
        body = {"case_id": case_id(settings, case), **{k: v for k, v in payload.items() if v is not None}}
    except XinfangError as error:
        fail(error, as_json)
    result = run(lambda: send(settings, service, command, body), as_json)
    if as_json:
        print(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
    else:
        out.print(f"[green]✓[/] {result.get('case_no', '')} {command} 完成")


@app.command()
def up(
    data_dir: DataDir = None,
    nats_url: NatsUrl = None,
    nats_port: Annotated[
        int | None, typer.Option(help="port of the bundled nats-server (XF_NATS_PORT); 0 picks a free one")
    ] = None,
) -> None:
    """Start everything on this machine: the bundled nats-server, the four services and the projections."""
    from xinfang.supervisor import up as run_up

    logging.basicConfig(level=logging.WARNING)
    raise typer.Exit(run_up(settings_from(data_dir, nats_url, nats_port=nats_port)))


@app.command()
def serve(
    component: Annotated[str, typer.Argument(help=f"one of: {', '.join(COMPONENTS)}")],
    data_dir: DataDir = None,
    nats_url: NatsUrl = None,
) -> None:
    """Run one component alone against a NATS server and its database (scaled-out mode)."""
    from services.runtime.host import run_until_signalled
    from xinfang.components import build_component

    if component not in COMPONENTS:
        fail(InvalidInput(f"未知组件 {component!r}; 可选: {', '.join(COMPONENTS)}", "component"), False)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("faststream").setLevel(logging.WARNING)
    settings = settings_from(data_dir, nats_url)
    if not settings.nats_url:
        settings = settings.model_copy(update={"nats_url": client_url(settings)})
    asyncio.run(run_until_signalled(build_component(component, settings)))


@app.command()
def submit(
    file: Annotated[Path, typer.Argument(help="petition as JSON (see examples/petition.json)")],
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """登记: register a petition from a JSON file; prints its case number and query code."""
    try:
        payload = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(NotFound(f"文件不存在: {file}", "file"), as_json)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        fail(InvalidInput(f"{file} 不是合法的 JSON: {exc}", "file"), as_json)
    result = run(lambda: send(settings_from(data_dir), "intake", "register", payload), as_json)
    if as_json:
        print(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
    else:
        out.print(f"[green]✓ 已登记[/] 信访件编号 {result['case_no']} · 查询码 {result['query_code']}")
        out.print(f"  案件ID {result['case_id']}")


@app.command()
def accept(
    case: CaseArg,
    major: Annotated[bool, typer.Option("--major", help="重大案件: name an owning leader")] = False,
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """受理: accept a registered petition."""
    act("intake", "accept", case, {"major": major, "on": on, "actor": actor}, as_json, data_dir)


@app.command()
def decline(
    case: CaseArg,
    reason: Annotated[str, typer.Option(help="outside_scope | legal_procedure | finalised | accepted_below")],
    explanation: Annotated[str, typer.Option(help="告知内容")] = "",
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """不予受理: decline a petition, with the reason told to the petitioner."""
    payload = {"reason": reason, "explanation": explanation, "on": on, "actor": actor}
    act("intake", "decline", case, payload, as_json, data_dir)


@app.command()
def acknowledge(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="签收单位 code (the lead department)")],
    handler: Annotated[str, typer.Option(help="直接承办人")] = "",
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """签收: the lead department acknowledges its case."""
    payload = {"department": department, "handler": handler, "on": on, "actor": actor}
    act("assignment", "acknowledge", case, payload, as_json, data_dir)


@app.command()
def reply(
    case: CaseArg,
    opinion: Annotated[str, typer.Option(help="supported | explained | not_supported")],
    text: Annotated[str, typer.Option(help="处理意见书正文")],
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """出具处理意见书: the department's reply to the petitioner."""
    payload = {"opinion": opinion, "text": text, "on": on, "actor": actor}
    act("mediation", "reply", case, payload, as_json, data_dir)


@app.command("close")
def close_case(
    case: CaseArg,
    report: Annotated[str, typer.Option(help="办结报告")] = "",
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """办结: close a replied case."""
    act("mediation", "close", case, {"report": report, "on": on, "actor": actor}, as_json, data_dir)


@app.command()
def rate(
    case: CaseArg,
    rating: Annotated[str, typer.Option(help="satisfied | basically_satisfied | unsatisfied")],
    comment: Annotated[str, typer.Option(help="评价意见")] = "",
    on: OnDate = None,
    actor: Actor = "",
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """回访评价: the petitioner's rating after closure."""
    payload = {"rating": rating, "comment": comment, "on": on, "actor": actor}
    act("supervision", "rate", case, payload, as_json, data_dir)


Format = Annotated[str, typer.Option("--format", "-f", help="table | json | csv")]


def show(rows: list[dict[str, Any]], headers: dict[str, str], fmt: str, title: str) -> None:
    from services.organisation import organisation
    from xinfang.views import readable, to_csv, to_json

    if fmt == "json":
        print(to_json(rows))
        return
    org = organisation(Settings().org_file)
    labelled = [readable(r, headers, org) for r in rows]
    if fmt == "csv":
        sys.stdout.write(to_csv(labelled) if labelled else ",".join(headers.values()) + "\n")
        return
    if fmt != "table":
        fail(InvalidInput(f"未知格式 {fmt!r}: table | json | csv", "format"), False)
    table = Table(title=f"{title} ({len(rows)} 件)")
    for header in headers.values():
        table.add_column(header, overflow="fold")
    for row in labelled:
        table.add_row(*row.values())
    out.print(table)


@app.command("ledger")
def show_ledger(
    fmt: Format = "table",
    status: Annotated[str | None, typer.Option(help="only cases in this status (e.g. handling)")] = None,
    data_dir: DataDir = None,
) -> None:
    """台账: one row per case."""
    from xinfang.views import LEDGER_HEADERS, LEDGER_TABLE_HEADERS, ledger_rows

    headers = LEDGER_TABLE_HEADERS if fmt == "table" else LEDGER_HEADERS
    show(ledger_rows(projections_engine(settings_from(data_dir)), status), headers, fmt, "信访台账")


@app.command("leader")
def show_leader(
    leader: Annotated[str | None, typer.Argument(help="leader id or name; all leaders when omitted")] = None,
    fmt: Format = "table",
    data_dir: DataDir = None,
) -> None:
    """领导包案: each owning leader's cases with status and the nearest due date."""
    from xinfang.views import LEADER_HEADERS, leader_rows

    rows = leader_rows(projections_engine(settings_from(data_dir)), leader)
    show(rows, LEADER_HEADERS, fmt, f"领导包案 {leader or ''}".strip())


@app.command()
def history(
    case: CaseArg,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """流转记录: one case's full event history, read from the stream."""
    from services.runtime.bus import connect
    from xinfang.history import case_history

    settings = settings_from(data_dir)
    try:
        cid = case_id(settings, case)
    except XinfangError as error:
        fail(error, as_json)

    async def read() -> list[dict[str, Any]]:
        nc = await connect(client_url(settings), "xinfang-history", reconnect=False)
        try:
            return await case_history(nc, cid)
        finally:
            await nc.close()

    events = run(read, as_json)
    if as_json:
        print(json.dumps(events, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"案件 {cid} 流转记录")
    for column in ("序号", "时间", "事件", "经办", "内容"):
        table.add_column(column, overflow="fold")
    for item in events:
        event = dict(item["event"])
        when = event.pop("occurred_at", "")
        actor = event.pop("actor", "")
        for key in ("event_id", "case_id", "recorded_at", "schema_version"):
            event.pop(key, None)
        table.add_row(str(item["seq"]), when[:19], item["type"], actor, json.dumps(event, ensure_ascii=False))
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
        nc = await connect(client_url(settings), "xinfang-replay", reconnect=False)
        with Progress(
            TextColumn("重建 replay"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err
        ) as bar:
            task = bar.add_task("replay", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            try:
                if check_only:
                    return await check(nc, engine, names, progress)
                return await rebuild(nc, engine, names, progress)
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
        table.add_row(*cells)
    out.print(table)


@app.command("bench")
def run_bench(
    postgres: Annotated[str | None, typer.Option(help="also measure on this PostgreSQL (SQLAlchemy URL)")] = None,
    cases: Annotated[int, typer.Option(help="cases through the whole lifecycle")] = 400,
    commands: Annotated[int, typer.Option(help="intake commands for the command-rate figure")] = 500,
    concurrency: Annotated[int, typer.Option(help="cases (and commands) in flight")] = 128,
    output: Annotated[Path, typer.Option(help="JSON results file")] = Path("bench-results.json"),
) -> None:
    """基准: pipeline, command and rebuild rates, each beside its peer measured in the same run."""
    from xinfang.bench import bench, write_json

    logging.basicConfig(level=logging.WARNING)
    figures = asyncio.run(bench(postgres, cases, commands, concurrency))
    table = Table(title="xinfang 基准 (ratios travel; absolute numbers do not)")
    for column in ("figure", "ours", "peer", "peer value", "ratio", "goal"):
        table.add_column(column)
    for f in figures:
        mark = "[green]✓[/]" if f.ratio >= f.goal else "[red]✗[/]"
        table.add_row(
            f.name, f"{f.value:,.0f} {f.unit}", f.peer, f"{f.peer_value:,.0f}", f"{f.ratio:.2f} {mark}", f"≥ {f.goal}"
        )
    out.print(table)
    write_json(figures, output)
    out.print(f"JSON: {output}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
