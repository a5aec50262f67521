"""The OpenAPI document explains itself: every operation of every staff command, every field in Chinese and English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from services.runtime.settings import Settings
from xinfang.web.app import create_app
from xinfang.web.catalogue import actions


def document(tmp_path: Path) -> dict[str, Any]:
    return create_app(Settings(data_dir=tmp_path)).openapi()


def test_every_staff_command_is_an_operation(tmp_path: Path) -> None:
    operations = {op["operationId"] for path in document(tmp_path)["paths"].values() for op in path.values()}
    assert {f"{service}_{name}" for service, name in actions()} <= operations


def test_every_field_says_its_english_name_and_a_command_field_its_chinese_term(tmp_path: Path) -> None:
    schemas = document(tmp_path)["components"]["schemas"]
    for schema_name, schema in schemas.items():
        for name, prop in schema.get("properties", {}).items():
            assert name.replace("_", " ") in prop["description"], (schema_name, name)
    for action in actions().values():
        body = schemas[action.body.__name__]
        for name, prop in body.get("properties", {}).items():
            assert any("\u4e00" <= ch <= "\u9fff" for ch in prop["title"] + prop["description"]), (action.name, name)


def test_the_signed_in_person_is_the_actor_never_a_body_field(tmp_path: Path) -> None:
    schemas = document(tmp_path)["components"]["schemas"]
    for action in actions().values():
        fields = schemas[action.body.__name__].get("properties", {})
        assert not {"actor", "received_by", "case_id", "command_id"} & set(fields), action.name
