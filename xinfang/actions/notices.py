"""告知、送达: record a notice served on the petitioner; the service whose decision it tells records it."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from events.vocabulary import NoticeKind
from xinfang.console import STAFF_DEADLINE_S, Actor, CaseArg, DataDir, Deadline, JsonOpt, OnDate, act, app

PANEL = "告知"
# Each notice is recorded where the decision it tells was made.
SERVED_BY = {
    NoticeKind.accepted: "intake",
    NoticeKind.not_accepted: "intake",
    NoticeKind.transferred: "intake",
    NoticeKind.receipt: "assignment",
    NoticeKind.reply: "mediation",
    NoticeKind.review_opinion: "supervision",
    NoticeKind.re_review_opinion: "supervision",
    NoticeKind.finalised: "supervision",
}


@app.command(rich_help_panel=PANEL)
def notify(
    case: CaseArg,
    notice: Annotated[NoticeKind, typer.Option(help="告知事项: " + " | ".join(NoticeKind))],
    method: Annotated[str | None, typer.Option(help="written 书面 | sms 短信 | online 网上 | in_person 当面")] = None,
    content: Annotated[str, typer.Option(help="告知内容")] = "",
    unreachable: Annotated[
        bool, typer.Option("--unreachable", help="姓名（名称）、住址不清，无法告知 (Art 23¶2)")
    ] = False,
    competent_body: Annotated[str, typer.Option(help="有权处理的机关、单位 (a matter outside the scope)")] = "",
    on: OnDate = None,
    actor: Actor = "",
    deadline: Deadline = STAFF_DEADLINE_S,
    as_json: JsonOpt = False,
    data_dir: DataDir = None,
) -> None:
    """告知信访人 / 送达: the day (--on) the petitioner was told, and how; later clocks count from a written answer's
    delivery (Art 35, 36)."""
    payload: dict[str, Any] = {"notice": notice.value, "method": method, "content": content}
    payload |= {"unreachable": unreachable, "competent_body": competent_body, "on": on, "actor": actor}
    act(SERVED_BY[notice], "serve_notice", case, payload, as_json, data_dir, deadline)
