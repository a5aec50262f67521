"""`xinfang track CODE --secret S`: what a petitioner sees of their case, by its 查询码 and 查询密码."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from services.runtime.clock import OFFICE_TIME
from services.runtime.errors import InvalidInput, XinfangError
from xinfang.console import DataDir, app, fail, out, projections_engine, settings_from

Code = Annotated[str, typer.Argument(help="查询码 (8 位, 登记时告知信访人)")]
Secret = Annotated[str, typer.Option("--secret", help="查询密码 (登记时告知信访人, 仅显示一次)")]
Format = Annotated[str, typer.Option("--format", "-f", help="table | json")]
AsOf = Annotated[
    date | None, typer.Option("--as-of", help="只显示此日期及以前的进展, YYYY-MM-DD", formats=["%Y-%m-%d"])
]
KnownAt = Annotated[
    str | None,
    typer.Option("--as-known-at", help="只显示此时刻以前记录的进展, ISO 时间 (无时区按北京时间)"),
]


def known_at_moment(text: str | None) -> datetime | None:
    """An ISO date-time; one without a zone is office time (UTC+8)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"时刻 {text!r} 不是 ISO 格式 (如 2026-11-23T18:00)", "as_known_at") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=OFFICE_TIME)


@app.command("track")
def track_command(
    code: Code,
    secret: Secret,
    fmt: Format = "table",
    as_of: AsOf = None,
    as_known_at: KnownAt = None,
    data_dir: DataDir = None,
) -> None:
    """信访件查询: 凭查询码和查询密码查看信访件的办理进展 (日期、进展、说明)."""
    from projections.tracking import HEADERS
    from xinfang.tracking import Throttle, track

    as_json = fmt == "json"
    try:
        if fmt not in ("table", "json"):
            raise InvalidInput(f"未知格式 {fmt!r}: table | json", "format")
        known_at = known_at_moment(as_known_at)
        settings = settings_from(data_dir)
        found = track(
            projections_engine(settings), code, secret, settings.clock().now(), Throttle.of(settings), as_of, known_at
        )
    except XinfangError as error:
        fail(error, as_json)
    rows = [{"on": m["on"].isoformat(), "milestone": m["milestone"], "detail": m["detail"]} for m in found.milestones]
    if as_json:
        print(json.dumps({"ok": True, "case_no": found.case_no, "milestones": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"信访件 {found.case_no} 办理进展")
    for header in HEADERS.values():  # 日期, 进展, 说明
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(*(escape(row[key]) for key in HEADERS))
    out.print(table)
