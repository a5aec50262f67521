"""Exports that petition offices open in Excel: rows labelled as staff read them, as xlsx, CSV (with a BOM) or JSON.

Rows are dicts keyed by column (``case_no``, ``received_on``, …) holding typed values as the projections return
them: ``date``, ``datetime``, ``bool``, ``int``, ``float``, ``Decimal``, ``str`` or ``None``. ``headers`` maps each
column to its Chinese header, in column order (``projections.ledger.HEADERS`` and the like). Each format converts
the values itself:

- ``labelled(row, headers, org)``: vocabulary codes by their Chinese labels, unit/category/leader codes by their
  names, dates and numbers still typed (for xlsx); ``readable(...)`` the same as text (for a table or CSV).
- ``write_xlsx(target, [Sheet(...), ...])``: one worksheet per sheet, dates as date cells, 是/否 for bools.
- ``to_csv(rows, headers)``: text with a UTF-8 BOM, so Excel reads the Chinese right.
- ``to_json(rows)``: the raw rows, dates as ISO text.

Date-times are shown in office time (北京时间, UTC+8): an aware one is converted; a naive one is taken to be office
time already (SQLite hands back the ledger's report time so).
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from events.vocabulary import (
    Adoption,
    CaseStatus,
    Channel,
    Clock,
    DeadlineRule,
    Disposition,
    Kind,
    LegalRoute,
    NotAcceptedReason,
    Opinion,
    OrderForm,
    OrderGround,
    Rating,
    ReviewOutcome,
    Risk,
    label,
)
from services.runtime.clock import OFFICE_TIME
from services.runtime.organisation import Organisation

LABELLED = {
    "channel": Channel, "kind": Kind, "opinion": Opinion, "rating": Rating, "not_accepted_reason": NotAcceptedReason,
    "routed_to": LegalRoute, "disposition": Disposition, "review_outcome": ReviewOutcome,
    "re_review_outcome": ReviewOutcome, "status": CaseStatus, "acceptance_rule": DeadlineRule,
    "order_form": OrderForm, "proposal_adoption": Adoption,
}  # fmt: skip
LABEL_LISTS = {"risks": Risk, "overdue_clocks": Clock, "order_grounds": OrderGround}  # comma-separated codes
NAMED = {"category", "locality", "office", "review_body", "re_review_body"}  # codes shown by their names

BOM = "\ufeff"
YES, NO = "是", "否"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
# Written into a workbook made without a creation time, and as every zip entry's time: the zip format's own epoch.
EPOCH = datetime(1980, 1, 1, tzinfo=UTC)
MIN_WIDTH, MAX_WIDTH = 6, 60  # column widths, in Excel's character units
TITLE_LIMIT = 31  # Excel's limit on a sheet's name
TITLE_FORBIDDEN = set("[]:*?/\\")
NOTES_TITLE = "说明"
NOTES_HEADERS = {"sheet": "工作表", "note": "说明"}
Cell = date | datetime | bool | int | float | Decimal | str | None


@dataclass
class Sheet:
    """One worksheet of an export.

    ``title``: the sheet's name (Chinese; at most 31 characters, none of ``[]:*?/\\``; ``sheet_title`` makes one
    from any text). ``headers``: row key → Chinese header, in column order. ``rows``: dicts of typed values
    (see ``Cell``), keyed as ``headers``; keys not in ``headers`` are left out. ``notes``: definition lines
    (what a column counts, the date of the figures …), listed on a last sheet 说明 beside the sheet's title.
    """

    title: str
    headers: dict[str, str]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.title or len(self.title) > TITLE_LIMIT or TITLE_FORBIDDEN & set(self.title):
            raise ValueError(f"工作表名称 {self.title!r} 须为 1–{TITLE_LIMIT} 个字符，且不含 []:*?/\\")


def sheet_title(text: str) -> str:
    """A valid sheet name from any text: Excel's forbidden characters replaced, cut to 31 characters."""
    cleaned = "".join("_" if ch in TITLE_FORBIDDEN else ch for ch in text).strip()
    return cleaned[:TITLE_LIMIT] or "Sheet"


def labelled(row: dict[str, Any], headers: dict[str, str], org: Organisation) -> dict[str, Any]:
    """The row's ``headers`` columns, in order, as staff read them, keeping dates and numbers typed: vocabulary
    codes by their labels, lists of codes joined with 、, unit/category codes by their names, bools as 是/否."""
    out: dict[str, Any] = {}
    for key in headers:
        value = row.get(key)
        if value is None:
            out[key] = None
        elif key in LABELLED:
            out[key] = label(value, LABELLED[key])
        elif key in LABEL_LISTS:
            out[key] = "、".join(label(v, LABEL_LISTS[key]) for v in str(value).split(",") if v)
        elif isinstance(value, bool):
            out[key] = YES if value else NO
        elif key in NAMED:
            out[key] = org.name_of(value)
        else:
            out[key] = value
    return out


def readable(row: dict[str, Any], headers: dict[str, str], org: Organisation) -> dict[str, str]:
    """The row as text under its Chinese headers (a table or CSV): ``labelled``, each value through ``text``."""
    return {headers[key]: text(value) for key, value in labelled(row, headers, org).items()}


def office_time(moment: datetime) -> datetime:
    """A naive date-time in office time (openpyxl refuses aware ones); a naive one is taken to be office time."""
    return moment.astimezone(OFFICE_TIME).replace(tzinfo=None) if moment.tzinfo else moment


