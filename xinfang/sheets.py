"""A view's output: one or more sheets (a title, Chinese headers, typed rows) as tables, JSON, CSV or Excel."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.table import Table

from services.runtime.errors import InvalidInput
from xinfang.console import out

FORMATS = ("table", "json", "csv", "xlsx")


@dataclass
class Sheet:
    """One table of a view: its title, its headers (row key → Chinese header, in column order), its rows."""

    title: str
    headers: dict[str, str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def as_json(sheets: list[Sheet]) -> str:
    """Every sheet's rows under its title, keys as in the code (stable for scripts), dates ISO."""
    body = {s.title: [{k: _json(v) for k, v in r.items()} for r in s.rows] for s in sheets}
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False)


def emit(sheets: list[Sheet], fmt: str, output: Path | None) -> None:
    """Print or write the sheets in a format; CSV is the first sheet (with a BOM), xlsx needs ``--output``."""
    if fmt not in FORMATS:
        raise InvalidInput(f"未知格式 {fmt!r}: {' | '.join(FORMATS)}", "format")
    if fmt == "xlsx":
        from xinfang.exports import write_xlsx

        if output is None:
            raise InvalidInput("xlsx 须用 --output 指定文件", "output")
        write_xlsx(output, sheets)
        out.print(f"[green]✓[/] {output}")
        return
    if fmt == "table":
        for sheet in sheets:
            table = Table(title=f"{sheet.title} ({len(sheet.rows)})")
            for header in sheet.headers.values():
                table.add_column(header, overflow="fold")
            for row in sheet.rows:
                table.add_row(*(cell(row.get(k)) for k in sheet.headers))
            out.print(table)
        return
    if fmt == "json":
        text = as_json(sheets) + "\n"
    else:
        from xinfang.exports import to_csv

        first = sheets[0]
        text = to_csv([{h: cell(r.get(k)) for k, h in first.headers.items()} for r in first.rows], first.headers)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        out.print(f"[green]✓[/] {output}")
