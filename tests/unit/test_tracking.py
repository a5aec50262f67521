"""信访件查询: the 查询码 and 查询密码 issued at registration, the tracking view's public milestones, and the
throttled lookup behind `xinfang track`."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import Engine, create_engine, select

from events import CaseEvent, event_id_for
from events.assignment import (
    AssignmentReceived,
    CaseAcknowledged,
    CaseAssigned,
    CaseReassigned,
    OwningLeaderNamed,
    ReviewAssigned,
)
from events.intake import (
    MaterialsRequested,
    MaterialsSupplemented,
    PetitionAccepted,
    PetitionMerged,
    PetitionNotAccepted,
    PetitionRegistered,
)
from events.mediation import (
    CaseClosed,
    DutyAnswered,
    ExtensionApproved,
    HandlerRecused,
    InvestigationRecorded,
    RehandlingStarted,
    ReplyIssued,
    ReportFedBack,
    SuggestionAnswered,
)
from events.notices import NoticeServed
from events.supervision import (
    CaseFinalised,
    CaseSentBack,
    DeadlineMissed,
    NamedInBulletin,
    ReviewOpinionIssued,
    ReviewRequested,
    SatisfactionRated,
    SupervisionOrderIssued,
    WarningIssued,
)
from projections.registry import sinks_for
from projections.store import ProjectionSink
from projections.tracking import MILESTONES, REPORT_MILESTONES, milestones
from services.runtime.clock import OFFICE_TIME
from services.runtime.consumer import Delivery
from services.runtime.errors import NotFound, TooManyAttempts
from services.runtime.query_codes import (
    dummy_hash,
    hash_secret,
    lookup_key,
)
from tests.support.clock import CLOCK, NOW
from xinfang import tracking as lookup
from xinfang.track_command import known_at_moment
from xinfang.tracking import NOT_FOUND, Throttle, attempts, track

DAY0 = date(2026, 6, 1)
ACTOR = "经办人赵六"
CODE, SECRET = "F73HP69Q", "K4M8WX2R"
# Names and words of the office's own work that a petitioner never sees.
NEVER_SHOWN = (
    ACTOR, "李工", "陈工", "王区长", "张某", "已责成开发商完成修复", "处理太慢", "督办事由", "承办人", "经办人",
)  # fmt: skip


# The milestones


class Case:
    """One case's public events, each recorded a minute after the one before, as the stream would carry them."""

    seq = count(1)

    def __init__(self, kind: str = "claim"):
        self.case_id, self.kind = str(uuid4()), kind
        self.events: list[CaseEvent] = []
        self.moment = NOW

    def add(self, cls: type[CaseEvent], **fields: Any) -> Case:
        self.moment += timedelta(minutes=1)
        case_no = {"case_no": "XF20260601AAAA0001"} if "case_no" in cls.model_fields else {}
        event = cls(
            event_id=event_id_for("Test", uuid4(), 1), case_id=self.case_id, occurred_at=self.moment,
            recorded_at=self.moment, actor=ACTOR, **case_no, **fields,
        )  # fmt: skip
        self.events.append(event)
        return self

    def registered(self, **fields: Any) -> Case:
        withheld = self.kind == "report"
        return self.add(
            PetitionRegistered, channel="visit", received_on=DAY0, received_by="接待科 王敏", kind=self.kind,
            category="urban_construction", locality="990101001", request="" if withheld else "修复车库渗漏",
            withheld=withheld, tracking_key=lookup_key(CODE), secret_hash=fields.pop("secret_hash", ""), **fields,
        )  # fmt: skip

    def deliveries(self) -> list[Delivery]:
        return [Delivery(next(self.seq), e.subject, e.to_json()) for e in self.events]


def day(n: int) -> date:
    return DAY0 + timedelta(days=n)


def view(tmp_path: Path) -> tuple[Engine, ProjectionSink]:
    engine = create_engine(f"sqlite:///{tmp_path}/projections.db")
    (sink,) = sinks_for(engine, CLOCK, ["tracking"])
    return engine, sink


