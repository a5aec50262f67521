"""办理 staff actions: the department's work on a case, the extension, the reply and the closure."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

import typer

from services.runtime.errors import InvalidInput
from xinfang.console import STAFF_DEADLINE_S, Actor, CaseArg, DataDir, Deadline, JsonOpt, OnDate, act, app, fail

PANEL = "办理"
Participants = Annotated[list[str] | None, typer.Option("--participant", help="参加人 (repeatable)")]


def fen(amount: str) -> int:
    """Yuan as typed (1200.50) to fen, exactly: no floats, at most two decimals."""
    try:
        value = Decimal(amount.strip()) * 100
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value != value.to_integral_value():
        raise InvalidInput(f"--amount {amount!r} 不是有效金额: 以元为单位，至多两位小数，如 1200.50", "amount")
    return int(value)


@app.command(rich_help_panel=PANEL)
def investigate(
    case: CaseArg,
    findings: Annotated[str, typer.Option(help="调查核实情况 (findings)")],
    investigator: Annotated[list[str] | None, typer.Option("--investigator", help="调查人员 (repeatable)")] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """记录调查核实: record an investigation."""
    payload = {"findings": findings, "investigators": investigator or [], "on": on, "actor": actor}
    act("mediation", "record_investigation", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def mediate(
    case: CaseArg,
    mediation_type: Annotated[
        str | None, typer.Option("--type", help="administrative | judicial | people (not for a reconciliation)")
    ] = None,
    participant: Participants = None,
    consented: Annotated[
        bool, typer.Option("--consented", help="双方当事人同意调解 / 自愿和解 (both parties consent, Art 33)")
    ] = False,
    reconciliation: Annotated[
        bool, typer.Option("--reconciliation", help="和解: the parties settle themselves (和解协议书)")
    ] = False,
    agreed: Annotated[bool, typer.Option("--agreed", help="达成一致意见 (an agreement was reached)")] = False,
    agreement: Annotated[str, typer.Option(help="调解协议书 / 和解协议书的内容 (required when agreed)")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """记录调解或和解 (Art 33; 人民/行政/司法调解, Art 37¶1): with both parties' consent, their agreement in writing."""
    payload = {
        "form": "reconciliation" if reconciliation else "mediation",
        "mediation_type": mediation_type,
        "consented": consented,
        "participants": participant or [],
        "agreed": agreed,
        "agreement": agreement,
        "on": on,
        "actor": actor,
    }
    act("mediation", "record_mediation", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def hearing(
    case: CaseArg,
    conclusion: Annotated[str, typer.Option(help="听证结论 (conclusion)")],
    participant: Participants = None,
    complex_case: Annotated[bool, typer.Option("--complex", help="复杂疑难案件 (complex case)")] = False,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """记录听证: record a hearing (major or complex cases only)."""
    payload = {"participants": participant or [], "conclusion": conclusion, "complex": complex_case}
    act("mediation", "record_hearing", case, {**payload, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def assist(
    case: CaseArg,
    assistance_type: Annotated[str, typer.Option("--type", help="hardship | judicial | petition")],
    amount: Annotated[str, typer.Option(help="金额 in yuan (元), e.g. 1200.50")],
    approved_by: Annotated[str, typer.Option(help="批准人 (who approved)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """落实救助: grant hardship, judicial or petition assistance."""
    try:
        amount_fen = fen(amount)
    except InvalidInput as error:
        fail(error, as_json)
    payload = {"assistance_type": assistance_type, "amount_fen": amount_fen, "approved_by": approved_by}
    act("mediation", "grant_assistance", case, {**payload, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def extend(
    case: CaseArg,
    days: Annotated[int, typer.Option(help="延长天数 (1–30)")],
    approved_by: Annotated[str, typer.Option(help="批准的负责人 (the approving head)")],
    reason: Annotated[str, typer.Option(help="延期理由 (reason)")],
    notified_on: Annotated[
        date | None, typer.Option(help="告知信访人日期 (petitioner told), YYYY-MM-DD", formats=["%Y-%m-%d"])
    ] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """批准延期 (Art 34): extend the handling limit by at most 30 days."""
    payload = {"days": days, "approved_by": approved_by, "reason": reason, "notified_on": notified_on}
    act("mediation", "approve_extension", case, {**payload, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def recuse(
    case: CaseArg,
    handler: Annotated[str, typer.Option(help="回避的承办人 (the current handler)")],
    reason: Annotated[str, typer.Option(help="利害关系 (required)")],
    new_handler: Annotated[str, typer.Option("--new-handler", help="新承办人")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """回避: a handler with a direct interest in the matter or the petitioner withdraws; another takes the case
    (Art 28¶3)."""
    payload = {"handler": handler, "reason": reason, "new_handler": new_handler, "on": on, "actor": actor}
    act("mediation", "recuse", case, payload, as_json, data_dir, deadline)


@app.command("co-opinion", rich_help_panel=PANEL)
def co_opinion(
    case: CaseArg,
    department: Annotated[str, typer.Option(help="协办单位 code (the co-handler)")],
    opinion: Annotated[str, typer.Option(help="协办意见 (its opinion)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """报送协办意见: a co-handler reports to the lead department (主办/协办)."""
    payload = {"department": department, "opinion": opinion, "on": on, "actor": actor}
    act("mediation", "submit_co_handler_opinion", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def reply(
    case: CaseArg,
    opinion: Annotated[str, typer.Option(help="supported | explained | not_supported")],
    text: Annotated[str, typer.Option(help="处理意见书正文 (the reply's text)")],
    legal_basis: Annotated[str | None, typer.Option(help="法律政策依据 (legal basis, Art 32)")] = None,
    disposition: Annotated[
        str | None, typer.Option(help="三到位一处置: resolved | persuaded | assisted | handled_by_law")
    ] = None,
    request: Annotated[str, typer.Option(help="信访请求 the reply answers (Art 32); default: the petition's")] = "",
    facts: Annotated[str, typer.Option(help="事实和理由 (Art 32); default: the petition's")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """出具处理意见书 (Art 32): the department's reply to the petitioner."""
    payload = {
        "opinion": opinion,
        "text": text,
        "legal_basis": legal_basis,
        "disposition": disposition,
        "request": request,
        "facts_and_reasons": facts,
    }
    act("mediation", "reply", case, {**payload, "on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command("record-execution", rich_help_panel=PANEL)
def record_execution(
    case: CaseArg,
    result: Annotated[str, typer.Option(help="执行情况 (what was done)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """记录支持意见已执行 (Art 32¶2): the supported opinion carried out; supervision follows it until then."""
    act(
        "mediation", "record_execution", case, {"result": result, "on": on, "actor": actor}, as_json, data_dir, deadline
    )


@app.command("answer-suggestion", rich_help_panel=PANEL)
def answer_suggestion(
    case: CaseArg,
    adoption: Annotated[str, typer.Option(help="adopted | partly_adopted | not_adopted (采纳情况, Art 29)")],
    text: Annotated[str, typer.Option(help="回复内容 (the answer)")],
    reward: Annotated[str, typer.Option(help="奖励 given under the rules (Art 29¶2), optional")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """回复建议意见 (Art 29): whether a suggestion is adopted, and any reward."""
    payload = {"adoption": adoption, "text": text, "reward": reward, "on": on, "actor": actor}
    act("mediation", "answer_suggestion", case, payload, as_json, data_dir, deadline)


@app.command("answer-duty", rich_help_panel=PANEL)
def answer_duty(
    case: CaseArg,
    text: Annotated[str, typer.Option(help="履行情况或答复内容 (what was done, or the reply)")],
    performed: Annotated[bool, typer.Option("--performed", help="已依法履行职责 (else: 答复)")] = False,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """依法履行或者答复 (Art 31(5)): the duty performed, or the reply given."""
    payload = {"performed": performed, "text": text, "on": on, "actor": actor}
    act("mediation", "answer_duty", case, payload, as_json, data_dir, deadline)


@app.command("feed-back-report", rich_help_panel=PANEL)
def feed_back_report(
    case: CaseArg,
    record_no: Annotated[str, typer.Option(help="纪检监察机关本机关案卷号 (the discipline body's record)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """检举控告已反馈 (Art 30): only the record number and the day; the content stays in the discipline body's file."""
    payload = {"record_no": record_no, "on": on, "actor": actor}
    act("mediation", "feed_back_report", case, payload, as_json, data_dir, deadline)


@app.command("close", rich_help_panel=PANEL)
def close_case(
    case: CaseArg,
    report: Annotated[str, typer.Option(help="办结报告 (closing report, optional)")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """办结: close a replied case."""
    act("mediation", "close", case, {"report": report, "on": on, "actor": actor}, as_json, data_dir, deadline)
