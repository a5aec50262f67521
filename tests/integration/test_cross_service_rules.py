"""Rules that cross services, each on the real pipeline: the event one service publishes decides another's rule."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import pytest
from nats.js.api import DeliverPolicy

from events import STREAM, SUBJECT_PREFIX
from services.assignment.domain.routing import route
from services.runtime.errors import DomainError
from services.runtime.organisation import organisation
from services.runtime.settings import Settings
from tests.support.clock import TODAY
from tests.support.system import Client, InProcessSystem, ledger_rows, settle
from xinfang.demo_paths import DemoCase, report
from xinfang.history import case_history
from xinfang.scenario import REPLY


def day(n: int) -> str:
    return (TODAY - timedelta(days=n)).isoformat()


def petition(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "channel": "letter",
        "received_by": "区信访局办信科 刘洋",
        "kind": "claim",
        "category": "labour_social_security",
        "locality": "990104002",
        "petitioners": [{"name": name, "phone": "13700000000", "id_number": "990104198001010015", "address": "清河镇"}],
        "request": "请求追讨拖欠的工资",
        "facts": "包工头拖欠工资四万余元。",
        **extra,
    }


def row(system: InProcessSystem, case_id: str) -> dict[str, Any]:
    return next(r for r in ledger_rows(system.settings) if r["case_id"] == case_id)


async def test_accepted_below_and_within_its_limit_is_not_accepted_above_art_19(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        below = await client.cmd("intake", "register", **petition("韩秋菊", office="990104", received_on=day(10)))
        await client.cmd("intake", "accept", case_id=below["case_id"], on=day(9))
        await settle(system)  # supervision's handling deadline reaches intake over the stream
        above = await client.cmd("intake", "register", **petition("韩秋菊", office="990100XFJ", skip_level=True))
        with pytest.raises(DomainError) as refused:
            await client.cmd("intake", "accept", case_id=above["case_id"])
        assert refused.value.code == "accepted_below"
        await client.cmd("intake", "decline", case_id=above["case_id"], reason="accepted_below")
        await settle(system)
    declined = row(system, above["case_id"])
    assert (declined["status"], declined["related_case"]) == ("not_accepted", below["case_id"])


async def materials_case(system: InProcessSystem) -> dict[str, Any]:
    """Received 20 days ago; one notice of missing materials two days later, supplemented eight days after it."""
    async with Client(system.settings) as client:
        case = await client.cmd("intake", "register", **petition("彭立新", received_on=day(20)))
        await client.cmd(
            "intake", "request_materials", case_id=case["case_id"], items=["劳动合同", "工资条"], on=day(18)
        )
        await client.cmd("intake", "supplement_materials", case_id=case["case_id"], items=["劳动合同"], on=day(10))
        await settle(system)
    return row(system, case["case_id"])


async def test_the_materials_notice_does_not_stop_the_15_days_art_22_23(system: InProcessSystem) -> None:
    got = await materials_case(system)
    assert str(got["acceptance_due"]) == day(20 - 15) and got["status"] == "materials_supplemented"
    assert got["acceptance_rule"] == "statutory" and got["acceptance_paused_on"] is None


async def test_an_office_that_pauses_for_materials_says_so_in_the_ledger_art_22_23(settings: Settings) -> None:
    local = InProcessSystem(settings.model_copy(update={"acceptance_pauses_for_materials": True}))
    await local.start()
    try:
        got = await materials_case(local)
    finally:
        await local.stop()
    # 15 days from receipt, plus the 8 days the petitioner spent supplementing, under the office's own rule.
    assert str(got["acceptance_due"]) == day(20 - 15 - 8) and got["acceptance_rule"] == "local_materials_pause"


async def answered(system: InProcessSystem, kind: str, command: str, answer: dict[str, Any], **accept: Any) -> Any:
    """Accepted 20 days ago, acknowledged, answered its kind's way and closed; then a rating is tried."""
    extra = {"category": "other", **({"reported_unit": "990101"} if kind == "report" else {})}
    filed = petition(f"邓美玲{command}", kind=kind, received_on=day(21), **extra)
    lead = route(organisation(), kind, "other", filed["locality"], extra.get("reported_unit", ""))[0].code
    async with Client(system.settings) as client:
        case = await client.cmd("intake", "register", **filed)
        await client.cmd("intake", "accept", case_id=case["case_id"], on=day(20), **accept)
        await client.ready("assignment", "acknowledge", case["case_id"], department=lead, on=day(19))
        await client.ready("mediation", command, case["case_id"], on=day(5), **answer)
        await client.ready("mediation", "close", case["case_id"], on=day(4), report="")
        await settle(system)
        with pytest.raises(DomainError) as refused:
            await client.cmd("supervision", "rate", case_id=case["case_id"], rating="unsatisfied", on=day(3))
        await settle(system)
    return refused.value.code, row(system, case["case_id"])


