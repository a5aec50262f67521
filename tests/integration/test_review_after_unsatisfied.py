"""The petitioner's own choices after the reply, on the real pipeline: an unsatisfied rating and a 复查 request."""

from __future__ import annotations

from tests.support.system import PETITION, Client, InProcessSystem, ledger_rows, settle
from xinfang.history import case_history
from xinfang.scenario import REPLY


async def test_an_unsatisfied_rating_never_takes_away_the_request_for_review_art_35(system: InProcessSystem) -> None:
    """The office sends the case back (its practice) and the petitioner asks for 复查 too: both go ahead."""
    async with Client(system.settings) as client:
        case_id = (await client.cmd("intake", "register", **PETITION))["case_id"]
        await client.cmd("intake", "accept", case_id=case_id)
        await client.ready("assignment", "acknowledge", case_id, department="990100ZJJ")
        await client.ready("mediation", "reply", case_id, **REPLY)
        await client.cmd("mediation", "serve_notice", case_id=case_id, notice="reply", method="written")
        await client.ready("mediation", "close", case_id, report="办结")
        rated = await client.ready("supervision", "rate", case_id, rating="unsatisfied", comment="仍漏水")
        assert rated["round"] == 2  # sent back for re-handling
        await settle(system)
        await client.cmd("supervision", "request_review", case_id=case_id, stage="review", reasons="对处理意见不服")
        await settle(system)
        history = [e["type"] for e in await case_history(client.nc, case_id)]
    assert {"case_sent_back", "rehandling_started", "review_requested", "review_assigned"} <= set(history)
    assert history.index("case_sent_back") < history.index("review_requested")
    row = next(r for r in ledger_rows(system.settings) if r["case_id"] == case_id)
    # the ledger shows both: the second round under way and the review with its body and limit
    assert (row["round"], row["rating"]) == (2, None)
    assert row["review_requested_on"] is not None and row["review_body"] and row["review_due"] is not None
    assert row["handling_due"] is not None and row["status"] == "under_review"
