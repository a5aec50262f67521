"""A command's body before its model sees it: within a size, UTF-8 JSON, one object of plain text and exact numbers.

Everything refused here is refused with a named error (``invalid_input``, ``payload_too_large``) and a Chinese message
naming the field where there is one; nothing a client sends reaches the rules, the stores or a traceback otherwise.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from services.runtime.errors import InvalidInput, PayloadTooLarge

MAX_COMMAND_BYTES = 512 * 1024  # the default of XF_MAX_COMMAND_BYTES, well below the server's 1 MB max_payload
MAX_DEPTH = 16  # nesting levels of objects and lists: a command has two or three
MAX_INTEGER = 2**53  # every JSON reader takes integers up to this exactly (JavaScript's safe integers)
SHOWN_NAME = 60  # characters of a field name a message repeats

# Text never carries control characters other than tab and line ends (C0, DEL, C1), nor lone surrogates (which UTF-8
# cannot encode; JSON's \ud800 escapes make them): every store, export and terminal downstream would choke on one.
UNFIT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
KINDS = {list: "数组", str: "字符串", int: "数字", float: "数字", bool: "布尔值", type(None): "null"}


def field_name(path: Sequence[Any]) -> str | None:
    """A field's dotted path (``petitioners.0.name``) as a message may repeat it: printable and short."""
    if not path:
        return None
    name = ".".join(str(part) for part in path)
    name = UNFIT.sub(lambda m: f"\\u{ord(m.group()):04x}", name)
    return name if len(name) <= SHOWN_NAME else name[:SHOWN_NAME] + "…"


def check_size(body: bytes, limit: int) -> None:
    if len(body) > limit:
        raise PayloadTooLarge(f"请求体 {len(body)} 字节，超过上限 {limit} 字节 (XF_MAX_COMMAND_BYTES)")


def _number(text: str) -> float:
    """NaN, Infinity and integers longer than any field takes become a number the walk refuses, naming the field
    (json would take the first two as they are, and Python refuses to convert integers of 4300 digits or more)."""
    return math.inf if text[0] in "-I1234567890" else math.nan


def load(body: bytes) -> dict[str, Any]:
    """The body as a JSON object whose every value is fit to keep, or the ``InvalidInput`` saying what is not."""
    try:
        text = body.decode("utf-8") if body else "{}"
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"请求不是合法的 UTF-8 文本 (第 {exc.start} 字节起)") from None
    try:
        raw = json.loads(text, parse_constant=_number, parse_int=lambda s: int(s) if len(s) < 20 else _number(s))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"请求不是合法的 JSON: 第 {exc.lineno} 行第 {exc.colno} 列 ({exc.msg})") from None
    except RecursionError:
        raise InvalidInput(f"请求嵌套过深: 对象和数组至多 {MAX_DEPTH} 层") from None
    if not isinstance(raw, dict):
        raise InvalidInput(f"请求须是 JSON 对象 {{…}}，不能是{KINDS.get(type(raw), '其他值')}")
    check_values(raw)
    return raw


def check_values(raw: dict[str, Any]) -> None:
    """Every name and value of a decoded body, depth first without recursion (a deep body must not overflow it)."""
    stack: list[tuple[tuple[Any, ...], Any, int]] = [((), raw, 1)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(path, value)
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float) and not abs(value) <= MAX_INTEGER:  # NaN too
            name = field_name(path)
            raise InvalidInput(f"字段 {name} 的数字超出范围: 须是有限的数，绝对值至多 2^53 ({MAX_INTEGER})", name)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise InvalidInput(f"字段 {field_name(path)} 嵌套过深: 对象和数组至多 {MAX_DEPTH} 层", field_name(path))
            for key, item in value.items() if isinstance(value, dict) else enumerate(value):
                if isinstance(key, str) and UNFIT.search(key):
                    _check_text((*path, key), key, what="字段名")
                stack.append(((*path, key), item, depth + 1))


def _check_text(path: tuple[Any, ...], text: str, what: str = "字段") -> None:
    found = UNFIT.search(text)
    if found is None:
        return
    code = ord(found.group())
    kind = "孤立的代理项 (不是合法的 Unicode 字符)" if 0xD800 <= code <= 0xDFFF else "控制字符"
    name = field_name(path)
    raise InvalidInput(f"{what} {name} 含有{kind} U+{code:04X} (第 {found.start() + 1} 个字符)", name)


# Pydantic's error types as staff read them; the rest keep pydantic's words after the field's name.
MESSAGES = {
    "extra_forbidden": "不是该命令的字段 (未知字段)",
    "missing": "缺少必填字段",
    "string_type": "须是字符串",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不符",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "int_type": "须是整数",
    "int_parsing": "须是整数",
    "int_from_float": "须是整数",
    "bool_type": "须是 true 或 false",
    "bool_parsing": "须是 true 或 false",
    "list_type": "须是数组 […]",
    "dict_type": "须是 JSON 对象 {{…}}",
    "model_type": "须是 JSON 对象 {{…}}",
    "model_attributes_type": "须是 JSON 对象 {{…}}",
    "uuid_type": "须是 UUID",
    "uuid_parsing": "须是 UUID",
    "date_type": "须是日期 YYYY-MM-DD",
    "date_parsing": "须是日期 YYYY-MM-DD",
    "date_from_datetime_parsing": "须是日期 YYYY-MM-DD",
    "date_from_datetime_inexact": "须是日期 YYYY-MM-DD",
    "time_type": "须是时刻 HH:MM",
    "time_parsing": "须是时刻 HH:MM",
    "enum": "须是以下之一: {expected}",
    "literal_error": "须是以下之一: {expected}",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须不大于 {le}",
}


def invalid_input(exc: ValidationError) -> InvalidInput:
    """The first broken field of a payload as a clear message."""
    first = exc.errors()[0]
    field = field_name(first["loc"])
    template = MESSAGES.get(first["type"])
    try:
        said = template.format(**first.get("ctx", {})) if template else first["msg"]
    except (KeyError, IndexError):
        said = first["msg"]
    if first["type"] == "value_error":  # our own validators speak Chinese already
        said = str(first.get("ctx", {}).get("error", first["msg"]))
    return InvalidInput(f"字段 {field} 有误: {said}" if field else f"请求有误: {said}", field)
