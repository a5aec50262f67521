"""What every `xinfang` command shares: the typer app, common options, errors and exit codes, sending commands."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from services.runtime.client import STAFF_DEADLINE_S
from services.runtime.errors import Conflict, InvalidInput, Unanswered, Unavailable, XinfangError
from services.runtime.settings import Settings

app = typer.Typer(
    help="xinfang 信访: 受理 · 交办 · 办理 · 督办, over NATS JetStream.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
out = Console()
err = Console(stderr=True)
T = TypeVar("T")

EXIT_CODES = {
    "invalid_input": 2, "idempotency_key_reused": 2, "not_found": 3, "conflict": 5, "unavailable": 6,
    "too_many_attempts": 6, "internal": 1,
    "payload_too_large": 2,
}  # fmt: skip

JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output on stdout")]
DataDir = Annotated[Path | None, typer.Option("--data-dir", help="data directory (XF_DATA_DIR)")]
NatsUrl = Annotated[
    str | None,
    typer.Option("--nats-url", help="NATS server, or a cluster's seed URLs comma-separated (XF_NATS_URL)"),
]
OnDate = Annotated[
    date | None, typer.Option("--on", help="effective date, YYYY-MM-DD; default today", formats=["%Y-%m-%d"])
]
Actor = Annotated[str, typer.Option("--actor", help="who acts (经办人)")]
Deadline = Annotated[
    float,
    typer.Option(
        "--deadline",
        min=0,
        help="seconds to keep trying while the service or NATS is unavailable (restarting), with the same 请求标识",
    ),
]
CaseArg = Annotated[str, typer.Argument(help="信访件编号 or case id")]
FORMATS = ("table", "json", "csv", "xlsx")
Format = Annotated[str, typer.Option("--format", "-f", help="table | json | csv (UTF-8 with BOM) | xlsx (needs -o)")]
Output = Annotated[
    Path | None, typer.Option("--output", "-o", help="write to this file (required for xlsx; default: stdout)")
]


def settings_from(data_dir: Path | None = None, nats_url: str | None = None, **extra: Any) -> Settings:
    overrides: dict[str, Any] = {k: v for k, v in extra.items() if v is not None}
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    if nats_url:
        overrides["nats_url"] = nats_url
    return Settings(**overrides)


def client_url(settings: Settings) -> list[str]:
    """The NATS a client talks to, as seed URLs: configured, else those `xinfang up` recorded in ``nats.url`` (one
    URL, or a cluster's comma-separated), else the default port."""
    from services.runtime.bus import server_list

    if settings.nats_url:
        return settings.nats_url
    if settings.nats_url_file.exists() and (recorded := server_list(settings.nats_url_file.read_text())):
        return recorded
    return ["nats://127.0.0.1:4222"]


def fail(error: XinfangError, as_json: bool) -> None:
    if as_json:
        print(json.dumps({"ok": False, "error": error.to_dict()}, ensure_ascii=False))
    else:
        where = f" (字段 {error.field})" if error.field else ""
        kind = "冲突" if isinstance(error, Conflict) else "错误"  # someone else did it first: what changed, and who
        err.print(f"[red]{kind}[/] {error.message}{where}")
    raise typer.Exit(EXIT_CODES.get(error.code, 4))


def run(
    coro: Callable[[], Awaitable[T]],
    as_json: bool = False,
    explain: Callable[[XinfangError], XinfangError] = lambda error: error,
) -> T:
    try:
        return asyncio.run(coro())  # type: ignore[arg-type]
    except XinfangError as error:
        fail(explain(error), as_json)
    except OSError as error:
        fail(Unavailable(f"无法连接: {error}"), as_json)
    raise AssertionError("unreachable")


def staff_line(settings: Settings, name: str = "xinfang-cli") -> Any:
    """The CLI's connection as staff, dialled again (within a command's deadline) when the server restarts."""
    from services.runtime.bus import connect
    from services.runtime.client import Line

    return Line(lambda: connect(client_url(settings), name, reconnect=False, creds=settings.credentials("staff")))


async def send(
    settings: Settings, service: str, command: str, payload: dict[str, Any], deadline: float = STAFF_DEADLINE_S
) -> Any:
    """One staff command with its 请求标识, tried again through an outage for ``deadline`` seconds."""
    from services.runtime.client import call

    line = staff_line(settings)
    try:
        return await call(line, service, command, payload, deadline=deadline)
    finally:
        await line.close()


def unanswered(how_to_check: str) -> Callable[[XinfangError], XinfangError]:
    """A command given up on after it may have reached its service says how staff find out whether it was applied."""

    def explain(error: XinfangError) -> XinfangError:
        if isinstance(error, Unanswered):
            return Unanswered(f"{error.message}。请用 {how_to_check} 核对后再决定是否重做", error.command_id)
        return error

    return explain


def projections_engine(settings: Settings) -> Any:
    from services.runtime.sidecar import make_engine

    return make_engine(settings.db_url("projections"), rebuildable=True)  # the read side: the stream rebuilds it


def case_id(settings: Settings, case: str) -> str:
    from xinfang.views import resolve_case

    return resolve_case(projections_engine(settings), case)


def act(
    service: str,
    command: str,
    case: str,
    payload: dict[str, Any],
    as_json: bool,
    data_dir: Path | None,
    deadline: float = STAFF_DEADLINE_S,
) -> None:
    settings = settings_from(data_dir)
    try:
        body = {"case_id": case_id(settings, case), **{k: v for k, v in payload.items() if v is not None}}
    except XinfangError as error:
        fail(error, as_json)
    result = run(
        lambda: send(settings, service, command, body, deadline), as_json, unanswered(f"xinfang history {case}")
    )
    if as_json:
        print(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
    else:
        out.print(f"[green]✓[/] {result.get('case_no', '')} {command} 完成")


def check_format(fmt: str, output: Path | None) -> None:
    """Stop with a Chinese error (exit 2) for an unknown format, or xlsx without a file to write."""
    if fmt not in FORMATS:
        fail(InvalidInput(f"未知格式 {fmt!r}; 可选: {' | '.join(FORMATS)}", "format"), False)
    if fmt == "xlsx" and output is None:
        fail(InvalidInput("xlsx 格式须用 --output/-o 指定文件，如 -o 台账.xlsx", "output"), False)


def show(rows: list[dict[str, Any]], headers: dict[str, str], fmt: str, title: str, output: Path | None = None) -> None:
    """Show a view's rows as staff asked (``--format`` / ``--output``, the ``Format`` and ``Output`` options).

    ``rows``: typed values keyed by column (as the projections return them); ``headers``: column → Chinese header,
    in order; ``title``: the table's caption and the xlsx sheet's name (cut to 31 characters). ``table`` prints the
    labelled rows; ``csv`` (UTF-8 with BOM) and ``xlsx`` the same labels under the Chinese headers; ``json`` every
    column under its key with codes as they are. csv and json go to ``output`` when given, else stdout; xlsx needs
    ``output``. For a workbook of several sheets, build ``exports.Sheet``s and call ``exports.write_xlsx``.
    """
    from services.runtime.organisation import organisation
    from xinfang import exports

    check_format(fmt, output)
    if fmt == "json":
        _emit(exports.to_json(rows) + "\n", output, title, len(rows))
        return
    settings = Settings()
    labelled = [exports.labelled(row, headers, organisation(settings.org_file)) for row in rows]
    if fmt == "csv":
        _emit(exports.to_csv(labelled, headers), output, title, len(rows))
    elif fmt == "xlsx" and output is not None:
        sheet = exports.Sheet(exports.sheet_title(title), headers, labelled)
        try:
            exports.write_xlsx(output, [sheet], settings.clock().now())
        except OSError as error:
            fail(InvalidInput(f"无法写入 {output}: {error.strerror or error}", "output"), False)
        out.print(f"[green]✓[/] {title}: {len(rows)} 件 → {output}")
    else:
        table = Table(title=f"{title} ({len(rows)} 件)")
        for header in headers.values():
            table.add_column(header, overflow="fold")
        for row in labelled:
            table.add_row(*(escape(exports.text(value)) for value in row.values()))  # typed "[/…]" is text
        out.print(table)


def _emit(content: str, output: Path | None, title: str, count: int) -> None:
    """Text to stdout, or to a file (UTF-8, line ends as they are) with a line saying where."""
    if output is None:
        sys.stdout.write(content)
        return
    try:
        output.write_text(content, encoding="utf-8", newline="")
    except OSError as error:
        fail(InvalidInput(f"无法写入 {output}: {error.strerror or error}", "output"), False)
    out.print(f"[green]✓[/] {title}: {count} 件 → {output}")
