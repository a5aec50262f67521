"""件件有着落、事事有回音: cases past their limit with no reply, and any case closed without one — which the rules
never let happen (a department cannot close what it has not answered), so that list proves it is empty."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from projections.casefile import CaseFile

HEADERS = {"case_no": "信访件编号", "unit": "主办单位", "problem": "问题", "due": "期限", "days": "超期天数"}


def unanswered(files: Iterable[CaseFile], today: date) -> dict[str, list[dict[str, Any]]]:
    """``past_limit``: a handling limit passed with the round unanswered; ``closed_unanswered``: a round closed with
    no written answer of that round (0 by rule)."""
    past: list[dict[str, Any]] = []
    closed: list[dict[str, Any]] = []
    for f in files:
        for run in f.clocks:
            if run.clock == "handling" and run.due < today and f.answer_of(run.round) is None and not f.ended():
                past.append(
                    {
                        "case_id": f.case_id,
                        "case_no": f.case_no,
                        "unit": run.unit,
                        "problem": "逾期未答复",
                        "due": run.due,
                        "days": (today - run.due).days,
                    }
                )
        for closure in f.closures:
            if f.answer_of(closure.round) is None:
                closed.append(
                    {
                        "case_id": f.case_id,
                        "case_no": f.case_no,
                        "unit": closure.unit,
                        "problem": f"第{closure.round}轮办结而无答复",
                        "due": closure.on,
                        "days": 0,
                    }
                )
    past.sort(key=lambda r: (-r["days"], r["case_no"]))
    return {"past_limit": past, "closed_unanswered": closed}
