"""The demo district through the real pipeline: every deadline recomputed from each case's events alone.

A few hundred generated cases take every path (materials, objections, disputes, extensions, re-handling, reviews,
finalisation, merges, reports, overdue cases with orders); then, per case, the clocks recomputed from the case's
own history on the stream equal what supervision recorded and what the ledger shows, and the views equal a rebuild.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any

import pytest

from events import decode
from events.supervision import ClockStopped, DeadlineRecorded
from projections.case_state import CLOCKS
from projections.replay import check
from services.runtime.bus import connect
from services.runtime.calendar import calendar
from services.runtime.settings import Settings
from services.runtime.sidecar import Sidecar, make_engine
from services.supervision.domain.deadlines import recompute
from tests.support.system import InProcessSystem, ledger_rows, settle
from xinfang.demo import run_demo
from xinfang.demo_people import GIVEN, REPORTS, SURNAMES
from xinfang.history import case_history
from xinfang.verify_command import verify

pytestmark = pytest.mark.slow

CASES = 240
SUGGESTION_LIMIT = 30  # an office's local limit for suggestions (Art 34 binds only Art 31(6) claims)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"suggestion_limit_days": SUGGESTION_LIMIT})


async def test_every_deadline_of_the_demo_district_recomputes_from_its_events(system: InProcessSystem) -> None:
    settings = system.settings
    nc = await connect(settings.nats_url, "demo-test")
    try:
        report = await run_demo(nc, settings, cases=CASES, days=150, seed=11)
        await settle(system, timeout=120)
        rows = ledger_rows(settings)
        limits, cal = settings.limits(), calendar(settings.calendar_file)
        checked = 0
        for row in rows:
            history = [_decoded(row["case_id"], h) for h in await case_history(nc, row["case_id"])]
            expected = recompute(history, limits, cal)
            recorded: dict[Any, Any] = {}
            for event in history:
                if isinstance(event, DeadlineRecorded | ClockStopped):
                    recorded[(event.clock, event.round)] = event
            assert {k: v.due_on for k, v in recorded.items()} == {k: s.due_on for k, s in expected.items()}, row
            for key, event in recorded.items():
                if isinstance(event, ClockStopped):
                    stopped = (expected[key].stopped_on, expected[key].on_time)
                    assert (event.stopped_on, event.on_time) == stopped, (
                        key,
                        row["case_no"],
                        [e.event_type for e in history],
                    )
            for clock in CLOCKS:
                rounds = [r for c, r in expected if c == clock]
                if rounds:
                    assert str(row[f"{clock}_due"]) == str(expected[(clock, max(rounds))].due_on), (
                        row["case_no"],
                        clock,
                    )
                    checked += 1
        differences = await check(
            nc, make_engine(settings.db_url("projections")), settings.clock(), None, lambda *_: None
        )
        verified = await verify(nc, settings)
    finally:
        await nc.close()

    assert len(rows) >= CASES and checked > CASES
    assert all(not d for d in differences.values()), differences
    assert verified.findings == [] and verified.cases >= CASES, verified.findings[:5]  # xinfang verify holds
    statuses = Counter(r["status"] for r in rows)
    for status in ("not_accepted", "merged", "handling", "rated", "reviewed", "finalised"):
        assert statuses[status] > 0, statuses
    assert any(r["overdue_clocks"] for r in rows) and any(r["objections"] for r in rows)
    assert any(r["round"] == 2 for r in rows) and any(r["extension_days"] for r in rows)
    assert report.overdue_orders > 0
    # 挂牌督办 with a proposal fed back (Art 40), supported opinions carried out (Art 32¶2), a heard re-review
    # publicised (Art 36¶2) and the work after finalisation (Art 37¶3)
    assert any(r["order_form"] == "listed" and r["proposal_adoption"] for r in rows)
    assert any(r["executed_on"] for r in rows) and any(r["publicised_on"] and r["aftercare"] for r in rows)
    by_kind = {kind: [r for r in rows if r["kind"] == kind and r["accepted_on"]] for kind in ("suggestion", "report")}
    assert by_kind["suggestion"] and all(r["handling_rule"] == "local_limit" for r in by_kind["suggestion"])
    assert by_kind["report"] and not any(r["handling_due"] for r in by_kind["report"])  # none set for reports
    assert any(r["organisation_notified_on"] for r in by_kind["report"]) and any(r["adoption"] for r in rows)
    for component in ("intake", "assignment", "mediation", "supervision", "projections"):
        assert Sidecar(make_engine(settings.db_url(component))).dead_letters() == [], component


async def every_feed_message(nc: Any) -> dict[str, str]:
    """Each unit's whole feed, as one text per stream."""
    js = nc.jetstream()
    texts: dict[str, str] = {}
    for info in await js.streams_info():
        name = info.config.name
        if name.startswith("XF_FEED_"):
            texts[name] = "\n".join(
                [(await js.get_msg(name, seq)).data.decode() for seq in range(1, info.state.last_seq + 1)]
            )
    return texts


async def test_no_feed_carries_a_petitioners_identity_or_a_reports_content(system: InProcessSystem) -> None:
    """After a demo district, every message of every unit's feed: 0 names, phones or report texts (Art 30¶3)."""
    settings = system.settings
    nc = await connect(settings.nats_url, "feed-scan")
    try:
        await run_demo(nc, settings, cases=60, days=120, seed=5)
        await settle(system, timeout=120)
        feeds = await every_feed_message(nc)
    finally:
        await nc.close()
    assert len(feeds) > 10 and sum(len(t) for t in feeds.values()) > 10_000
    names = {s + a + b for s in SURNAMES for a in GIVEN[::2] for b in GIVEN[1::2]}
    secrets = [text for pair in REPORTS for text in pair]
    for stream, text in feeds.items():
        assert not re.search(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])", text), stream  # no phone number
        assert not [n for n in names if n in text], stream
        assert not [s for s in secrets if s in text], stream


def _decoded(case_id: str, entry: dict[str, Any]) -> Any:
    return decode(f"xf.case.{case_id}.{entry['type']}", json.dumps(entry["event"]).encode())
