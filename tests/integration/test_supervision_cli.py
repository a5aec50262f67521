"""Each 督办 CLI action of orders and their follow-up reaches its command: every option lands in a model field."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest
from typer.testing import CliRunner

from services.runtime.commands import parse
from services.runtime.wiring import commands_of
from services.supervision.application import SupervisionApplication
from services.supervision.domain import Supervision
from tests.support.clock import CLOCK
from tests.support.harness import TERMS, Reactor, sqlite_store
from tests.unit import supervision_kit as kit
from xinfang.actions import supervision as actions
from xinfang.console import app as cli

DAY = "2026-03-20"


def routed(app: SupervisionApplication, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, dict[str, Any]]]:
    """Send the CLI's commands straight to the application, checking each option is a field of the payload."""
    routes = {name: (model, functools.partial(method, app)) for name, (model, method) in commands_of(type(app)).items()}
    sent: list[tuple[str, dict[str, Any]]] = []

    def act(service: str, command: str, case: str, payload: dict[str, Any], *_: Any) -> None:
        body = {"case_id": case, **{k: v for k, v in payload.items() if v is not None}}
        model, handler = routes[command]
        assert set(body) <= set(model.model_fields), f"{command}: options {set(body) - set(model.model_fields)}"
        handler(parse(model, json.dumps(body, default=str).encode()))
        sent.append((command, body))

    monkeypatch.setattr(actions, "act", act)
    return sent


def invoke(*args: str) -> None:
    result = CliRunner().invoke(cli, [*args, "--on", DAY])
    assert result.exit_code == 0, (args, result.output, result.exception)


def test_a_listed_order_and_a_proposal_with_its_written_feedback_from_the_cli_art_40(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SupervisionApplication(sqlite_store(tmp_path, "supervision"), CLOCK, TERMS)
    case_id = str(uuid4())
    Reactor(app).react(kit.registered(case_id, date(2026, 3, 1)), kit.accepted(case_id, date(2026, 3, 2)))
    Reactor(app).react(kit.assigned(case_id, date(2026, 3, 2)))
    sent = routed(app, monkeypatch)
    order = ["order", case_id, "--reason", "久拖未办", "--ground", "delay", "--ground", "shirking", "--form", "listed"]
    invoke(*order)
    invoke("answer-order", case_id, "--order-no", "DBXF1-1", "--department", kit.DEPARTMENT, "--answer", "已整改")
    invoke("propose", case_id, "--kind", "improve_work", "--text", "建立台账", "--order-no", "DBXF1-1")
    feedback = ["--department", kit.DEPARTMENT, "--adoption", "partly_adopted", "--text", "已建立台账"]
    invoke("feedback", case_id, "--proposal-no", "JYXF1-1", *feedback)
    assert [c for c, _ in sent] == ["issue_order", "answer_order", "propose", "feedback"]
    assert dict(sent)["issue_order"]["grounds"] == ["delay", "shirking"]
    case = app.load(UUID(case_id), Supervision)
    assert case.orders.issued["DBXF1-1"].grounds == ("delay", "shirking")
    assert case.orders.proposals["JYXF1-1"].fed_back_on == date(2026, 3, 20)


def test_a_heard_re_review_publicised_and_the_follow_up_after_finalisation_from_the_cli_art_36_37(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = SupervisionApplication(sqlite_store(tmp_path, "supervision"), CLOCK, TERMS)
    case_id, start = str(uuid4()), date(2026, 1, 5)
    driver = Reactor(app)
    driver.react(kit.registered(case_id, start), kit.accepted(case_id, start), kit.assigned(case_id, start))
    driver.react(kit.reply(case_id, date(2026, 1, 20)), kit.closed(case_id, date(2026, 1, 21)))
    sent = routed(app, monkeypatch)
    for stage, body, asked, opinion in (
        ("review", kit.BODY, "2026-01-25", "2026-02-10"),
        ("re_review", "990000XFJ", "2026-02-15", "2026-03-10"),
    ):
        requested = ["request-review", case_id, "--stage", stage, "--reasons", "不服", "--on", asked]
        assert CliRunner().invoke(cli, requested).exit_code == 0
        driver.react(kit.review_assigned(case_id, date.fromisoformat(asked), stage, body))
        if stage == "re_review":
            hearing = ["exclude-hearing", case_id, "--from", "2026-02-20", "--to", "2026-02-21", "--on", "2026-02-21"]
            assert CliRunner().invoke(cli, hearing).exit_code == 0
        opinion_args = ["--outcome", "upheld", "--text", "维持", "--body", body, "--on", opinion]
        assert CliRunner().invoke(cli, ["review-opinion", case_id, "--stage", stage, *opinion_args]).exit_code == 0
    invoke("publicise", case_id, "--venue", "区人民政府门户网站", "--content", "复核意见", "--until", "2026-03-27")
    invoke("aftercare", case_id, "--work", "assistance", "--content", "协助申请临时救助", "--department", "990101")
    assert [c for c, _ in sent][-2:] == ["publicise", "record_aftercare"]
    case = app.load(UUID(case_id), Supervision)
    assert case.finalised_on == date(2026, 3, 10) and case.follow_up.publicised_on == date(2026, 3, 20)
