"""Exports petition offices open in Excel: typed cells under Chinese headers, CSV with a BOM, the same bytes twice."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from projections.ledger import HEADERS as LEDGER_HEADERS
from services.runtime.organisation import organisation
from xinfang.console import show
from xinfang.exports import (
    BOM,
    Sheet,
    display_width,
    labelled,
    readable,
    sheet_title,
    to_csv,
    to_json,
    write_xlsx,
)

REQUEST = "请求修复小区地下车库渗漏，并赔偿因渗漏造成的车辆损失"
HEADERS = {
    "case_no": "信访件编号",
    "received_on": "登记日期",
    "reported_at": "报告时间",
    "collective": "集体访",
    "petitioner_count": "信访人数",
    "amount": "救助金额（元）",
    "request": "信访诉求",
}
ROWS: list[dict[str, Any]] = [
    {
        "case_no": "XF20260302A0000001",
        "received_on": date(2026, 3, 2),
        "reported_at": datetime(2026, 3, 2, 1, 30, tzinfo=UTC),  # 09:30 北京时间
        "collective": True,
        "petitioner_count": 12,
        "amount": Decimal("1500.50"),
        "request": REQUEST,
    },
    {
        "case_no": "XF20260303A0000002",
        "received_on": date(2026, 3, 3),
        "reported_at": None,
        "collective": False,
        "petitioner_count": 1,
        "amount": None,
        "request": "查询",
    },
]


def reopened(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data))


def written(sheets: list[Sheet], created: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    write_xlsx(buffer, sheets, created)
    return buffer.getvalue()


def values(ws: Worksheet) -> list[list[Any]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def test_a_workbook_reopens_with_chinese_headers_a_frozen_filtered_header_and_typed_cells() -> None:
    ws = reopened(written([Sheet("信访台账", HEADERS, ROWS)]))["信访台账"]
    assert [c.value for c in ws[1]] == list(HEADERS.values())
    assert all(c.font.b for c in ws[1]) and not ws["A2"].font.b
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:G3"
    received, reported = ws["B2"], ws["C2"]
    assert received.is_date and received.value == datetime(2026, 3, 2) and received.number_format == "yyyy-mm-dd"
    assert reported.is_date and reported.value == datetime(2026, 3, 2, 9, 30)  # aware UTC → office time
    assert reported.number_format == "yyyy-mm-dd hh:mm:ss"
    assert (ws["D2"].value, ws["D3"].value) == ("是", "否")
    assert (ws["E2"].value, ws["E2"].data_type) == (12, "n")
    assert (ws["F2"].value, ws["F2"].data_type) == (1500.5, "n")
    assert ws["C3"].value is None and ws["F3"].value is None  # nothing is an empty cell, not "None"
    assert ws.max_row == 3


def test_columns_are_as_wide_as_their_chinese_text_within_limits() -> None:
    headers = {"request": "信访诉求", "code": "码", "essay": "长文"}
    rows = [{"request": REQUEST, "code": "A", "essay": "很长的内容" * 40}]
    ws = reopened(written([Sheet("宽度", headers, rows)]))["宽度"]
    default = 13  # openpyxl's width for a column it was told nothing about
    request = ws.column_dimensions["A"].width
    assert display_width(REQUEST) == 2 * len(REQUEST)  # every character, the full-width comma too, counts 2
    assert request == display_width(REQUEST) + 2 > default
    assert ws.column_dimensions["B"].width == 6  # at least the minimum for a one-letter column
    assert ws.column_dimensions["C"].width == 60  # capped


def test_display_width_counts_cjk_characters_double() -> None:
    assert display_width("XF2026") == 6
    assert display_width("信访件编号") == 10
    assert display_width("救助金额（元）") == 14  # full-width brackets count double too
    assert display_width("第一行\nsecond line") == 11  # the longest line of several


def test_several_sheets_keep_their_order_and_notes_go_on_a_last_sheet() -> None:
    sheets = [
        Sheet("信访台账", HEADERS, ROWS, notes=["信访人数: 登记的信访人数"]),
        Sheet("领导包案", {"leader": "包案领导"}, [{"leader": "张三"}]),
        Sheet("流转记录", {"kind": "流转"}, [], notes=["每次交办、改派一行"]),
    ]
    book = reopened(written(sheets))
    assert book.sheetnames == ["信访台账", "领导包案", "流转记录", "说明"]
    assert values(book["流转记录"]) == [["流转"]]  # the header row even without rows
    assert values(book["说明"]) == [
        ["工作表", "说明"],
        ["信访台账", "信访人数: 登记的信访人数"],
        ["流转记录", "每次交办、改派一行"],
    ]
    assert reopened(written(sheets[1:2])).sheetnames == ["领导包案"]  # no notes, no 说明


def test_the_same_rows_give_the_same_bytes_and_the_creation_time_is_the_one_given() -> None:
    sheets = [Sheet("信访台账", HEADERS, ROWS, notes=["说明一行"])]
    assert written(sheets) == written(sheets)
    exported = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    once, again = written(sheets, exported), written(sheets, exported)
    assert once == again and once != written(sheets)
    properties = reopened(once).properties
    assert properties.created == properties.modified == datetime(2026, 3, 2, 8, 0)  # stored as UTC
    stamps = {entry.date_time for entry in zipfile.ZipFile(io.BytesIO(once)).infolist()}
    assert stamps == {(2026, 3, 2, 16, 0, 0)}  # every zip entry at the export's office time, worksheets too
    unstamped = {entry.date_time for entry in zipfile.ZipFile(io.BytesIO(written(sheets))).infolist()}
    assert unstamped == {(1980, 1, 1, 8, 0, 0)}  # no time given: the zip format's epoch (00:00 UTC)


def test_text_stays_text_never_a_formula_and_characters_excel_refuses_are_dropped() -> None:
    rows = [{"request": '=HYPERLINK("http://x")', "note": "第一行\x0b第二行"}]
    ws = reopened(written([Sheet("文本", {"request": "诉求", "note": "备注"}, rows)]))["文本"]
    assert (ws["A2"].value, ws["A2"].data_type) == ('=HYPERLINK("http://x")', "s")
    assert ws["B2"].value == "第一行第二行"


def test_values_outside_the_export_types_are_refused_by_column() -> None:
    with pytest.raises(TypeError, match="'codes'"):
        written([Sheet("错误", {"codes": "编码"}, [{"codes": ["a", "b"]}])])


def test_sheet_titles_follow_excels_rules() -> None:
    for bad in ("", "一" * 32, "流转/记录", "台账[1]"):
        with pytest.raises(ValueError, match="工作表名称"):
            Sheet(bad, HEADERS, [])
    assert (
        sheet_title("流转记录 990100ZJJ/990100RSJ: 全部案件的每一次交办与改派")
        == "流转记录 990100ZJJ_990100RSJ_ 全部案件的"
    )
    assert len(sheet_title("台" * 40)) == 31
    with pytest.raises(ValueError, match="重复"):
        written([Sheet("台账", HEADERS, []), Sheet("台账", HEADERS, [])])
    with pytest.raises(ValueError, match="重复"):  # a sheet named 说明 beside the notes sheet
        written([Sheet("说明", HEADERS, [], notes=["一行"])])


def test_csv_starts_with_a_bom_and_reads_back_with_iso_dates_and_labelled_bools() -> None:
    text = to_csv(ROWS, HEADERS)
    assert text.startswith(BOM) and text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    parsed = list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))
    assert list(parsed[0]) == list(HEADERS.values())
    assert parsed[0]["登记日期"] == "2026-03-02" and parsed[0]["报告时间"] == "2026-03-02 09:30:00"
    assert (parsed[0]["集体访"], parsed[1]["集体访"]) == ("是", "否")
    assert (parsed[0]["信访人数"], parsed[0]["救助金额（元）"], parsed[1]["救助金额（元）"]) == ("12", "1500.50", "")
    assert parsed[0]["信访诉求"] == REQUEST
    assert to_csv([], HEADERS) == BOM + ",".join(HEADERS.values()) + "\r\n"


def test_json_keeps_chinese_and_writes_dates_iso() -> None:
    text = to_json(ROWS)
    assert REQUEST in text
    first = json.loads(text)[0]
    assert first["received_on"] == "2026-03-02" and first["reported_at"] == "2026-03-02T01:30:00+00:00"
    assert first["collective"] is True and first["amount"] == "1500.50"


def test_labelling_names_codes_and_keeps_dates_and_numbers_typed() -> None:
    org = organisation()
    row = {
        "case_no": "XF1", "channel": "visit", "received_on": date(2026, 3, 2), "category": "urban_construction",
        "locality": "990101001", "petitioner_count": 7, "risks": "collective,repeat", "status": "rated",
        "task_force": True, "accepted_on": None, "not_in_the_headers": "x",
    }  # fmt: skip
    headers = {k: LEDGER_HEADERS.get(k, k) for k in row if k not in ("task_force", "not_in_the_headers")}
    headers["task_force"] = "专班"
    got = labelled(row, headers, org)
    assert list(got) == list(headers)  # the headers' columns, in their order
    assert got["channel"] == "来访" and got["status"] == "已评价" and got["category"] == "城乡建设"
    assert got["locality"] == "河畔社区" and got["risks"].count("、") == 1 and "collective" not in got["risks"]
    assert got["received_on"] == date(2026, 3, 2) and got["petitioner_count"] == 7 and got["accepted_on"] is None
    assert got["task_force"] == "是"
    text = readable(row, headers, org)
    assert text[LEDGER_HEADERS["received_on"]] == "2026-03-02" and text[LEDGER_HEADERS["accepted_on"]] == ""
    assert text[LEDGER_HEADERS["petitioner_count"]] == "7"


def test_show_writes_xlsx_and_csv_files_and_refuses_xlsx_without_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{"case_no": "XF1", "status": "rated", "received_on": date(2026, 3, 2)}]
    headers = {k: LEDGER_HEADERS[k] for k in ("case_no", "status", "received_on")}
    show(rows, headers, "xlsx", "信访台账", tmp_path / "台账.xlsx")
    ws = reopened((tmp_path / "台账.xlsx").read_bytes())["信访台账"]
    assert values(ws) == [list(headers.values()), ["XF1", "已评价", datetime(2026, 3, 2)]]
    show(rows, headers, "csv", "信访台账", tmp_path / "台账.csv")
    assert (tmp_path / "台账.csv").read_bytes().startswith(BOM.encode("utf-8"))
    assert "已评价" in (tmp_path / "台账.csv").read_text(encoding="utf-8-sig")
    capsys.readouterr()
    for fmt, output, message in (("xlsx", None, "须用 --output/-o"), ("pdf", tmp_path / "x.pdf", "未知格式 'pdf'")):
        with pytest.raises(typer.Exit) as stopped:
            show(rows, headers, fmt, "信访台账", output)
        assert stopped.value.exit_code == 2 and message in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
