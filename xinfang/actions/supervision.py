"""督办 staff actions: rating, review chain, hearing days, sweep, supervision orders and proposals, bulletins."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from xinfang.console import (
    STAFF_DEADLINE_S,
    Actor,
    CaseArg,
    DataDir,
    Deadline,
    JsonOpt,
    OnDate,
    act,
    app,
    out,
    run,
    send,
    settings_from,
    unanswered,
)

PANEL = "督办"
Stage = Annotated[str, typer.Option("--stage", help="review 复查 | re_review 复核")]


def send_plain(
    command: str, payload: dict[str, Any], as_json: bool, data_dir: Path | None, deadline: float = STAFF_DEADLINE_S
) -> Any:
    """A command not bound to one case, straight to the service."""
    settings = settings_from(data_dir)
    body = {k: v for k, v in payload.items() if v is not None}
    check = unanswered("xinfang ledger 与 xinfang history <案件>")
    result = run(lambda: send(settings, "supervision", command, body, deadline), as_json, check)
    if as_json:
        print(json.dumps({"ok": True, "result": result}, ensure_ascii=False))
    return result


@app.command(rich_help_panel=PANEL)
def rate(
    case: CaseArg,
    rating: Annotated[str, typer.Option(help="satisfied | basically_satisfied | unsatisfied")],
    comment: Annotated[str, typer.Option(help="评价意见")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """回访评价: the petitioner's rating of the latest closed round; 不满意 in round 1 sends the case back."""
    payload = {"rating": rating, "comment": comment, "on": on, "actor": actor}
    act("supervision", "rate", case, payload, as_json, data_dir, deadline)


