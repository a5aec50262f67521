"""The million-event benchmark's copies are valid events of new cases, and the indexed reads (a unit's 待办 from its
duties, a period's 考核 from its months) answer exactly what reading every case file answers."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine

from events import decode
from projections.casefile import fold_all
from projections.casefiles import CaseFiles, files_as_of, files_in_period, files_owed_by, owing_units
from projections.views.assessment import assess, parse_period
from projections.views.inbox import inbox
from services.runtime.organisation import organisation
from tests.support.casefiles import Case
from xinfang.bench_scale import EVENT_ID, GAP_WEEKS, Lead, copy_case, differences, leads, template_of

d = date
ZJJ = "990100ZJJ"


def real_case() -> tuple[str, list[tuple[str, bytes]]]:
    """A case as the pipeline leaves it: replied, closed and rated, its 告知 clock still running."""
    c = Case("XF20261203ABCDEF01")
    events = [
        c.registered(d(2026, 12, 1), tracking_key="a" * 64, petitioner_key="b" * 64),
        c.accepted(d(2026, 12, 1)),
        c.clock("handling", d(2026, 12, 1), d(2027, 1, 30)),
        c.assigned(ZJJ, d(2026, 12, 1), leader="L05"),
        c.received(ZJJ, d(2026, 12, 1)),
        c.clock("receipt_notice", d(2026, 12, 1), d(2026, 12, 16)),
        c.acknowledged(ZJJ, d(2026, 12, 1)),
        c.replied(ZJJ, d(2026, 12, 2)),
        c.stopped("handling", d(2026, 12, 2), d(2027, 1, 30)),
        c.closed(ZJJ, d(2026, 12, 2)),
        c.rated("satisfied", d(2026, 12, 3)),
    ]
    return c.case_id, [(e.subject, e.to_json()) for e in events]


def test_copies_are_contract_events_of_new_cases_each_with_its_own_ids() -> None:
    template = template_of(*real_case())
    bureaus = leads(organisation())
    made = [copy_case(template, n, (n % 3) * GAP_WEEKS, bureaus[n % len(bureaus)], n % 2 == 1) for n in range(40)]
    events = [decode(subject, data) for case in made for subject, data in case]
    assert len({e.event_id for e in events}) == len(events)  # distinct everywhere, so Nats-Msg-Id dedupes none
    ids = [EVENT_ID.search(data) for case in made for _, data in case]  # the Nats-Msg-Id the publisher sends
    assert [m[1].decode() if m else None for m in ids] == [json.loads(data)["event_id"] for c in made for _, data in c]
    files = fold_all(events)
    assert len(files) == 40 and template.case_id not in files
    assert len({f.case_no for f in files.values()}) == 40
    assert all(decode(subject, data).subject == subject for case in made for subject, data in case)
    for n, case in enumerate(made):
        file = files[decode(*case[0]).case_id]
        assert file.received_on == d(2026, 12, 1) - timedelta(weeks=(n % 3) * GAP_WEEKS)
        assert file.lead == bureaus[n % len(bureaus)].unit
        assert (owing_units(file) == []) is (n % 2 == 1)  # history owes nothing; this month's copies owe 告知


def store(tmp_path: Path, events: list) -> object:  # type: ignore[type-arg]
    engine = create_engine(f"sqlite:///{tmp_path}/projections.db")
    CaseFiles().create(engine)
    for start in range(0, len(events), 7):  # in batches, so files are written and rewritten
        with engine.begin() as conn:
            CaseFiles().apply(conn, events[start : start + 7])
    return engine


def test_a_units_inbox_and_a_periods_assessment_from_the_indexes_are_those_of_every_file(tmp_path: Path) -> None:
    template = template_of(*real_case())
    lead = Lead(ZJJ, "区住房和城乡建设局", "L05", "郑国栋")
    other = Lead("990100RSJ", "区人力资源和社会保障局", "", "")
    events = [decode(s, data) for s, data in template.messages]
    for n in range(30):
        case = copy_case(template, n, n * 3, lead if n % 2 else other, n % 4 == 0)
        events += [decode(s, data) for s, data in case]
    first = Case("R1")  # a case that a later one repeats: 初信初访 and 首办 read across the two
    later = Case("R2")
    at = datetime(2026, 9, 20, tzinfo=UTC)
    events += [
        first.registered(d(2026, 8, 3)), first.accepted(d(2026, 8, 3)), first.assigned(ZJJ, d(2026, 8, 4)),
        first.closed(ZJJ, d(2026, 9, 1)),
        later.registered(d(2026, 10, 5), at, repeat=True, related_case=first.case_id),
    ]  # fmt: skip
    engine = store(tmp_path, events)
    with engine.connect() as conn:  # type: ignore[attr-defined]
        every = {k: f for k, f in files_as_of(conn).items() if f.received_on is not None}
        for unit in (ZJJ, "990100RSJ", "990100XFJ", "990102"):
            for day in (d(2026, 1, 5), d(2026, 12, 3), d(2027, 3, 1)):
                assert inbox(files_owed_by(conn, unit), unit, day) == inbox(every.values(), unit, day)
        for name in ("2026-12", "2026-09", "2026-10", "2026-Q3", "2026", "2025-07"):
            period = parse_period(name)
            mine = files_in_period(conn, period.start, period.end)
            for by in ("unit", "district", "leader"):
                assert assess(mine, period, d(2026, 12, 3), by) == assess(every, period, d(2026, 12, 3), by)


def test_reads_that_differ_between_sizes_are_named_row_by_row() -> None:
    small = [{"case_no": "A"}, {"case_no": "B"}]
    assert differences(small, list(reversed(small))) == "the same rows in another order"
    named = differences(small, [{"case_no": "B"}, {"case_no": "C"}])
    assert named == "only @small (1): [{'case_no': 'A'}]; only @big (1): [{'case_no': 'C'}]"