def shown(engine: Engine, case: Case) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        query = select(milestones).where(milestones.c.case_id == case.case_id).order_by(milestones.c.n)
        return [(r.milestone, r.detail) for r in conn.execute(query)]


def a_claims_whole_life() -> Case:
    c = Case().registered()
    c.add(MaterialsRequested, items=["身份证复印件", "购房合同"], requested_on=day(1))
    c.add(MaterialsSupplemented, items=["购房合同"], supplemented_on=day(3))
    c.add(PetitionAccepted, accepted_on=day(4), received_on=DAY0, kind="claim", category="urban_construction",
          locality="990101001", claim_route="opinion")  # fmt: skip
    c.add(CaseAssigned, department="990100ZJJ", department_name="区住房和城乡建设局", owning_leader="L05",
          owning_leader_name="王区长", assigned_on=day(4))  # fmt: skip
    c.add(AssignmentReceived, department="990100ZJJ", received_on=day(5))
    c.add(CaseAcknowledged, department="990100ZJJ", handler="李工", acknowledged_on=day(5))
    c.add(CaseReassigned, from_department="990100ZJJ", department="990101", department_name="清河街道",
          reason="属地管理，张某负责", decided_by="990100XFJ", decided_on=day(6))  # fmt: skip
    c.add(CaseAcknowledged, department="990101", handler="陈工", acknowledged_on=day(7))
    c.add(OwningLeaderNamed, owning_leader="L05", owning_leader_name="王区长", named_on=day(8))
    c.add(InvestigationRecorded, department="990101", findings="现场查看渗漏属实，张某未履职", investigators=["陈工"],
          investigated_on=day(9))  # fmt: skip
    c.add(WarningIssued, clock="handling", due_on=day(64), days_left=5, warned_on=day(59), department="990101")
    c.add(ExtensionApproved, department="990101", days=30, approved_by="街道主任", reason="需委托第三方检测",
          notified_on=day(60), approved_on=day(60))  # fmt: skip
    c.add(SupervisionOrderIssued, order_no="DB1", department="990101", reason="督办事由 拖延", issued_on=day(61),
          answer_due_on=day(70))  # fmt: skip
    c.add(ReplyIssued, department="990101", opinion="supported", text="已责成开发商完成修复", replied_on=day(80))
    c.add(NoticeServed, notice="reply", method="written", served_on=day(81))
    c.add(CaseClosed, department="990101", report="修复完成，陈工回访", closed_on=day(82))
    c.add(SatisfactionRated, rating="unsatisfied", comment="处理太慢", rated_on=day(85))
    c.add(NamedInBulletin, bulletin_no="TB1", period_from=day(60), period_to=day(90), department="990101",
          reason="unsatisfied", published_on=day(91))  # fmt: skip
    c.add(CaseSentBack, round=2, reason="信访人不满意", sent_back_on=day(86))
    c.add(RehandlingStarted, department="990101", round=2, reason="信访人不满意", started_on=day(86))
    c.add(HandlerRecused, department="990101", handler="陈工", reason="亲属关系", new_handler="李工",
          recused_on=day(87), round=2)  # fmt: skip
    c.add(ReplyIssued, department="990101", opinion="explained", text="已责成开发商完成修复", replied_on=day(100),
          round=2)  # fmt: skip
    c.add(CaseClosed, department="990101", report="办结", closed_on=day(101), round=2)
    c.add(ReviewRequested, stage="review", reasons="对答复不服", requested_on=day(105))
    c.add(ReviewAssigned, stage="review", body="990000", body_name="滨江市人民政府", assigned_on=day(106))
    c.add(DeadlineMissed, clock="review", due_on=day(136), marked_on=day(137))
    c.add(ReviewOpinionIssued, stage="review", outcome="upheld", text="维持原处理意见", body="990000",
          issued_on=day(130))  # fmt: skip
    c.add(ReviewRequested, stage="re_review", reasons="仍不服", requested_on=day(140))
    c.add(ReviewAssigned, stage="re_review", body="980000", body_name="湖东省人民政府", assigned_on=day(141))
    c.add(ReviewOpinionIssued, stage="re_review", outcome="upheld", text="维持复查意见", body="980000",
          issued_on=day(170))  # fmt: skip
    return c.add(CaseFinalised, finalised_on=day(171), basis="复核意见")


