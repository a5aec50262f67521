"""The AsyncAPI document of the department interface lists every feed event and every department command."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

import xinfang.cli  # noqa: F401  (registers the commands)
from events import EVENT_TYPES
from services.assignment.commands import AcknowledgeCase, FileObjection
from services.intake.commands import AcceptPetition
from services.mediation.commands import IssueReply
from xinfang.asyncapi import department_commands, document
from xinfang.console import app as cli


def subjects(doc: dict) -> set[str]:
    return {c["bindings"]["nats"]["subject"] for c in doc["channels"].values()}


def test_the_document_lists_every_feed_event_and_every_department_command(tmp_path: Path) -> None:
    output = tmp_path / "asyncapi.json"
    assert CliRunner().invoke(cli, ["asyncapi", "--output", str(output)]).exit_code == 0
    doc = json.loads(output.read_text(encoding="utf-8"))
    assert doc["asyncapi"] == "2.6.0"
    listed = subjects(doc)
    assert {f"xf.feed.{{unit}}.{{case_id}}.{t}" for t in EVENT_TYPES} <= listed
    assert set(department_commands()) <= listed
    commands = set(department_commands().values())
    assert {AcknowledgeCase, FileObjection, IssueReply} <= commands and AcceptPetition not in commands  # bureau only
    assert "xf.dept.{unit}.assignment.acknowledge" in listed


def test_every_field_says_its_chinese_term_and_its_english_name() -> None:
    schemas = document()["components"]["schemas"]
    assert {"CaseAssigned", "AcknowledgeCase"} <= set(schemas)
    for name, schema in schemas.items():
        for field, prop in schema.get("properties", {}).items():
            assert prop.get("title") and field.replace("_", " ") in prop.get("description", ""), (name, field)
    assert schemas["CaseAssigned"]["properties"]["assigned_on"]["title"] == "交办日期"
