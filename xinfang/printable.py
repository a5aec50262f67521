"""A printable page (HTML with print styles) of sheets: the annual report as an office prints and files it."""

from __future__ import annotations

from html import escape

from xinfang.exports import text
from xinfang.sheets import Sheet

STYLE = """
body { font-family: "Noto Serif CJK SC", "SimSun", serif; margin: 2cm; color: #000; }
h1 { text-align: center; font-size: 22pt; } p.sub { text-align: center; }
h2 { font-size: 14pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1em; }
th, td { border: 1px solid #000; padding: 4px 8px; font-size: 11pt; }
th { background: #eee; }
@media print { body { margin: 1.5cm; } h2 { page-break-after: avoid; } table { page-break-inside: avoid; } }
"""


def printable_report(title: str, subtitle: str, sheets: list[Sheet]) -> str:
    parts = [
        f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>{escape(title)}</title>",
        f"<style>{STYLE}</style></head><body><h1>{escape(title)}</h1><p class='sub'>{escape(subtitle)}</p>",
    ]
    for sheet in sheets:
        head = "".join(f"<th>{escape(h)}</th>" for h in sheet.headers.values())
        body = "".join(
            "<tr>" + "".join(f"<td>{escape(text(row.get(k)))}</td>" for k in sheet.headers) + "</tr>"
            for row in sheet.rows
        )
        parts.append(
            f"<h2>{escape(sheet.title)}</h2><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    parts.append("</body></html>")
    return "\n".join(parts)