def text(value: Any) -> str:
    """One value as text: dates ``yyyy-mm-dd``, date-times ``yyyy-mm-dd hh:mm:ss`` in office time, bools 是/否,
    nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, datetime):
        return office_time(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def display_width(value: str) -> int:
    """How many character cells the text takes on screen: CJK (wide and full-width) characters count 2; of a
    text of several lines, its longest line."""
    lines = value.splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def column_width(header: str, values: list[Any]) -> int:
    """A column's width: its widest value or its header (with room for the filter button), within 6–60."""
    widest = max([display_width(header) + 4, *(display_width(text(v)) + 2 for v in values)])
    return max(MIN_WIDTH, min(MAX_WIDTH, widest))


def to_csv(rows: list[dict[str, Any]], headers: dict[str, str]) -> str:
    """CSV text for Excel: a UTF-8 BOM, the Chinese header row (even with no rows), then each row's ``headers``
    columns through ``text`` (dates ISO)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer)
    writer.writerow(headers.values())
    writer.writerows([text(row.get(key)) for key in headers] for row in rows)
    return buffer.getvalue()


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else str(value)


def to_json(rows: list[dict[str, Any]]) -> str:
    """The rows as JSON for machines: every column under its key, codes as they are, dates and date-times ISO."""
    return json.dumps(rows, ensure_ascii=False, indent=2, default=_json_value)


def write_xlsx(target: Path | BinaryIO, sheets: list[Sheet], created: datetime | None = None) -> None:
    """An Excel workbook, one worksheet per sheet in the order given, then 说明 if any sheet has notes.

    Each worksheet: a bold header row, frozen, with an auto-filter; columns as wide as their text (CJK counting
    double); dates as date cells (yyyy-mm-dd), date-times in office time; bools 是/否; numbers as numbers; text
    always as text (never a formula). ``created`` (aware, or naive office time) is the workbook's creation and
    modification time and every zip entry's time, ``EPOCH`` when None: the same sheets give the same bytes.
    """
    book = Workbook()
    book.remove(book.worksheets[0])
    for sheet in [*sheets, *_notes_sheet(sheets)]:
        _fill(book.create_sheet(sheet.title), sheet)
    moment = created or EPOCH
    moment = moment if moment.tzinfo else moment.replace(tzinfo=OFFICE_TIME)
    book.properties.creator = "xinfang"
    book.properties.created = book.properties.modified = moment.astimezone(UTC).replace(tzinfo=None)  # naive UTC
    with _PinnedZip(target, office_time(moment)) as archive:
        ExcelWriter(book, archive).write_data()


def _notes_sheet(sheets: list[Sheet]) -> list[Sheet]:
    titles = [s.title for s in sheets]
    rows = [{"sheet": s.title, "note": note} for s in sheets for note in s.notes]
    if rows:
        titles.append(NOTES_TITLE)
    if len(set(titles)) != len(titles):
        raise ValueError(f"工作表名称重复: {', '.join(sorted({t for t in titles if titles.count(t) > 1}))}")
    return [Sheet(NOTES_TITLE, NOTES_HEADERS, rows)] if rows else []


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    bold = Font(bold=True)
    for column, header in enumerate(sheet.headers.values(), 1):
        ws.cell(row=1, column=column, value=header).font = bold
    for number, row in enumerate(sheet.rows, 2):
        for column, key in enumerate(sheet.headers, 1):
            _put(ws, number, column, key, row.get(key))
    last = get_column_letter(max(len(sheet.headers), 1))
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{last}{len(sheet.rows) + 1}"
    for column, (key, header) in enumerate(sheet.headers.items(), 1):
        width = column_width(header, [row.get(key) for row in sheet.rows])
        ws.column_dimensions[get_column_letter(column)].width = width


def _put(ws: Worksheet, row: int, column: int, key: str, value: Any) -> None:
    """One typed cell: bools as 是/否, date-times naive in office time, text stripped of characters Excel refuses."""
    if value is None:
        return
    if isinstance(value, bool):
        value = YES if value else NO
    elif isinstance(value, datetime):
        value = office_time(value)
    elif isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    elif not isinstance(value, date | int | float | Decimal):
        raise TypeError(f"column {key!r}: {type(value).__name__} is not an export value (see exports.Cell)")
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # "=…" is the petitioner's text, never a formula
    elif isinstance(value, datetime):
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.number_format = DATE_FORMAT


class _PinnedZip(ZipFile):
    """A zip whose entries all carry one time: ZipFile.writestr would stamp each with the moment it is written, and
    ZipFile.write (openpyxl's worksheets, from temporary files) with the file's modification time."""

    def __init__(self, target: Path | BinaryIO, moment: datetime):
        super().__init__(target, "w", ZIP_DEFLATED, allowZip64=True)
        self.stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)

    def writestr(self, zinfo_or_arcname: Any, data: Any, *args: Any, **kwargs: Any) -> None:
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self.stamp)
            zinfo_or_arcname.compress_type = ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, *args, **kwargs)

    def write(self, filename: Any, arcname: Any = None, *args: Any, **kwargs: Any) -> None:
        with open(filename, "rb") as source:
            self.writestr(str(arcname or Path(filename).name), source.read())


__all__ = [
    "BOM",
    "LABELLED",
    "LABEL_LISTS",
    "NAMED",
    "Cell",
    "Sheet",
    "display_width",
    "labelled",
    "readable",
    "sheet_title",
    "text",
    "to_csv",
    "to_json",
    "write_xlsx",
]
