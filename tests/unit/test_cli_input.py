"""The CLI at its own edge: a petition file or a department payload that is not one JSON object, and text or messages
with rich markup in them, end in a clear error or are shown as typed; never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import xinfang.cli  # noqa: F401  (registers the commands)
from xinfang.console import app as cli
from xinfang.history import UNDECODABLE, describe, readable


@pytest.mark.parametrize(
    "content",
    [b"[1, 2]", b'"petition"', b"null", b"{broken", b"\xff\xfe", b"[" * 100_000 + b"]" * 100_000, b"9" * 5000],
)
def test_a_petition_file_that_is_not_one_json_object_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    file = tmp_path / "petition.json"
    file.write_bytes(content)
    result = CliRunner().invoke(cli, ["submit", str(file), "--json", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("invalid_input", "file") and "JSON" in error["message"]


def test_a_petition_file_that_cannot_be_read_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["submit", str(tmp_path), "--data-dir", str(tmp_path)])
    assert result.exit_code == 2 and "无法读取" in result.stderr and "Traceback" not in result.output


@pytest.mark.parametrize("payload", ["[" * 100_000 + "]" * 100_000, "1" * 5000, "[]", "{"])
def test_a_department_payload_that_is_not_one_json_object_is_a_clear_error(tmp_path: Path, payload: str) -> None:
    args = ["department", "act", "assignment", "acknowledge", "--creds", str(tmp_path / "c.json"), "--json"]
    result = CliRunner().invoke(cli, [*args, "--payload", payload, "--data-dir", str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["error"]["field"] == "payload"


def test_a_message_on_a_case_subject_that_is_no_event_shows_as_such_in_its_history() -> None:
    for data in [b"{not json", b"[1]", b"\xff", b"[" * 50_000, b'"text"']:
        shown = readable(data)
        assert list(shown) == [UNDECODABLE] and "dead-letters" in shown[UNDECODABLE]
    assert readable(b'{"actor": "x"}') == {"actor": "x"}
    assert "dead-letters" in describe("petition_registered", readable(b"7"))


def test_text_with_markup_in_a_table_is_shown_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    """A view prints typed text with "[/…]" in it as it is (rich would take it for markup and end the command)."""
    from xinfang.console import show

    show([{"request": "附件[/1]与[bold]"}], {"request": "信访请求"}, "table", "台账")
    assert "附件[/1]与[bold]" in capsys.readouterr().out


def test_verifying_with_another_cipher_key_than_the_stores_is_a_clear_error(tmp_path: Path) -> None:
    from services.intake.application import IntakeApplication
    from services.intake.commands import RegisterPetition
    from services.runtime.cipher import StoreCipher as AESCipher
    from services.runtime.errors import InvalidInput
    from services.runtime.organisation import organisation
    from services.runtime.settings import Settings
    from services.runtime.store import store_env
    from tests.support.clock import CLOCK
    from tests.support.system import PETITION
    from xinfang.verify_command import read_stores

    written = Settings(data_dir=tmp_path, cipher_key=AESCipher.create_key(num_bytes=32))
    app = IntakeApplication(store_env("intake", written.db_url("intake"), written.cipher_key), organisation(), CLOCK)
    app.register(RegisterPetition.model_validate(PETITION))
    other = Settings(data_dir=tmp_path, cipher_key=AESCipher.create_key(num_bytes=32))
    with pytest.raises(InvalidInput) as raised:
        read_stores(other, None, dict.fromkeys(("intake", "assignment", "mediation", "supervision"), 0))
    assert raised.value.field == "cipher_key" and "XF_CIPHER_KEY" in raised.value.message
    assert read_stores(written, None, dict.fromkeys(("intake", "assignment", "mediation", "supervision"), 0))["intake"]
