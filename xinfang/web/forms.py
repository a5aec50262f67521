"""Console forms generated from the catalogue's action bodies: one field per body field, typed by its annotation.

A form field knows how it is shown (text, textarea, checkbox, select, date …) and how its submitted text becomes
the body's value; the body model itself checks the values, so a page and the API refuse the same things, with the
same Chinese messages next to the field.
"""

from __future__ import annotations

import re
import types
import typing
from dataclasses import dataclass, field
from datetime import date, time
from enum import StrEnum
from typing import Any, Literal, Union, get_args, get_origin
from uuid import UUID

from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo
from starlette.datastructures import FormData

from events.vocabulary import LABELS, label
from services.runtime.errors import Unavailable, XinfangError
from services.runtime.organisation import Organisation
from xinfang.web.catalogue import SERVICE_LABELS, Action
from xinfang.web.errors import MESSAGES

MORE = "__more"  # the textarea beside a list's first record: further records, one a line, parts split by |
LONG_TEXT = frozenset(
    {"text", "facts", "request", "explanation", "content", "report", "findings", "reasons", "reason", "answer",
     "feedback", "conclusion", "agreement", "summary", "measures", "opinion", "result", "guidance", "comment",
     "facts_and_reasons", "legal_basis"}
)  # fmt: skip
LABEL_OVERRIDES = {  # where a description has no Chinese name of its own to show
    "reason": "理由", "order_no": "督办单号", "answer": "回复内容", "stage": "阶段", "proposal_no": "建议编号",
    "comment": "评价意见", "period_from": "通报期间起", "period_to": "通报期间止", "method": "告知方式",
    "on": "生效日期", "form": "方式", "agree": "同意改派", "performed": "已依法履行职责", "adoption": "采纳情况",
    "opinion": "处理意见", "kind": "类别", "phone": "联系电话", "id_number": "身份证号码", "address": "住址",
    "name": "姓名或单位名称", "role": "专班角色", "unit": "单位编码", "risk": "风险类别", "work": "工作类别",
    "rating": "评价", "mediation_type": "调解方式", "assistance_type": "救助类别", "outcome": "意见",
    "amount_fen": "金额（分）", "consented": "当事人同意调解或自愿和解", "agreement": "协议内容",
}  # fmt: skip
PLACES = ("street", "township", "community", "village")  # where a matter arises (问题属地)
UNIT_FIELDS = frozenset({"department", "proposed_department", "office", "reported_unit", "by", "body"})


@dataclass(frozen=True)
class FormField:
    """One input of a form: its name, Chinese label, how it is shown, and what may be chosen."""

    name: str
    label: str
    kind: str  # text | textarea | checkbox | select | multi | date | time | number | lines | records
    required: bool
    choices: tuple[tuple[str, str], ...] = ()
    parts: tuple[FormField, ...] = ()  # a record's own fields (kind records)
    units: bool = False  # offer the organisation's unit codes (a datalist)


@dataclass
class Filled:
    """A form as submitted: the raw values to show again, the body fields, and errors by field."""

    values: dict[str, Any] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


def _unwrap(annotation: Any) -> Any:
    """The annotation without None."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _base(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is typing.Annotated else annotation


def _chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


def label_of(name: str, info: FieldInfo) -> str:
    """The field's Chinese name: its title, else the Chinese head of its description (a list of choices is not)."""
    if info.title:
        return info.title
    text = (info.description or "").split(";")[0].split(": ")[0]
    text = re.sub(r"\s*\([^()\u4e00-\u9fff]*\)", "", text)  # (Art 36), (also set when …)
    text = re.sub(r"[\s,]+[A-Za-z].*$", "", text).strip()  # 受理机关 unit code
    if not _chinese(text) or text[:1].isascii() or " | " in text or " / " in text:
        return LABEL_OVERRIDES.get(name, text or name)
    return text


def title_of(action: Action) -> str:
    """An action's Chinese name: the head of its command's summary (受理信访事项, 告知信访人 / 送达 …)."""
    text = action.summary
    for _ in range(2):  # (Art 31(5)): the inner parentheses, then the outer
        text = re.sub(r"\s*\([^()\u4e00-\u9fff]*\)", "", text)
    text = re.split(r"[,:;]\s*(?=[A-Za-z(])", text)[0]
    text = re.sub(r"\s*\([^)]*$", "", text)  # an aside cut short by the split
    return re.sub(r"[\s,]+[A-Za-z].*$", "", text).strip().rstrip(".。") or action.name


