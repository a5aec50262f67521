"""One case's full history, read from the case stream by its subject."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import Any, get_args

import nats.errors
from nats.aio.client import Client
from nats.js.api import DeliverPolicy

from events import EVENT_TYPES, STREAM
from events.base import SUBJECT_PREFIX
from events.vocabulary import label
from services.runtime.errors import NotFound


async def case_history(nc: Client, case_id: str) -> list[dict[str, Any]]:
    """Every event of the case in stream order, with its sequence and type."""
    js = nc.jetstream()
    subject = f"{SUBJECT_PREFIX}.{case_id}.>"
    info = await js.stream_info(STREAM, subjects_filter=subject)
    expected = sum((info.state.subjects or {}).values())
    if expected == 0:
        raise NotFound(f"案件 {case_id} 在事件流中没有记录", "case")
    sub = await js.subscribe(subject, ordered_consumer=True, deliver_policy=DeliverPolicy.ALL)
    events: list[dict[str, Any]] = []
    try:
        while len(events) < expected:
            try:
                msg = await sub.next_msg(timeout=5)
            except (TimeoutError, nats.errors.TimeoutError):
                break
            events.append(
                {
                    "seq": msg.metadata.sequence.stream,
                    "type": msg.subject.rsplit(".", 1)[-1],
                    "event": json.loads(msg.data),
                }
            )
    finally:
        await sub.unsubscribe()
    return events


def event_title(event_type: str) -> str:
    """The Chinese name of an event type, from its one-line docstring (``信访事项已登记: …``), else the type."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None or not cls.__doc__:
        return event_type
    return cls.__doc__.split(":")[0].strip().rstrip(".")


# 流转记录 shows each event's fields under the names a petition office uses.
FIELD_LABELS = {
    "accepted_on": "受理日期", "acknowledged_on": "签收日期", "agreed": "达成协议", "agreement": "调解协议",
    "amount_fen": "救助金额(分)", "answer": "回复内容", "answer_due_on": "回复期限", "answered_on": "回复日期",
    "approved_by": "批准人", "approved_on": "批准日期", "assigned_on": "交办日期", "assistance_type": "救助类别",
    "basis": "依据", "body": "决定机关", "body_name": "机关名称", "body_unit": "机关", "bulletin_no": "通报编号",
    "case_no": "信访件编号", "category": "问题分类", "channel": "渠道", "clock": "时限", "closed_on": "办结日期",
    "co_handler_names": "协办单位", "co_handlers": "协办单位", "collective": "集体访", "comment": "评价意见",
    "conclusion": "听证结论", "count": "计算方式", "days": "天数", "days_left": "剩余天数", "decided_by": "决定者",
    "decided_on": "决定日期", "department": "单位", "department_name": "单位名称", "departments": "争议单位",
    "disposition": "处置", "due_on": "期限", "entered_on": "登记日期", "excluded_days": "扣除天数",
    "explanation": "告知内容", "extension_days": "延长天数", "facts": "事实和理由", "facts_and_reasons": "事实和理由",
    "filed_on": "提出日期", "finalised_on": "终结日期", "findings": "调查情况", "first_unit": "首办单位",
    "first_unit_name": "首办单位", "formed_on": "成立日期", "from_department": "原主办单位", "from_on": "自",
    "granted_on": "救助日期", "handler": "承办人", "held_on": "日期", "investigated_on": "调查日期",
    "investigators": "调查人", "issued_on": "下发日期", "items": "材料", "kind": "类别", "legal_basis": "法律依据",
    "limit_days": "时限天数", "locality": "属地", "major": "重大案件", "marked_on": "标记日期",
    "mediation_type": "调解方式", "members": "专班成员", "merged_into": "并入案件ID", "merged_into_no": "并入案件",
    "merged_on": "合并日期", "named_on": "确定日期", "notified_on": "告知日期", "objection_due_on": "异议期限",
    "office": "受理机关", "on_time": "按期", "opinion": "处理意见", "order_no": "督办单号", "outcome": "结论",
    "owning_leader": "包案领导", "owning_leader_name": "包案领导", "participants": "参加人",
    "paused_days": "暂停天数", "paused_on": "暂停日期", "period_from": "通报期间自", "period_to": "至",
    "petitioner_count": "信访人数", "proposed_department": "建议单位", "published_on": "通报日期",
    "rated_on": "评价日期", "rating": "评价", "reason": "理由", "reasons": "理由", "received_by": "接访人",
    "received_on": "来信来访日期", "referred_on": "提交日期", "related_case": "关联案件", "repeat": "重复访",
    "replied_on": "答复日期", "report": "办结报告", "reported_unit": "被反映单位", "representatives": "代表人数",
    "request": "信访请求", "requested_on": "日期", "risks": "风险标识", "round": "轮次", "routed_to": "导入途径",
    "sent_back_on": "退回日期", "skip_level": "越级访", "stage": "阶段", "started_on": "开始日期",
    "starts_on": "起算日期", "stopped_on": "停止日期", "submitted_on": "报送日期", "supplemented_on": "补正日期",
    "text": "正文", "to_on": "至", "warned_on": "预警日期", "withheld": "内容另行保管",
}  # fmt: skip
VALUE_LABELS = {
    "started": "起算", "resumed": "恢复计算", "extended": "延期", "hearing_excluded": "扣除听证",
    "overdue": "逾期", "unsatisfied": "不满意", "late_acceptance": "受理超期",
}  # fmt: skip
ENVELOPE = {"event_id", "case_id", "recorded_at", "schema_version", "occurred_at", "actor"}
SAID_EITHER_WAY = {"on_time", "agreed"}  # a "no" here is news, not an absent flag


def vocabulary_of(event_type: str, field: str) -> type[StrEnum] | None:
    """The vocabulary a field of the contract is typed with (``Stage``, ``list[Risk]``, ``Opinion | None`` …)."""
    cls = EVENT_TYPES.get(event_type)
    info = cls.model_fields.get(field) if cls is not None else None
    if info is None:
        return None
    for candidate in (info.annotation, *get_args(info.annotation)):
        if isinstance(candidate, type) and issubclass(candidate, StrEnum):
            return candidate
    return None


def named_twin(field: str) -> str:
    """The field that carries a code's name: department → department_name, co_handlers → co_handler_names."""
    return f"{field[:-1]}_names" if field.endswith("s") else f"{field}_name"


def describe(event_type: str, payload: dict[str, Any], names: Callable[[str], str] = str) -> str:
    """An event's own fields as ``名称 值`` pairs, as staff read them: vocabulary values and codes by their Chinese
    names, leaving out the envelope and what is empty or unset."""
    twins = {named_twin(field) for field in payload if payload.get(named_twin(field))}
    parts = []
    for field, value in payload.items():
        if field in ENVELOPE or field in twins or (not value and not (field in SAID_EITHER_WAY and value is False)):
            continue
        shown_as = payload.get(named_twin(field)) or value
        parts.append(f"{FIELD_LABELS.get(field, field)} {shown(shown_as, vocabulary_of(event_type, field), names)}")
    return " · ".join(parts)


def shown(value: Any, vocabulary: type[StrEnum] | None, names: Callable[[str], str]) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(shown(v, vocabulary, names) for v in value)
    if isinstance(value, dict):
        return " ".join(shown(v, vocabulary, names) for v in value.values() if v)
    text = str(value)
    if vocabulary is not None:
        return label(text, vocabulary)
    return VALUE_LABELS.get(text) or names(text)
