"""受理 and 交办 conflicts: a second decision, materials notice, receipt, 签收, 包案, task force, objection decision or
dispute settlement names who did the first, and when; a department's 签收 also names the unit and its handler."""

from __future__ import annotations

from datetime import date
from typing import Any
from uuid import uuid4

import pytest

from services.assignment.domain import Assignment
from services.assignment.domain.errors import (
    AlreadyAcknowledged,
    AlreadyMajor,
    AlreadyReceived,
    DisputeAlreadySettled,
    NoPendingObjection,
    ObjectionAlreadyDecided,
    TaskForceAlreadyFormed,
)
from services.intake.domain import Matter, Petition
from services.intake.domain.errors import AlreadyDecided, MaterialsAlreadyRequested
from services.intake.domain.offices import Offices
from services.runtime.errors import Conflict
from services.runtime.organisation import Organisation
from tests.support.harness import TERMS

DAY = date(2026, 11, 20)
ORG = Organisation.load()
ROLES = ["district_leader", "township_secretary", "village_secretary", "grid_worker", "police_head", "legal_worker"]
SEVEN = [{"role": r, "name": "郑国栋" if r == "district_leader" else f"{r}人", "unit": ""} for r in [*ROLES, "handler"]]


def refused(conflict: type[Conflict], act: Any) -> str:
    with pytest.raises(conflict) as raised:
        act()
    assert raised.value.code == "conflict" and raised.value.reason == conflict.reason
    return raised.value.message


def petition() -> tuple[Petition, Matter]:
    p = Petition(
        id=uuid4(), case_no="XF1", channel="letter", received_on=DAY, received_by="王", kind="claim",
        category="urban_construction", locality="990101", petitioners=[{"name": "信访人"}], request="诉求", facts="",
        collective=False, repeat=False, query_code_hash="h", entered_on=DAY,
    )  # fmt: skip
    matter = Matter(root_case=p.id)
    matter.add_case(p.id, p.case_no)
    return p, matter


def test_a_second_acceptance_decision_names_who_decided_what_and_when_art_22() -> None:
    p, matter = petition()
    p.accept(DAY, False, "李四", matter, Offices(ORG))
    message = refused(AlreadyDecided, lambda: p.decline(DAY, "outside_scope", "", "王五", matter, Offices(ORG)))
    assert message == "案件 XF1 已由 李四 于 2026-11-20 作出受理决定：予以受理"


def test_a_second_materials_notice_names_who_gave_the_first() -> None:
    p, _ = petition()
    p.request_materials(DAY, ["身份证复印件"], "李四")
    message = refused(MaterialsAlreadyRequested, lambda: p.request_materials(DAY, ["购房合同"], "王五"))
    assert "已由 李四 于 2026-11-20 一次性告知补正材料" in message


def assignment(
    leader: str = "", leader_name: str = "", lead: tuple[str, str] = ("990100ZJJ", "区住建局")
) -> Assignment:
    return Assignment(
        id=uuid4(), case_no="XF1", department=lead[0], department_name=lead[1], owning_leader=leader,
        owning_leader_name=leader_name, assigned_on=DAY, category="urban_construction", locality="990101",
        actor="派单目录",
    )  # fmt: skip


def test_a_second_acknowledgement_names_the_unit_who_entered_it_when_and_its_handler() -> None:
    a = assignment()
    a.acknowledge("990100ZJJ", "李工", DAY, "住建局系统A", TERMS)
    message = refused(AlreadyAcknowledged, lambda: a.acknowledge("990100ZJJ", "王工", DAY, "住建局系统B", TERMS))
    assert message == "案件 XF1 已由 区住建局 于 2026-11-20 签收（经办人 住建局系统A），承办人 李工"


def test_a_second_receipt_names_who_recorded_the_first_art_23() -> None:
    a = assignment()
    a.receive("990100ZJJ", DAY, "李四", TERMS)
    message = refused(AlreadyReceived, lambda: a.receive("990100ZJJ", DAY, "王五", TERMS))
    assert message == "990100ZJJ 收到案件 XF1 的交办已由 李四 于 2026-11-20 登记"


def test_marking_a_major_case_again_names_who_made_it_major_and_its_owning_leader() -> None:
    a = assignment()
    a.mark_major("stability", "涉稳", ORG, DAY, "李四")
    message = refused(AlreadyMajor, lambda: a.mark_major("stability", "再次", ORG, DAY, "王五"))
    assert message == "案件 XF1 已由 李四 于 2026-11-20 列为重大案件，由 郑国栋 包案"
    at_assignment = assignment("L05", "郑国栋")
    assert "已由 派单目录 于 2026-11-20 列为重大案件" in refused(
        AlreadyMajor, lambda: at_assignment.mark_major("stability", "再次", ORG, DAY, "王五")
    )


def test_a_second_task_force_names_who_formed_the_first() -> None:
    a = assignment("L05", "郑国栋")
    a.form_task_force(SEVEN, DAY, "李四")
    message = refused(TaskForceAlreadyFormed, lambda: a.form_task_force(SEVEN, DAY, "王五"))
    assert message == "案件 XF1 的工作专班已由 李四 于 2026-11-20 组建"


def test_deciding_an_objection_again_names_who_decided_it_and_how_art_23() -> None:
    refused_first = assignment()
    with pytest.raises(NoPendingObjection):  # nothing was ever objected to: a rule, not a conflict
        refused_first.refuse_objection("无", DAY, "王五")
    refused_first.object("990100ZJJ", "不属本单位", "", DAY, "")
    refused_first.refuse_objection("属住建职责", DAY, "李四")
    message = refused(ObjectionAlreadyDecided, lambda: refused_first.refuse_objection("再议", DAY, "王五"))
    assert message == "案件 XF1 的交办异议已由 李四 于 2026-11-20 不予采纳"
    agreed_first = assignment()
    agreed_first.object("990100ZJJ", "属城管", "990100CGJ", DAY, "")
    agreed_first.agree_objection(ORG.units["990100CGJ"], None, "同意", "990100XFJ", DAY, "李四", None)
    again = lambda: agreed_first.agree_objection(ORG.units["990100CGJ"], None, "同意", "990100XFJ", DAY, "王五", None)  # noqa: E731
    assert "已由 李四 于 2026-11-20 采纳，改由 区城市管理局（区综合行政执法局） 主办" in refused(
        ObjectionAlreadyDecided, again
    )


def test_settling_a_dispute_again_names_who_settled_it_art_24() -> None:
    a = assignment(lead=("990104002", "荷塘村"))
    a.object("990104002", "地块属莲花村", "990104003", DAY, "")
    a.refer_dispute(ORG, DAY, "李四")
    assert "已由 李四 于 2026-11-20 提请" in refused(ObjectionAlreadyDecided, lambda: a.refuse_objection("", DAY, ""))
    a.settle_dispute(ORG.units["990104003"], "属莲花村", "990104", DAY, "街道 赵六")
    again = lambda: a.settle_dispute(ORG.units["990104002"], "属荷塘村", "990104", DAY, "王五")  # noqa: E731
    assert refused(DisputeAlreadySettled, again).startswith("案件 XF1 的交办争议已由 街道 赵六 于 2026-11-20 裁定")
