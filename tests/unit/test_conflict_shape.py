"""冲突 (conflict): an act someone else already did answers code ``conflict`` with the rule it met as its reason,
across the wire, in a key's record and on the terminal (exit 5); the store's own clash is decided again."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
import typer

from services.intake.application import IntakeApplication
from services.intake.commands import AcceptPetition, RegisterPetition
from services.intake.domain.errors import AlreadyDecided, MaterialsOutstanding
from services.mediation.domain.errors import AlreadyReplied
from services.runtime.client import error_from
from services.runtime.dbthread import DbThread
from services.runtime.errors import ConcurrentChange, Conflict, DomainError, NotFound
from services.runtime.group_commit import GroupCommit, Pending
from services.runtime.idempotency import CommandKey, kept, seal, unseal
from services.runtime.organisation import organisation
from tests.support.clock import CLOCK
from tests.support.harness import sqlite_store
from xinfang.console import EXIT_CODES, fail

REPLIED = "案件 XF1 第1轮已由 李四 于 2026-03-02 答复，不能再答复"
PETITION = {
    "channel": "visit",
    "received_by": "接待科 王敏",
    "category": "urban_construction",
    "locality": "990101001",
    "petitioners": [{"name": "张建国", "phone": "13800000001"}],
    "request": "请求修复小区地下车库渗漏",
}


def test_a_rule_conflict_answers_code_conflict_with_its_rule_as_reason() -> None:
    answer = AlreadyReplied(REPLIED).to_dict()
    assert answer == {"code": "conflict", "reason": "already_replied", "message": REPLIED, "field": None}
    assert ConcurrentChange("案件已被他人同时修改").to_dict()["reason"] == "concurrent_change"
    assert NotFound("无此案件").reason == "not_found" and "reason" not in NotFound("无此案件").to_dict()


def test_a_conflict_keeps_its_reason_and_message_across_the_wire() -> None:
    back = error_from(json.loads(json.dumps(AlreadyReplied(REPLIED, "case_id").to_dict())))
    assert isinstance(back, Conflict) and not isinstance(back, ConcurrentChange)
    assert (back.code, back.reason, back.message, back.field) == ("conflict", "already_replied", REPLIED, "case_id")
    rule = error_from(MaterialsOutstanding("材料未补齐").to_dict())
    assert isinstance(rule, DomainError) and rule.code == rule.reason == "materials_outstanding"


def test_a_rule_conflict_is_kept_for_its_key_and_recalled_with_its_reason() -> None:
    key = CommandKey.of("mediation", "staff", "k-1", "reply", {"case_id": "x"})
    assert kept(AlreadyReplied(REPLIED)) and not kept(ConcurrentChange("案件已被他人同时修改"))
    recalled = unseal(key, seal(key, AlreadyReplied(REPLIED)))
    assert isinstance(recalled, Conflict) and recalled.to_dict() == AlreadyReplied(REPLIED).to_dict()


@pytest.mark.parametrize("as_json", [True, False])
def test_the_cli_exits_5_on_a_conflict_showing_what_changed(as_json: bool, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(typer.Exit) as stopped:
        fail(AlreadyReplied(REPLIED), as_json)
    assert stopped.value.exit_code == EXIT_CODES["conflict"] == 5
    shown = capsys.readouterr()
    if as_json:
        assert json.loads(shown.out)["error"] == AlreadyReplied(REPLIED).to_dict()
    else:
        assert "冲突" in shown.err and "李四" in shown.err and "2026-03-02" in shown.err


class Scaled:
    """Two instances of intake on one database: the other accepts the case between this one's decision and its
    save (the store's version check refuses this one's save)."""

    def __init__(self, tmp_path: Path):
        self.here = IntakeApplication(sqlite_store(tmp_path, "intake"), organisation(), CLOCK)
        self.there = IntakeApplication(sqlite_store(tmp_path, "intake"), organisation(), CLOCK)
        self.case_id = UUID(self.here.register(RegisterPetition.model_validate(PETITION))["case_id"])
        self.committer = GroupCommit(self.here, DbThread("scaled"))
        self.beaten = 0
        saving = self.here.commit

        def save_after_the_other(*aggregates: Any) -> None:
            if self.beaten == 0 and self.here._collecting is None:
                self.beaten += 1
                self.there.accept(AcceptPetition(case_id=self.case_id, actor="李四"))
            saving(*aggregates)

        self.here.commit = save_after_the_other  # type: ignore[method-assign]


async def test_a_command_beaten_to_the_save_by_another_instance_hears_what_it_did(tmp_path: Path) -> None:
    scaled = Scaled(tmp_path)
    command = AcceptPetition(case_id=scaled.case_id, actor="王五")
    pending = Pending(scaled.here.accept, command, asyncio.get_running_loop().create_future())
    outcome = scaled.committer._decide_and_save([pending])[0]
    assert scaled.beaten == 1 and isinstance(outcome, AlreadyDecided), outcome
    assert "由 李四 于" in outcome.message and "予以受理" in outcome.message
    assert outcome.to_dict()["reason"] == "already_decided"
    await scaled.committer.db.close()
