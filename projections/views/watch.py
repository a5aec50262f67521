"""信访排查 (watch list): repeat petitioners by their keyed identity (never a name: that stays in intake),
collective cases, skip-level visits, 积案 (open past their limit) and stability-risk flags."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from events.vocabulary import Clock, Risk, label
from projections.casefile import CaseFile

HEADERS = {
    "reason": "排查类别",
    "subject": "对象",
    "cases": "件数",
    "case_nos": "信访件编号",
    "latest": "最近来信来访日期",
    "detail": "说明",
}
REPEAT_MIN = 2  # a petitioner with this many cases is on the list


def _case(reason: str, f: CaseFile, detail: str = "") -> dict[str, Any]:
    return {
        "reason": reason,
        "subject": f.case_no,
        "cases": 1,
        "case_nos": f.case_no,
        "latest": f.received_on,
        "detail": detail,
    }


def _overdue_limit(f: CaseFile, today: date) -> str:
    late = [r for r in f.running() if r.clock in ("handling", "review", "re_review") and r.due < today]
    return "、".join(f"{label(r.clock, Clock)}期限 {r.due.isoformat()}" for r in late)


def watch(files: Iterable[CaseFile], today: date, since: date | None = None) -> list[dict[str, Any]]:
    """Everything on the list, grouped by reason; ``since`` keeps cases received on or after it (积案 always)."""
    rows: list[dict[str, Any]] = []
    by_petitioner: dict[str, list[CaseFile]] = defaultdict(list)
    chosen = [f for f in files if f.received_on is not None and f.received_on <= today]
    recent = [f for f in chosen if since is None or f.received_on is None or f.received_on >= since]
    for f in recent:
        if f.petitioner_key:
            by_petitioner[f.petitioner_key].append(f)
    for key, cases in sorted(by_petitioner.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        if len(cases) >= REPEAT_MIN:
            rows.append(
                {
                    "reason": "重复信访人",
                    "subject": f"信访人 {key[:12]}",
                    "cases": len(cases),
                    "case_nos": "、".join(c.case_no for c in cases),
                    "latest": max(c.received_on for c in cases if c.received_on),
                    "detail": "",
                }
            )
    rows += [_case("集体访", f) for f in recent if f.collective]
    rows += [_case("越级访", f) for f in recent if f.skip_level]
    for f in chosen:
        if f.open() and (late := _overdue_limit(f, today)):
            rows.append(_case("积案", f, f"超过{late}"))
    for f in recent:
        flags = [r for r in f.risks if r in (Risk.stability, Risk.marked, Risk.long_pending)]
        if flags and not f.ended():
            rows.append(_case("稳定风险", f, "、".join(label(r, Risk) for r in flags)))
    return rows
