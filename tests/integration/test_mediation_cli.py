"""Each 办理 CLI action reaches its command: the name is registered and every option lands in a model field."""

from __future__ import annotations

import functools
import json
from datetime import date
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from typer.testing import CliRunner

from services.mediation.application import MediationApplication
from services.mediation.domain import Handling
from services.runtime.commands import parse
from services.runtime.wiring import commands_of
from tests.integration.test_mediation_rounds import acknowledged
from tests.support.clock import CLOCK
from tests.support.harness import TERMS, Reactor, sqlite_store
from xinfang.actions import mediation as actions
from xinfang.console import app as cli

DAY = "2026-03-20"
STEPS = [
    ["investigate", "--findings", "路面破损属实", "--investigator", "甲", "--investigator", "乙"],
    [
        "mediate",
        "--type",
        "people",
        "--participant",
        "信访人",
        "--participant",
        "物业",
        "--consented",
        "--agreed",
        "--agreement",
        "修",
    ],
    ["hearing", "--conclusion", "诉求合理", "--participant", "信访人", "--complex"],
    ["assist", "--type", "hardship", "--amount", "1200.50", "--approved-by", "王局长"],
    ["extend", "--days", "30", "--approved-by", "王局长", "--reason", "需鉴定", "--notified-on", DAY],
    ["co-opinion", "--department", "990100RSJ", "--opinion", "同意"],
    ["recuse", "--handler", "李工", "--reason", "系信访人亲属", "--new-handler", "王工"],
    [
        "reply",
        "--opinion",
        "supported",
        "--text",
        "已修复",
        "--legal-basis",
        "条例",
        "--disposition",
        "resolved",
        "--request",
        "修路",
        "--facts",
        "路面破损属实",
    ],
    ["record-execution", "--result", "已修复到位"],
    ["close", "--report", "办结"],
]


def test_every_mediation_action_reaches_its_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = MediationApplication(sqlite_store(tmp_path, "mediation"), CLOCK, TERMS)
    case_id = uuid4()
    Reactor(app).react(acknowledged(case_id).model_copy(update={"co_handlers": ["990100RSJ"]}))
    routes = {name: (model, functools.partial(method, app)) for name, (model, method) in commands_of(type(app)).items()}
    sent: list[tuple[str, dict[str, Any]]] = []

    def act(service: str, command: str, case: str, payload: dict[str, Any], *_: Any) -> None:
        body = {"case_id": case, **{k: v for k, v in payload.items() if v is not None}}
        model, handler = routes[command]
        assert set(body) <= set(model.model_fields), f"{command}: options {set(body) - set(model.model_fields)}"
        handler(parse(model, json.dumps(body, default=str).encode()))
        sent.append((command, body))

    monkeypatch.setattr(actions, "act", act)
    for step in STEPS:
        result = CliRunner().invoke(cli, [step[0], str(case_id), *step[1:], "--on", DAY])
        assert result.exit_code == 0, (step, result.output, result.exception)
    assert [c for c, _ in sent] == [
        "record_investigation",
        "record_mediation",
        "record_hearing",
        "grant_assistance",
        "approve_extension",
        "submit_co_handler_opinion",
        "recuse",
        "reply",
        "record_execution",
        "close",
    ]
    assert dict(sent)["grant_assistance"]["amount_fen"] == 120050
    handling = app.load(case_id, Handling)
    assert (handling.handler, handling.withdrawn) == ("王工", ["李工"])
    assert (handling.closed_on, handling.round.records) == (
        date(2026, 3, 20),
        ["investigation", "mediation", "hearing", "assistance"],
    )


@pytest.mark.parametrize(
    ("matter", "step", "command"),
    [
        ({"kind": "suggestion"}, ["answer-suggestion", "--adoption", "adopted", "--text", "采纳", "--reward", "表扬"],
         "answer_suggestion"),
        ({"kind": "claim", "claim_route": "duty"}, ["answer-duty", "--performed", "--text", "已查处"], "answer_duty"),
        ({"kind": "report"}, ["feed-back-report", "--record-no", "JW2026-7"], "feed_back_report"),
    ],
)  # fmt: skip
def test_each_matter_is_answered_its_own_way_from_the_cli_art_29_30_31(
    tmp_path: Path, matter: dict[str, str], step: list[str], command: str
) -> None:
    app = MediationApplication(sqlite_store(tmp_path, "mediation"), CLOCK, TERMS)
    case_id = uuid4()
    opened = acknowledged(case_id)
    Reactor(app).react(type(opened).model_validate({**opened.model_dump(), **matter}))
    model, handler = commands_of(type(app))[command]
    sent: list[str] = []

    def act(service: str, name: str, case: str, payload: dict[str, Any], *_: Any) -> None:
        body = {"case_id": case, **{k: v for k, v in payload.items() if v is not None}}
        handler(app, parse(model, json.dumps(body, default=str).encode()))
        sent.append(name)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(actions, "act", act)
        result = CliRunner().invoke(cli, [step[0], str(case_id), *step[1:], "--on", DAY])
    assert result.exit_code == 0, (result.output, result.exception)
    assert sent == [command] and app.load(case_id, Handling).replied_on == date(2026, 3, 20)
