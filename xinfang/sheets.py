"""A view's output: one or more sheets (a title, Chinese headers, typed rows) as tables, JSON, CSV or Excel.

A view's sheet has a free title (its date, its as-known-at time); in a workbook each becomes an ``exports.Sheet``
named within Excel's rules, its full title kept on the 说明 sheet.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.markup import escape
from rich.table import Table

from services.runtime.errors import InvalidInput
from xinfang.console import out
from xinfang.exports import text

FORMATS = ("table", "json", "csv", "xlsx")


@dataclass
class Sheet:
    """One table of a view: its title, its headers (row key → Chinese header, in column order), its rows."""

    title: str
    headers: dict[str, str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def workbook_sheets(sheets: list[Sheet]) -> list[Any]:
    """The sheets as Excel worksheets: a valid, distinct name each, the full title on the 说明 sheet."""
    from xinfang.exports import Sheet as Worksheet
    from xinfang.exports import sheet_title

    found, names = [], set()
    for n, sheet in enumerate(sheets, 1):
        name = sheet_title(sheet.title)
        if name in names:
            name = sheet_title(f"{n} {sheet.title}")
        names.add(name)
        notes = [sheet.title, *sheet.notes] if name != sheet.title or sheet.notes else []
        found.append(Worksheet(name, sheet.headers, sheet.rows, notes))
    return found


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def as_json(sheets: list[Sheet]) -> str:
    """Every sheet's rows under its title, keys as in the code (stable for scripts), dates ISO."""
    body = {s.title: [{k: _json(v) for k, v in r.items()} for r in s.rows] for s in sheets}
    return json.dumps(body, ensure_ascii=False, indent=2, sort_keys=False)


def emit(sheets: list[Sheet], fmt: str, output: Path | None, created: datetime | None = None) -> None:
    """Print or write the sheets in a format; CSV is the first sheet (with a BOM), xlsx needs ``--output`` and is
    stamped ``created`` (the same sheets and stamp give the same bytes)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"未知格式 {fmt!r}: {' | '.join(FORMATS)}", "format")
    if fmt == "xlsx":
        from xinfang.exports import write_xlsx

        if output is None:
            raise InvalidInput("xlsx 须用 --output 指定文件", "output")
        write_xlsx(output, workbook_sheets(sheets), created)
        out.print(f"[green]✓[/] {output}")
        return
    if fmt == "table":
        for sheet in sheets:
            table = Table(title=f"{sheet.title} ({len(sheet.rows)})")
            for header in sheet.headers.values():
                table.add_column(header, overflow="fold")
            for row in sheet.rows:
                table.add_row(*(escape(text(row.get(k))) for k in sheet.headers))
            out.print(table)
        return
    if fmt == "json":
        body = as_json(sheets) + "\n"
    else:
        from xinfang.exports import to_csv

        first = sheets[0]
        body = to_csv(first.rows, first.headers)
    if output is None:
        sys.stdout.write(body)
    else:
        output.write_text(body, encoding="utf-8")
        out.print(f"[green]✓[/] {output}")
