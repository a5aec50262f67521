"""Mediation's application on a real SQLite store: handling opens on acknowledgement, a send-back starts round 2."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest

from events.assignment import CaseAcknowledged
from events.mediation import ReplyIssued
from events.supervision import CaseSentBack
from services.mediation.application import MediationApplication
from services.mediation.commands import ApproveExtension, CloseCase, IssueReply, RecordInvestigation
from services.mediation.domain import Handling
from services.mediation.domain.errors import AlreadyReplied
from tests.support.clock import CLOCK
from tests.support.harness import TERMS, Reactor, public, sqlite_store

ACCEPTED = date(2026, 3, 2)
ACKNOWLEDGED = date(2026, 3, 4)


def application(tmp_path: Path) -> MediationApplication:
    return MediationApplication(sqlite_store(tmp_path, "mediation"), CLOCK, TERMS)


def acknowledged(case_id: UUID) -> CaseAcknowledged:
    return public(
        CaseAcknowledged, case_id, case_no="XF1", department="990100ZJJ", handler="李工",
        acknowledged_on=ACKNOWLEDGED, major=True, accepted_on=ACCEPTED, co_handlers=[],
    )  # fmt: skip


def sent_back(case_id: UUID, on: date) -> CaseSentBack:
    return public(CaseSentBack, case_id, round=2, reason="信访人不满意: 路面仍有破损", sent_back_on=on)


def test_handling_opens_on_acknowledgement_and_a_send_back_keeps_the_first_round(tmp_path: Path) -> None:
    case_id = uuid4()
    app = application(tmp_path)
    Reactor(app).react(acknowledged(case_id))
    Reactor(app).react(acknowledged(case_id))  # redelivered: still one handling
    opened = app.load(case_id, Handling)
    assert (opened.major, opened.version, opened.round.due_on) == (True, 1, ACCEPTED + timedelta(days=60))

    day = date(2026, 3, 20)
    app.record_investigation(RecordInvestigation(case_id=case_id, findings="路面破损属实", on=day))
    answer = app.approve_extension(
        ApproveExtension(case_id=case_id, days=15, approved_by="王局长", reason="需鉴定", notified_on=day, on=day)
    )
    assert answer["due_on"] == (ACCEPTED + timedelta(days=75)).isoformat()
    reply = IssueReply(
        case_id=case_id, opinion="supported", text="已修复", legal_basis="条例", disposition="resolved", on=day,
        request="修路", facts_and_reasons="路面破损属实",
    )  # fmt: skip
    app.reply(reply)
    app.close_case(CloseCase(case_id=case_id, on=day))
    with pytest.raises(AlreadyReplied):
        app.record_investigation(RecordInvestigation(case_id=case_id, findings="再查", on=day))

    back_on = date(2026, 4, 10)
    Reactor(app).react(sent_back(case_id, back_on))
    Reactor(app).react(sent_back(case_id, back_on))  # redelivered: still round 2

    reloaded = application(tmp_path).load(case_id, Handling)  # from the file, not from memory
    first, second = reloaded.rounds
    assert (first.number, first.replied_on, first.closed_on, first.extension_days) == (1, day, day, 15)
    assert first.records == ["investigation"]
    assert (second.number, second.starts_on, second.replied_on, second.extended_on) == (2, back_on, None, None)
    assert second.due_on == back_on + timedelta(days=60)

    result = app.reply(reply.model_copy(update={"on": back_on}))
    assert result["round"] == 2
    published = Reactor(app).public_events()
    replies = [e for e in published if isinstance(e, ReplyIssued)]
    assert [(r.round, r.replied_on, r.disposition) for r in replies] == [(1, day, "resolved"), (2, back_on, "resolved")]
    assert [type(e).__name__ for e in published if e is not None].count("RehandlingStarted") == 1
