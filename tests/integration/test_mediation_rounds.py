"""Mediation's application on a real SQLite store: handling opens on acknowledgement, a send-back starts round 2."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from uuid import UUID, uuid4

import pytest
from eventsourcing.persistence import Tracking

from events import event_id_for
from events.assignment import CaseAcknowledged
from events.mediation import ReplyIssued
from events.supervision import CaseSentBack
from services.mediation.application import MediationApplication
from services.mediation.commands import ApproveExtension, CloseCase, IssueReply, RecordInvestigation
from services.mediation.contract import to_public
from services.mediation.domain import Handling
from services.mediation.errors import AlreadyReplied
from services.runtime.reactions import UnitOfWork
from services.runtime.store import store_env
from tests.support.clock import CLOCK, NOW

ACCEPTED = date(2026, 3, 2)
ACKNOWLEDGED = date(2026, 3, 4)


def application(tmp_path: Path) -> MediationApplication:
    return MediationApplication(store_env("mediation", f"sqlite:///{tmp_path}/mediation.db", ""), CLOCK, 60, 30)


def acknowledged(case_id: UUID) -> CaseAcknowledged:
    return CaseAcknowledged(
        event_id=event_id_for("Assignment", case_id, 2),
        case_id=str(case_id),
        occurred_at=NOW,
        recorded_at=NOW,
        case_no="XF1",
        department="990100ZJJ",
        handler="李工",
        acknowledged_on=ACKNOWLEDGED,
        major=True,
        accepted_on=ACCEPTED,
        co_handlers=[],
    )


def sent_back(case_id: UUID, on: date) -> CaseSentBack:
    return CaseSentBack(
        event_id=event_id_for("CaseClocks", case_id, 9),
        case_id=str(case_id),
        occurred_at=NOW,
        recorded_at=NOW,
        round=2,
        reason="信访人不满意: 路面仍有破损",
        sent_back_on=on,
    )


def react(app: MediationApplication, event: CaseAcknowledged | CaseSentBack, position: int) -> None:
    uow = UnitOfWork(app)
    if isinstance(event, CaseAcknowledged):
        app.on_case_acknowledged(event, uow)
    else:
        app.on_case_sent_back(event, uow)
    app.record_reaction(uow.aggregates(), Tracking("mediation", position))


def test_handling_opens_on_acknowledgement_and_a_send_back_keeps_the_first_round(tmp_path: Path) -> None:
    case_id = uuid4()
    app = application(tmp_path)
    react(app, acknowledged(case_id), 1)
    react(app, acknowledged(case_id), 2)  # redelivered: still one handling
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
    react(app, sent_back(case_id, back_on), 3)
    react(app, sent_back(case_id, back_on), 4)  # redelivered: still round 2

    reloaded = application(tmp_path).load(case_id, Handling)  # from the file, not from memory
    first, second = reloaded.rounds
    assert (first.number, first.replied_on, first.closed_on, first.extension_days) == (1, day, day, 15)
    assert first.records == ["investigation"]
    assert (second.number, second.starts_on, second.replied_on, second.extended_on) == (2, back_on, None, None)
    assert second.due_on == back_on + timedelta(days=60)

    result = app.reply(reply.model_copy(update={"on": back_on}))
    assert result["round"] == 2
    published = [to_public(app.stored_event(n)) for n in app.notifications(0, 100)]
    replies = [e for e in published if isinstance(e, ReplyIssued)]
    assert [(r.round, r.replied_on, r.disposition) for r in replies] == [(1, day, "resolved"), (2, back_on, "resolved")]
    assert [type(e).__name__ for e in published if e is not None].count("RehandlingStarted") == 1
