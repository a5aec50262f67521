"""流转记录 as staff read it: each event's fields under Chinese names, codes by their names, nothing empty."""

from events.assignment import CaseAssigned
from events.supervision import ClockStopped, ReviewRequested
from services.runtime.organisation import organisation
from xinfang.history import describe, event_title

ENVELOPE = {
    "event_id": "e1",
    "case_id": "c1",
    "occurred_at": "2026-03-02T00:00:00",
    "recorded_at": "2026-03-02T00:00:00",
    "actor": "王敏",
}


def test_an_event_is_titled_by_its_chinese_name() -> None:
    assert event_title(CaseAssigned.event_type) == "案件已交办"
    assert event_title("no_such_event") == "no_such_event"


def test_vocabulary_values_are_labelled_by_the_field_they_stand_in() -> None:
    text = describe(ReviewRequested.event_type, {**ENVELOPE, "stage": "review", "reasons": "不服", "requested_on": "x"})
    assert text == "阶段 复查 · 理由 不服 · 日期 x"


def test_codes_show_their_names_once_and_the_envelope_and_empty_fields_are_left_out() -> None:
    payload = {
        **ENVELOPE,
        "case_no": "XF1",
        "department": "990100ZJJ",
        "department_name": "区住房和城乡建设局",
        "category": "urban_construction",
        "co_handlers": [],
        "owning_leader": "",
    }
    text = describe(CaseAssigned.event_type, payload, organisation().name_of)
    assert text == "信访件编号 XF1 · 单位 区住房和城乡建设局 · 问题分类 城乡建设"


def test_a_clock_stopped_late_says_so() -> None:
    payload = {**ENVELOPE, "clock": "handling", "stopped_on": "d", "due_on": "d0", "on_time": False, "round": 1}
    assert "按期 否" in describe(ClockStopped.event_type, payload)