def test_a_claims_whole_life_shows_only_its_public_milestones_in_order(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    case = a_claims_whole_life()
    sink.apply(case.deliveries())
    timeline = shown(engine, case)
    assert timeline == [
        ("已收到", "渠道 来访 · 收到日期 2026-06-01"),
        ("需补正材料", "材料 身份证复印件、购房合同"),
        ("材料已补正", "材料 购房合同"),
        ("已受理", "类别 申诉求决 · 办理方式 出具信访处理意见书"),
        ("已交办", "交办至 区住房和城乡建设局"),
        ("已改派", "改由 清河街道 办理"),
        ("办理期限已延长", "延长 30 日 · 理由 需委托第三方检测"),
        ("已答复", "处理意见 支持 · 答复日期 2026-08-20"),
        ("已办结", ""),
        ("已评价", "评价 不满意"),
        ("已退回重新办理", "第 2 轮办理"),
        ("已答复", "处理意见 解释说明 · 答复日期 2026-09-09"),
        ("已办结", ""),
        ("复查申请已提交", ""),
        ("复查已交办", "交由 滨江市人民政府 复查"),
        ("复查意见已出具", "结论 维持"),
        ("复核申请已提交", ""),
        ("复核已交办", "交由 湖东省人民政府 复核"),
        ("复核意见已出具", "结论 维持"),
        ("已终结", ""),
    ]
    details = " ".join(detail for _, detail in timeline)
    assert not [word for word in NEVER_SHOWN if word in details]
    with engine.connect() as conn:
        rows = list(conn.execute(select(milestones).where(milestones.c.case_id == case.case_id)))
    assert [r.n for r in sorted(rows, key=lambda r: r.n)] == list(range(1, 21))
    assert {r.on for r in rows if r.milestone == "已改派"} == {day(6)}


def test_the_milestones_come_from_these_events_only() -> None:
    assert set(MILESTONES) == {
        PetitionRegistered, MaterialsRequested, MaterialsSupplemented, PetitionAccepted, PetitionNotAccepted,
        PetitionMerged, CaseAssigned, CaseReassigned, ExtensionApproved, ReplyIssued, SuggestionAnswered,
        DutyAnswered, CaseClosed, SatisfactionRated, CaseSentBack, ReviewRequested, ReviewAssigned,
        ReviewOpinionIssued, CaseFinalised,
    }  # fmt: skip
    assert set(REPORT_MILESTONES) == {PetitionRegistered, PetitionAccepted, CaseAssigned, PetitionNotAccepted}


def a_report() -> Case:
    c = Case("report").registered(reported_unit="990101", about_cadre=True)
    c.add(PetitionAccepted, accepted_on=day(2), received_on=DAY0, kind="report", category="other",
          locality="990101001", reported_unit="990101")  # fmt: skip
    c.add(CaseAssigned, department="990100JWJ", department_name="区纪委监委", assigned_on=day(2))
    c.add(AssignmentReceived, department="990100JWJ", received_on=day(3))
    c.add(CaseAcknowledged, department="990100JWJ", handler="李工", acknowledged_on=day(3), kind="report")
    c.add(CaseReassigned, from_department="990100JWJ", department="990100JWJ2", department_name="派驻纪检监察组",
          reason="管辖", decided_by="990100XFJ", decided_on=day(4))  # fmt: skip
    c.add(ExtensionApproved, department="990100JWJ", days=10, approved_by="主任", reason="核查", notified_on=day(5),
          approved_on=day(5))  # fmt: skip
    c.add(ReportFedBack, department="990100JWJ", record_no="JW-2026-17", fed_back_on=day(20))
    c.add(CaseClosed, department="990100JWJ", report="已立案审查", closed_on=day(21))
    return c.add(SatisfactionRated, rating="satisfied", rated_on=day(25))


def test_a_reports_timeline_is_received_and_forwarded_to_the_discipline_body_only(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    case = a_report()
    for delivery in case.deliveries():  # one batch each: what the view remembers of a case between batches
        sink.apply([delivery])
    assert shown(engine, case) == [("已收到", "渠道 来访 · 收到日期 2026-06-01"), ("已转纪检监察机关", "")]
    together = a_report()
    sink.apply(together.deliveries())
    assert [m for m, _ in shown(engine, together)] == ["已收到", "已转纪检监察机关"]


def test_a_declined_report_shows_the_decline_and_its_reason_only(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    case = Case("report").registered()
    case.add(PetitionNotAccepted, decided_on=day(3), reason="outside_scope", explanation="请向区纪委监委反映")
    sink.apply(case.deliveries())
    assert shown(engine, case)[1:] == [("不予受理", "理由 不属于信访受理范围")]


def test_a_decline_names_its_reason_and_legal_route_and_a_merge_names_no_other_case(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    declined = Case().registered()
    declined.add(PetitionNotAccepted, decided_on=day(2), reason="legal_procedure", routed_to="arbitration",
                 explanation="请申请劳动仲裁")  # fmt: skip
    merged = Case().registered()
    other = str(uuid4())
    merged.add(PetitionMerged, merged_into=other, merged_into_no="XF20260501BBBB0002", merged_on=day(2))
    sink.apply(declined.deliveries() + merged.deliveries())
    assert shown(engine, declined)[1:] == [("不予受理", "理由 应通过法定途径解决 · 导入途径 仲裁")]
    ((title, detail),) = shown(engine, merged)[1:]
    assert title == "已并入同一事项办理" and "XF" not in detail and other not in detail


def test_a_suggestion_and_a_duty_show_their_own_answers(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    suggestion = Case("suggestion").registered()
    suggestion.add(SuggestionAnswered, department="990100ZJJ", adoption="partly_adopted", text="感谢建议",
                   reward="表扬信", answered_on=day(20))  # fmt: skip
    duty = Case().registered()
    duty.add(DutyAnswered, department="990100ZJJ", performed=True, text="已责令停工", answered_on=day(9))
    sink.apply(suggestion.deliveries() + duty.deliveries())
    assert shown(engine, suggestion)[1:] == [("已答复", "采纳情况 部分采纳 · 回复日期 2026-06-21")]
    assert shown(engine, duty)[1:] == [("已答复", "已依法履行 · 答复日期 2026-06-10")]


# The lookup: `xinfang track`


THROTTLE = Throttle(max_failures=5, window=timedelta(minutes=15), lock=timedelta(minutes=15))
AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # 10:00 北京时间


def tracked(tmp_path: Path) -> tuple[Engine, ProjectionSink, Case]:
    engine, sink = view(tmp_path)
    case = a_claims_whole_life()
    case.events[0] = case.events[0].model_copy(update={"secret_hash": hash_secret(SECRET)})
    sink.apply(case.deliveries())
    return engine, sink, case


def refusal(engine: Engine, code: str, secret: str, now: datetime = AT) -> NotFound:
    with pytest.raises(NotFound) as refused:
        track(engine, code, secret, now, THROTTLE)
    return refused.value


def test_the_right_code_and_secret_show_the_case_number_and_its_milestones(tmp_path: Path) -> None:
    engine, _, case = tracked(tmp_path)
    found = track(engine, f" {CODE.lower()}", SECRET, AT, THROTTLE)
    assert found.case_no == "XF20260601AAAA0001"
    assert [m["milestone"] for m in found.milestones] == [m for m, _ in shown(engine, case)]
    assert len(found.milestones) == 20


def test_a_wrong_code_a_wrong_secret_and_an_unknown_code_answer_alike(tmp_path: Path, monkeypatch: Any) -> None:
    engine, _, _ = tracked(tmp_path)
    checked: list[str] = []
    real = lookup.secret_matches
    monkeypatch.setattr(lookup, "secret_matches", lambda s, h: checked.append(h) or real(s, h))
    answers = [refusal(engine, "F73HP69R", SECRET), refusal(engine, CODE, "K4M8WX2S"), refusal(engine, "ZZZZZZZZ", "")]
    assert {(type(a), a.message, a.field, a.code) for a in answers} == {(NotFound, NOT_FOUND, None, "not_found")}
    assert [h.startswith("scrypt$") for h in checked] == [True, True, True]  # one scrypt check each, found or not
    assert checked[0] == checked[2] == dummy_hash() != checked[1]


def test_five_failures_lock_the_code_even_for_the_right_secret_until_the_lock_passes(tmp_path: Path) -> None:
    engine, _, _ = tracked(tmp_path)
    for minute in range(5):
        refusal(engine, CODE, "WRONG000", AT + timedelta(minutes=minute))
    with pytest.raises(TooManyAttempts, match="查询过于频繁，请 15 分钟后再试"):
        track(engine, CODE, SECRET, AT + timedelta(minutes=4, seconds=30), THROTTLE)
    with pytest.raises(TooManyAttempts, match="请 1 分钟后再试"):
        track(engine, CODE, SECRET, AT + timedelta(minutes=18, seconds=59), THROTTLE)
    assert track(engine, CODE, SECRET, AT + timedelta(minutes=19), THROTTLE).case_no == "XF20260601AAAA0001"
    with engine.connect() as conn:
        assert conn.execute(select(attempts)).first() is None  # a success clears the count


def test_failures_count_within_the_window_only_and_a_success_resets_them(tmp_path: Path) -> None:
    engine, _, _ = tracked(tmp_path)
    for minute in (0, 5, 10, 14):
        refusal(engine, CODE, "WRONG000", AT + timedelta(minutes=minute))
    refusal(engine, CODE, "WRONG000", AT + timedelta(minutes=15))  # a new window: the first failure of it
    for minute in (16, 17, 18):
        refusal(engine, CODE, "WRONG000", AT + timedelta(minutes=minute))
    track(engine, CODE, SECRET, AT + timedelta(minutes=19), THROTTLE)
    for minute in (20, 21, 22, 23):
        refusal(engine, CODE, "WRONG000", AT + timedelta(minutes=minute))
    assert track(engine, CODE, SECRET, AT + timedelta(minutes=24), THROTTLE).milestones


def test_an_unknown_code_is_counted_and_locked_like_any_other(tmp_path: Path) -> None:
    engine, _, _ = tracked(tmp_path)
    for _ in range(5):
        refusal(engine, "ZZZZZZZZ", "WRONG000")
    with pytest.raises(TooManyAttempts):
        track(engine, "zzzzzzzz", "WRONG000", AT, THROTTLE)
    assert track(engine, CODE, SECRET, AT, THROTTLE).case_no  # another code is not locked


def test_rebuilding_the_view_keeps_the_failures(tmp_path: Path) -> None:
    engine, sink, case = tracked(tmp_path)
    for _ in range(5):
        refusal(engine, CODE, "WRONG000")
    sink.reset()
    sink.apply(case.deliveries())
    with pytest.raises(TooManyAttempts):
        track(engine, CODE, SECRET, AT, THROTTLE)


def test_a_case_registered_without_a_secret_is_not_found_by_any(tmp_path: Path) -> None:
    engine, sink = view(tmp_path)
    sink.apply(Case().registered(secret_hash="").deliveries())
    assert refusal(engine, CODE, "").message == NOT_FOUND


def test_as_of_and_as_known_at_keep_the_milestones_of_then(tmp_path: Path) -> None:
    engine, _, case = tracked(tmp_path)
    as_of = track(engine, CODE, SECRET, AT, THROTTLE, as_of=day(6))
    assert [m["milestone"] for m in as_of.milestones] == ["已收到", "需补正材料", "材料已补正", "已受理", "已交办",
                                                          "已改派"]  # fmt: skip
    fourth = next(e for e in case.events if isinstance(e, PetitionAccepted)).recorded_at
    known = track(engine, CODE, SECRET, AT, THROTTLE, known_at=fourth.astimezone(OFFICE_TIME))
    assert [m["milestone"] for m in known.milestones] == ["已收到", "需补正材料", "材料已补正", "已受理"]


def test_a_moment_without_a_zone_is_office_time() -> None:
    assert known_at_moment("2026-11-23T18:00") == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    assert known_at_moment("2026-11-23T18:00+00:00") == datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert known_at_moment(None) is None