@app.command("request-review", rich_help_panel=PANEL)
def request_review(
    case: CaseArg,
    stage: Stage,
    reasons: Annotated[str, typer.Option(help="申请理由")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """申请复查/复核: within 30 days of the reply or the review opinion (Art 35, 36)."""
    payload = {"stage": stage, "reasons": reasons, "on": on, "actor": actor}
    act("supervision", "request_review", case, payload, as_json, data_dir, deadline)


@app.command("review-opinion", rich_help_panel=PANEL)
def review_opinion(
    case: CaseArg,
    stage: Stage,
    outcome: Annotated[str, typer.Option(help="upheld 维持 | changed 变更 | revoked 撤销")],
    text: Annotated[str, typer.Option(help="意见书正文")],
    body: Annotated[str, typer.Option(help="复查/复核机关 code (the one assignment named)")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """出具复查/复核意见: the re-review opinion finalises the case (终结, Art 36)."""
    payload = {"stage": stage, "outcome": outcome, "text": text, "body": body, "on": on, "actor": actor}
    act("supervision", "review_opinion", case, payload, as_json, data_dir, deadline)


@app.command("exclude-hearing", rich_help_panel=PANEL)
def exclude_hearing(
    case: CaseArg,
    from_on: Annotated[date, typer.Option("--from", help="听证开始日 YYYY-MM-DD", formats=["%Y-%m-%d"])],
    to_on: Annotated[date, typer.Option("--to", help="听证结束日 YYYY-MM-DD", formats=["%Y-%m-%d"])],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """扣除听证期间: hearing time is not counted in the 复核 limit (Art 36¶2; a 复查 takes no exclusion)."""
    payload = {"stage": "re_review", "from_on": from_on, "to_on": to_on, "on": on, "actor": actor}
    act("supervision", "exclude_hearing", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def publicise(
    case: CaseArg,
    venue: Annotated[str, typer.Option(help="公示载体, e.g. 区人民政府门户网站")],
    content: Annotated[str, typer.Option(help="公示内容 (without personal details)")] = "",
    until_on: Annotated[
        date | None, typer.Option("--until", help="公示截止日期 YYYY-MM-DD", formats=["%Y-%m-%d"])
    ] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """公示复核意见 (Art 36¶2): a re-review opinion given after a hearing, made public by the re-review body."""
    payload = {"venue": venue, "content": content, "until_on": until_on, "on": on, "actor": actor}
    act("supervision", "publicise", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def aftercare(
    case: CaseArg,
    work: Annotated[str, typer.Option(help="education 疏导教育 | reconciliation 矛盾化解 | assistance 帮扶救助")],
    content: Annotated[str, typer.Option(help="工作情况")],
    department: Annotated[str, typer.Option(help="责任单位 code; default the lead department")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """终结后续工作 (Art 37¶3): 疏导教育、矛盾化解、帮扶救助 with the petitioner of a finalised case."""
    payload = {"work": work, "content": content, "department": department, "on": on, "actor": actor}
    act("supervision", "record_aftercare", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def sweep(
    as_of: Annotated[
        date | None, typer.Option("--as-of", help="巡查日期 YYYY-MM-DD; default today", formats=["%Y-%m-%d"])
    ] = None,
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """时限巡查: issue the warnings and overdue marks due now, each exactly once (also runs in the background)."""
    result = send_plain("sweep", {"as_of": as_of}, as_json, data_dir, deadline)
    if not as_json:
        out.print(f"[green]✓[/] 巡查 {result['as_of']}: 新预警/逾期 {result['emitted']} 条")


@app.command(rich_help_panel=PANEL)
def order(
    case: CaseArg,
    reason: Annotated[str, typer.Option(help="督办事由")],
    ground: Annotated[
        list[str] | None,
        typer.Option(
            "--ground",
            help="督办情形 (Art 40¶1, repeatable): irregular_handling 违规受理办理 | shirking 推诿 | "
            "perfunctory 敷衍 | delay 拖延 | falsification 弄虚作假 | refusing_execution 拒不执行信访处理意见",
        ),
    ] = None,
    form: Annotated[
        str, typer.Option(help="督办方式: letter 督办函 | phone 电话 | on_site 现场 | listed 挂牌")
    ] = "letter",
    answer_due: Annotated[
        date | None,
        typer.Option("--answer-due", help="回复期限 YYYY-MM-DD; default +30 days (本地规定)", formats=["%Y-%m-%d"]),
    ] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """下发督办单: to the lead department and the owning leader, on the grounds found (Art 40¶1), with an answer
    deadline (the office's local default; the 2022 text sets none)."""
    payload = {"reason": reason, "grounds": ground or [], "form": form, "answer_due": answer_due, "on": on}
    act("supervision", "issue_order", case, payload | {"actor": actor}, as_json, data_dir, deadline)


@app.command("answer-order", rich_help_panel=PANEL)
def answer_order(
    case: CaseArg,
    order_no: Annotated[str, typer.Option("--order-no", help="督办单号, e.g. DBXF...-1")],
    department: Annotated[str, typer.Option(help="回复单位 code (the addressed department)")],
    answer: Annotated[str, typer.Option(help="回复内容")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """回复督办单: the addressed department answers, once."""
    payload = {"order_no": order_no, "department": department, "answer": answer, "on": on, "actor": actor}
    act("supervision", "answer_order", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def propose(
    case: CaseArg,
    kind: Annotated[
        str, typer.Option(help="improve_work 改进工作 | improve_policy 完善政策 | accountability 追究责任 (Art 40)")
    ],
    text: Annotated[str, typer.Option(help="建议内容")],
    department: Annotated[str, typer.Option(help="反馈单位 code; default the lead department")] = "",
    order_no: Annotated[str, typer.Option("--order-no", help="所涉督办单号 (required for accountability)")] = "",
    feedback_due: Annotated[
        date | None,
        typer.Option("--feedback-due", help="反馈期限 YYYY-MM-DD; default +30 days (本地规定)", formats=["%Y-%m-%d"]),
    ] = None,
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """提出建议 (Art 40): 改进工作、完善政策或追究责任; the unit it goes to feeds back its adoption in writing."""
    payload: dict[str, Any] = {"kind": kind, "text": text, "department": department, "order_no": order_no}
    payload |= {"feedback_due": feedback_due, "on": on, "actor": actor}
    act("supervision", "propose", case, payload, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def feedback(
    case: CaseArg,
    proposal_no: Annotated[str, typer.Option("--proposal-no", help="建议编号, e.g. JYXF...-1")],
    department: Annotated[str, typer.Option(help="反馈单位 code (the unit the proposal went to)")],
    adoption: Annotated[str, typer.Option(help="adopted 采纳 | partly_adopted 部分采纳 | not_adopted 未采纳")],
    text: Annotated[str, typer.Option(help="书面反馈内容")],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """书面反馈采纳情况 (Art 40¶4): the unit the proposal went to, once."""
    payload = {"proposal_no": proposal_no, "department": department, "adoption": adoption, "feedback": text}
    act("supervision", "feedback", case, payload | {"on": on, "actor": actor}, as_json, data_dir, deadline)


@app.command(rich_help_panel=PANEL)
def bulletin(
    period_from: Annotated[date, typer.Option("--from", help="通报期间起 YYYY-MM-DD", formats=["%Y-%m-%d"])],
    period_to: Annotated[date, typer.Option("--to", help="通报期间止 YYYY-MM-DD", formats=["%Y-%m-%d"])],
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """通报: name every case overdue or rated unsatisfied in a period; one bulletin per period."""
    payload = {"period_from": period_from, "period_to": period_to, "on": on, "actor": actor}
    result = send_plain("publish_bulletin", payload, as_json, data_dir, deadline)
    if not as_json:
        out.print(f"[green]✓[/] 通报 {result['bulletin_no']}: {len(result['named'])} 件")
        for named in result["named"]:
            out.print(f"  {named['case_no']} · {named['reason']}")