def _choices(kind: Any) -> tuple[tuple[str, str], ...]:
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return tuple((m.value, label(m.value, kind)) for m in kind)
    return tuple((str(v), LABELS.get(str(v), str(v))) for v in get_args(kind))


def places(org: Organisation) -> tuple[tuple[str, str], ...]:
    """问题属地 to choose from: the district's streets, townships, communities and villages."""
    return tuple((u.code, u.name) for u in org.units.values() if u.kind in PLACES)


def field_of(name: str, info: FieldInfo, org: Organisation | None = None) -> FormField:
    """The input for one body field."""
    kind = _base(_unwrap(info.annotation))
    required, shown = info.is_required(), label_of(name, info)
    if get_origin(kind) is list:
        item = _base(_unwrap(get_args(kind)[0]))
        if isinstance(item, type) and issubclass(item, BaseModel):
            parts = tuple(field_of(n, i, org) for n, i in item.model_fields.items())
            return FormField(name, shown, "records", required, parts=parts)
        if isinstance(item, type) and issubclass(item, StrEnum):
            return FormField(name, shown, "multi", required, _choices(item))
        return FormField(name, shown, "lines", required)
    if kind is bool:
        return FormField(name, shown, "checkbox", False)
    if get_origin(kind) is Literal or (isinstance(kind, type) and issubclass(kind, StrEnum)):
        return FormField(name, shown, "select", required, _choices(kind))
    simple = {date: "date", time: "time", int: "number", UUID: "text"}
    if kind in simple:
        return FormField(name, shown, simple[kind], required)
    if org is not None and name == "category":
        return FormField(name, shown, "select", required, tuple(org.categories.items()))
    if org is not None and name == "locality":
        return FormField(name, shown, "select", required, places(org))
    long = name in LONG_TEXT or any(getattr(m, "max_length", 0) > 500 for m in info.metadata)
    return FormField(name, shown, "textarea" if long else "text", required, units=name in UNIT_FIELDS)


def fields_of(action: Action, org: Organisation | None = None) -> list[FormField]:
    """Every input of an action's form, required ones first (the effective date last: it is rarely changed)."""
    found = [field_of(n, i, org) for n, i in action.body.model_fields.items()]
    return sorted(found, key=lambda f: (f.name == "on", not f.required))


def _as_shown(value: Any) -> Any:
    return value.value if isinstance(value, StrEnum) else value if isinstance(value, bool) else str(value)


def initial(action: Action) -> Filled:
    """A fresh form: each field showing its default (信访事项类别 申诉求决, 受理机关 区信访局 …)."""
    defaults = {name: info.get_default(call_default_factory=True) for name, info in action.body.model_fields.items()}
    shown = {k: _as_shown(v) for k, v in defaults.items() if isinstance(v, bool | int | str) and v not in ("", False)}
    return Filled(values=shown)


def _record(text: str, parts: tuple[FormField, ...]) -> dict[str, str]:
    values = [v.strip() for v in text.replace("｜", "|").split("|")]
    return {p.name: v for p, v in zip(parts, values, strict=False) if v}


def _value(form: FormField, data: FormData) -> Any:
    raw = data.get(form.name)
    if form.kind == "checkbox":
        return raw is not None
    if form.kind == "multi":
        return [str(v) for v in data.getlist(form.name)] or None
    if form.kind == "lines":
        items = [line.strip() for line in str(raw or "").splitlines() if line.strip()]
        return items or None
    if form.kind == "records":
        first = {p.name: str(data.get(f"{form.name}.0.{p.name}") or "").strip() for p in form.parts}
        records = [{k: v for k, v in first.items() if v}] if any(first.values()) else []
        more = str(data.get(f"{form.name}.{MORE}") or "").splitlines()
        records += [_record(line, form.parts) for line in more if line.strip()]
        return records or None
    text = str(raw or "").strip()
    return text or None


def _shown_again(form: FormField, data: FormData) -> dict[str, Any]:
    if form.kind == "multi":
        return {form.name: [str(v) for v in data.getlist(form.name)]}
    if form.kind == "records":
        keys = [f"{form.name}.0.{p.name}" for p in form.parts] + [f"{form.name}.{MORE}"]
        return {k: str(data.get(k) or "") for k in keys}
    return {form.name: data.get(form.name) if form.kind == "checkbox" else str(data.get(form.name) or "")}


def message_of(kind: str, text: str) -> str:
    return MESSAGES.get(kind) or text.removeprefix("Value error, ")


