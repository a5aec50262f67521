"""Each aggregate's rules, named, without any infrastructure."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

import pytest

from services.assignment.domain import AlreadyAcknowledged, Assignment, NotLeadDepartment
from services.intake.domain import AlreadyDecided, DecidedBeforeReceipt, Petition, ReceivedInFuture
from services.mediation.domain import AlreadyReplied, Handling, NoReplyYet
from services.supervision.domain import AlreadyRated, CaseClocks, NotClosedYet

TODAY = date(2026, 11, 22)


def petition(received_on: date = TODAY, petitioners: int = 1, repeat: bool = False) -> Petition:
    people = [{"name": f"信访人{i}"} for i in range(petitioners)]
    return Petition(
        id=uuid4(),
        case_no="XF1",
        channel="letter",
        received_on=received_on,
        received_by="王",
        kind="claim",
        category="urban_construction",
        locality="990101",
        petitioners=people,
        request="诉求",
        facts="",
        collective=Petition.is_collective(False, people),
        repeat=repeat,
        query_code_hash="h",
        entered_on=TODAY,
    )


def test_received_date_may_be_earlier_than_entry_but_never_later() -> None:
    assert petition(TODAY - timedelta(days=20)).received_on == TODAY - timedelta(days=20)
    with pytest.raises(ReceivedInFuture):
        petition(TODAY + timedelta(days=1))


def test_acceptance_is_decided_once() -> None:
    p = petition()
    p.accept(TODAY, False, "王")
    with pytest.raises(AlreadyDecided):
        p.accept(TODAY, False, "王")
    with pytest.raises(AlreadyDecided):
        p.decline(TODAY, "outside_scope", "", "王")


def test_decision_cannot_predate_receipt() -> None:
    with pytest.raises(DecidedBeforeReceipt):
        petition().accept(TODAY - timedelta(days=1), False, "王")


def test_five_petitioners_make_a_collective_case_which_is_major() -> None:
    p = petition(petitioners=5)
    assert p.collective
    p.accept(TODAY, False, "王")
    assert p.major
    repeat = petition(repeat=True)
    repeat.accept(TODAY, False, "王")
    assert repeat.major
    plain = petition()
    plain.accept(TODAY, False, "王")
    assert not plain.major


def assignment() -> Assignment:
    return Assignment(
        id=uuid4(),
        case_no="XF1",
        department="990100ZJJ",
        department_name="区住建局",
        owning_leader="",
        owning_leader_name="",
        assigned_on=TODAY,
        category="urban_construction",
        locality="990101",
        actor="派单目录",
    )


def test_only_the_lead_department_acknowledges_and_only_once() -> None:
    a = assignment()
    with pytest.raises(NotLeadDepartment):
        a.acknowledge("990100RSJ", "李", TODAY, "")
    a.acknowledge("990100ZJJ", "李", TODAY, "")
    with pytest.raises(AlreadyAcknowledged):
        a.acknowledge("990100ZJJ", "李", TODAY, "")


def test_no_case_is_closed_without_a_reply() -> None:
    h = Handling(id=uuid4(), case_no="XF1", department="990100ZJJ", handler="李", opened_on=TODAY)
    with pytest.raises(NoReplyYet):
        h.close("", TODAY, "")
    h.reply("supported", "已解决", TODAY, "")
    with pytest.raises(AlreadyReplied):
        h.reply("supported", "再次", TODAY, "")
    h.close("办结", TODAY, "")


def test_clocks_run_from_the_case_dates_and_know_when_they_are_late() -> None:
    c = CaseClocks(id=uuid4(), case_no="XF1", received_on=TODAY)
    c.start("acceptance", TODAY, 15)
    c.start("acceptance", TODAY + timedelta(days=3), 15)  # a redelivered start changes nothing
    assert c.clocks["acceptance"]["due_on"] == TODAY + timedelta(days=15)
    c.stop("acceptance", TODAY + timedelta(days=16))
    stopped = [e for e in c.collect_events() if isinstance(e, CaseClocks.ClockStopped)]
    assert len(stopped) == 1 and stopped[0].on_time is False


def test_rating_comes_after_closure_and_once() -> None:
    c = CaseClocks(id=uuid4(), case_no="XF1", received_on=TODAY)
    with pytest.raises(NotClosedYet):
        c.rate("satisfied", "", TODAY, "")
    c.mark_closed(TODAY)
    c.rate("satisfied", "", TODAY, "")
    with pytest.raises(AlreadyRated):
        c.rate("unsatisfied", "", TODAY, "")
