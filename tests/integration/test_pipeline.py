"""The whole path of a case across the four services on a real nats-server, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from services.runtime.errors import Conflict
from services.runtime.settings import Settings
from tests.support.system import PETITION, Client, InProcessSystem, case_count, eventually, ledger_rows


async def drive_one_case(settings: Settings) -> dict:
    async with Client(settings) as client:
        case_id = await client.lifecycle(major=True)

    async def rated() -> bool:
        return await case_count(settings, "rated") == 1

    await eventually(rated, what="ledger shows the rated case")
    (row,) = [r for r in ledger_rows(settings) if r["case_id"] == case_id]
    return row


def check_row(row: dict) -> None:
    assert row["status"] == "rated"
    assert row["department"] == "990100ZJJ"
    assert row["owning_leader"] == "L05"
    assert row["channel"] == "visit"
    assert str(row["acceptance_due"]) > str(row["received_on"])
    assert row["acceptance_on_time"] and row["handling_on_time"]
    assert row["opinion"] == "supported" and row["rating"] == "satisfied"


async def test_a_case_goes_from_registration_to_rating_on_sqlite(system: InProcessSystem) -> None:
    check_row(await drive_one_case(system.settings))


@pytest.mark.postgres
async def test_a_case_goes_from_registration_to_rating_on_postgres(pg_settings: Settings) -> None:
    running = InProcessSystem(pg_settings)
    await running.start()
    try:
        check_row(await drive_one_case(pg_settings))
    finally:
        await running.stop()


async def test_a_broken_rule_reaches_the_caller_as_a_named_error(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case = await client.cmd("intake", "register", **PETITION)
        await client.cmd("intake", "accept", case_id=case["case_id"])
        with pytest.raises(Conflict) as raised:
            await client.cmd("intake", "accept", case_id=case["case_id"])
        assert (raised.value.code, raised.value.reason) == ("conflict", "already_decided")
        with pytest.raises(Exception) as invalid:
            await client.cmd("intake", "register", **{**PETITION, "channel": "pigeon"})
        assert getattr(invalid.value, "field", None) == "channel"


async def test_personal_data_is_encrypted_at_rest(system: InProcessSystem) -> None:
    await drive_one_case(system.settings)
    raw = (system.settings.data_dir / "intake.db").read_bytes()
    for secret in ("张建国", "13800000001", "110101197001010011"):
        assert secret.encode() not in raw