def read_form(action: Action, data: FormData, org: Organisation | None = None) -> Filled:
    """The submitted form as the action's body, checked by the body model; errors keyed by the form's field."""
    filled = Filled()
    for form in fields_of(action, org):
        filled.values.update(_shown_again(form, data))
        value = _value(form, data)
        if value is not None and value != []:
            filled.body[form.name] = value
    try:
        checked = action.body.model_validate(filled.body)
    except ValidationError as invalid:
        for error in invalid.errors():
            where = str(error["loc"][0]) if error["loc"] else ""
            filled.errors.setdefault(where, message_of(str(error["type"]), str(error["msg"])))
        return filled
    filled.body = checked.model_dump(mode="json", exclude_unset=True)
    return filled


def error_at(filled: Filled, error: XinfangError, action: Action) -> None:
    """A service's refusal, shown next to the field it names (else above the form)."""
    if isinstance(error, Unavailable):
        filled.errors[""] = f"服务暂不可用，请稍后重新提交（填写的内容已保留）：{error.message}"
        return
    where = (error.field or "").split(".")[0]
    filled.errors[where if where in action.body.model_fields else ""] = error.message


# What usually comes next at each status (the read side cannot know every rule, so every other allowed action is
# offered too, below these, grouped by service).
NEXT_BY_STATUS: dict[str, tuple[str, ...]] = {
    "registered": ("intake.accept", "intake.request_materials", "intake.decline", "intake.merge"),
    "materials_requested": ("intake.supplement_materials", "intake.decline"),
    "materials_supplemented": ("intake.accept", "intake.decline"),
    "accepted": ("assignment.acknowledge", "assignment.receive", "intake.serve_notice", "assignment.object"),
    "assigned": ("assignment.acknowledge", "assignment.receive", "assignment.object", "assignment.mark_major"),
    "reassigned": ("assignment.acknowledge", "assignment.receive", "assignment.object"),
    "objected": ("assignment.decide_objection", "assignment.refer_dispute"),
    "disputed": ("assignment.settle_dispute",),
    "handling": ("mediation.record_investigation", "mediation.reply", "mediation.answer_duty",
                 "mediation.answer_suggestion", "mediation.submit_co_handler_opinion", "mediation.approve_extension",
                 "supervision.issue_order"),
    "sent_back": ("mediation.record_investigation", "mediation.reply"),
    "replied": ("mediation.serve_notice", "mediation.close"),
    "closed": ("supervision.rate", "supervision.request_review"),
    "rated": ("supervision.request_review", "supervision.record_aftercare"),
    "review_requested": ("supervision.review_opinion",),
    "under_review": ("supervision.review_opinion", "supervision.exclude_hearing"),
    "reviewed": ("supervision.request_review", "supervision.serve_notice"),
    "re_review_requested": ("supervision.review_opinion",),
    "under_re_review": ("supervision.review_opinion", "supervision.exclude_hearing"),
    "re_reviewed": ("supervision.publicise", "supervision.serve_notice", "supervision.record_aftercare"),
    "finalised": ("supervision.record_aftercare",),
}  # fmt: skip


@dataclass
class ActionForm:
    """One action's form on a case page."""

    action: Action
    fields: list[FormField]
    filled: Filled
    likely: bool
    opened: bool

    @property
    def key(self) -> str:
        return f"{self.action.service}.{self.action.name}"

    @property
    def title(self) -> str:
        return title_of(self.action)


def case_forms(
    allowed: list[Action], status: str, failed: tuple[str, Filled] | None, org: Organisation | None = None
) -> list[tuple[str, list[ActionForm]]]:
    """The forms of a case page: 下一步 (what usually follows this status), then the rest by service."""
    likely = NEXT_BY_STATUS.get(status, ())
    forms = []
    for action in allowed:
        key = f"{action.service}.{action.name}"
        refused = failed[1] if failed and failed[0] == key else None
        chosen = key in likely
        filled = refused or initial(action)
        forms.append(ActionForm(action, fields_of(action, org), filled, chosen, refused is not None))
    forms.sort(key=lambda f: likely.index(f.key) if f.likely else len(likely))
    if forms and forms[0].likely and not any(f.opened for f in forms):
        forms[0].opened = True
    groups = [("下一步", [f for f in forms if f.likely])]
    for service, name in SERVICE_LABELS.items():
        groups.append((name, [f for f in forms if not f.likely and f.action.service == service]))
    return [(title, found) for title, found in groups if found]