async def test_only_an_art_31_6_claim_runs_the_60_days_and_is_rated_art_29_30_31_34(system: InProcessSystem) -> None:
    suggestion = {"adoption": "adopted", "text": "建议已采纳", "reward": "通报表扬"}
    code, got = await answered(system, "suggestion", "answer_suggestion", suggestion)
    assert code == "not_an_opinion_matter" and (got["adoption"], got["status"]) == ("adopted", "closed")
    assert got["handling_due"] is None  # no statutory clock, and this office set no local one
    duty = {"performed": True, "text": "已立案查处"}
    code, got = await answered(system, "claim", "answer_duty", duty, claim_route="duty")
    assert code == "not_an_opinion_matter" and (got["claim_route"], got["duty_performed"]) == ("duty", True)
    assert got["handling_due"] is None
    code, got = await answered(system, "report", "feed_back_report", {"record_no": "JW2026-0009"})
    assert code == "not_an_opinion_matter" and got["report_record_no"] == "JW2026-0009"
    assert got["handling_due"] is None


async def test_an_overdue_case_without_a_leader_becomes_long_pending_and_gets_one(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        case = await client.cmd("intake", "register", **petition("曾德明", received_on=day(80)))
        await client.cmd("intake", "accept", case_id=case["case_id"], on=day(79))
        await client.ready("assignment", "acknowledge", case["case_id"], department="990100RSJ", on=day(78))
        await settle(system)
        await client.cmd("supervision", "sweep")
        await settle(system)
        history = [h["type"] for h in await case_history(client.nc, case["case_id"])]
    got = row(system, case["case_id"])
    assert "deadline_missed" in history and "owning_leader_named" in history
    assert got["owning_leader_name"] and "long_pending" in got["risks"] and "handling" in got["overdue_clocks"]


async def test_a_report_goes_to_discipline_and_its_reporter_never_reaches_the_bus(system: InProcessSystem) -> None:
    secret = {"name": "举报人甲", "phone": "13611112222", "id_number": "990101199001011234"}
    report = petition("x", kind="report", category="other", reported_unit="990104", request="举报某镇干部违规发放补贴")
    async with Client(system.settings) as client:
        case = await client.cmd("intake", "register", **{**report, "petitioners": [secret]})
        await client.cmd("intake", "accept", case_id=case["case_id"])
        await settle(system)
        bus = json.dumps(await case_history(client.nc, case["case_id"]), ensure_ascii=False)
    got = row(system, case["case_id"])
    assert got["department"] == "990100JWJ" and got["department"] != "990104"
    for value in [*secret.values(), report["request"]]:
        assert value not in bus and value not in json.dumps(got, default=str, ensure_ascii=False)


async def test_a_merged_petitioner_rates_on_their_own_once_the_open_case_closes(system: InProcessSystem) -> None:
    async with Client(system.settings) as client:
        first = await client.cmd("intake", "register", **petition("蒋玉梅"))
        await client.cmd("intake", "accept", case_id=first["case_id"])
        again = await client.cmd("intake", "register", **petition("蒋玉梅"))
        with pytest.raises(DomainError) as refused:
            await client.cmd("intake", "accept", case_id=again["case_id"])
        assert refused.value.code == "duplicate_of_open_case"
        await client.cmd("intake", "merge", case_id=again["case_id"], into=first["case_id"])
        done = await client.ready("assignment", "acknowledge", first["case_id"], department="990100RSJ")
        for co_handler in done["co_handlers"]:
            await client.ready("mediation", "submit_co_handler_opinion", first["case_id"], department=co_handler,
                        opinion="同意")  # fmt: skip
        await client.ready("mediation", "reply", first["case_id"], **REPLY)
        await client.ready("mediation", "close", first["case_id"], report="办结")
        await client.ready("supervision", "rate", first["case_id"], rating="satisfied")
        await client.ready("supervision", "rate", again["case_id"], rating="basically_satisfied")
        await settle(system)
    assert (row(system, first["case_id"])["rating"], row(system, again["case_id"])["rating"]) == (
        "satisfied",
        "basically_satisfied",
    )
    assert row(system, again["case_id"])["merged_into_no"] == first["case_no"]


CADRE = "东关街道办事处副主任 钱某"


async def every_message(client: Client) -> str:
    """Every message on the case stream, all subjects, as one text."""
    js = client.nc.jetstream()
    total = (await js.stream_info(STREAM)).state.messages
    sub = await js.subscribe(f"{SUBJECT_PREFIX}.>", ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
    texts: list[str] = []
    try:
        while len(texts) < total:
            texts.append((await sub.next_msg(timeout=5)).data.decode())
    finally:
        await sub.unsubscribe()
    return "\n".join(texts)


async def test_nothing_of_a_report_its_handling_or_its_reporter_reaches_any_public_event_art_30_46(
    system: InProcessSystem,
) -> None:
    org, reports = organisation(system.settings.org_file), []
    async with Client(system.settings) as client:
        for index in range(4):
            case = DemoCase(client.nc, random.Random(index), org, TODAY, 900 + index, 120)
            case.notifying = index != 0  # the first case's notices are served below, restating the report
            reporter = {"name": f"举报人{index}号", "phone": f"1390000{index:04d}", "id_number": f"9901011{index:011d}"}
            about = {"reported_unit": "990102", "cadre": CADRE} if index % 2 else {"reported_unit": "990101"}
            await report(case, petitioners=[reporter], **about)
            reports.append(case)
        leaky = reports[0]  # what staff might type: each way of restating the report is refused
        for service, command, payload, code in (
            ("mediation", "reply", {**REPLY, "request": leaky.petition["request"]}, "answered_otherwise"),
            ("mediation", "record_investigation", {"findings": leaky.petition["facts"]}, "report_content_withheld"),
            ("mediation", "close", {"report": leaky.petition["facts"]}, "report_content_withheld"),
        ):
            with pytest.raises(DomainError) as refused:
                await client.ready(service, command, leaky.case_id, **payload)
            assert refused.value.code == code, command
        for service, notice, content in (("intake", "accepted", "request"), ("assignment", "receipt", "facts")):
            told = {"notice": notice, "method": "written", "content": leaky.petition[content]}  # kept, not published
            await client.ready(service, "serve_notice", leaky.case_id, **told)
        await settle(system)
        bus = await every_message(client)
        histories = {c.case_id: await case_history(client.nc, c.case_id) for c in reports}
    for case in reports:
        types = [h["type"] for h in histories[case.case_id]]
        assert "report_fed_back" in types and ("cadre_report_notified" in types) == bool(case.petition.get("cadre"))
        secrets = [case.petition["request"], case.petition["facts"], *case.petition["petitioners"][0].values(), CADRE]
        for secret in secrets:
            assert secret not in bus, (case.case_id, secret)
