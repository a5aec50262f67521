"""工作专班 (七包一): the seven roles of a major case's task force, led by its owning leader."""

from __future__ import annotations

from events.vocabulary import TaskForceRole, label
from services.assignment.domain.errors import TaskForceIncomplete, TaskForceLeaderMismatch

Members = list[dict[str, str]]


def check_seven_roles(case_no: str, members: Members) -> None:
    present = {m["role"] for m in members}
    missing = [label(role) for role in TaskForceRole if role not in present]
    if missing:
        raise TaskForceIncomplete(f"案件 {case_no} 的专班缺少: {'、'.join(missing)}", "members")


def check_led_by(case_no: str, members: Members, owning_leader_name: str) -> None:
    """The task force's district leader is the case's owning leader (领导包案)."""
    named = [m["name"] for m in members if m["role"] == TaskForceRole.district_leader]
    if any(name != owning_leader_name for name in named):
        raise TaskForceLeaderMismatch(
            f"案件 {case_no} 的包案领导是 {owning_leader_name}，专班写的是 {'、'.join(named)}", "members"
        )
