"""The working-day calendar: weekends, public holidays, make-up working days (调休), a replaceable file."""

from datetime import date

import pytest

from events.supervision import DeadlineRecorded
from events.vocabulary import DayCount
from projections.ledger import Ledger
from services.runtime.calendar import WorkingCalendar, calendar
from services.runtime.errors import InvalidInput
from services.runtime.limits import STATUTE, Terms, due_date
from services.runtime.settings import Settings
from services.supervision.domain.deadlines import recompute
from tests.unit import supervision_kit as kit
from xinfang.supervisor import calendar_warning


def test_weekends_are_rest_days_and_weekdays_work() -> None:
    cal = calendar()
    assert cal.is_working_day(date(2026, 11, 20))  # Friday
    assert not cal.is_working_day(date(2026, 11, 21))  # Saturday


def test_national_day_is_a_holiday_and_its_make_up_saturday_is_a_working_day() -> None:
    cal = calendar()
    assert not cal.is_working_day(date(2026, 10, 5))  # Monday, 国庆节
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, 调休上班


def test_five_working_days_skip_the_spring_festival() -> None:
    # Assigned Friday 13 Feb 2026: Sat 14 Feb is a make-up working day, 15-23 Feb is 春节.
    assert calendar().add_working_days(date(2026, 2, 13), 5) == date(2026, 2, 27)


def test_calendar_days_are_plain_days() -> None:
    assert due_date(date(2026, 9, 30), 15, DayCount.calendar, calendar()) == date(2026, 10, 15)
    assert due_date(date(2026, 9, 30), 5, DayCount.working, calendar()) == date(2026, 10, 13)


def test_a_user_calendar_replaces_the_shipped_one(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "cal.json"
    path.write_text('{"years": {"2027": {"holidays": [["2027-01-01", "2027-01-01", "元旦"]], "workdays": []}}}')
    cal = WorkingCalendar.load(path)
    assert not cal.is_working_day(date(2027, 1, 1))
    assert cal.covers(date(2027, 6, 1)) and not cal.covers(date(2026, 6, 1))


def test_a_malformed_calendar_is_refused_with_a_clear_error() -> None:
    with pytest.raises(InvalidInput):
        WorkingCalendar.from_data({"years": {"2027": {"holidays": [["not a date", "x", "y"]]}}})


def test_a_working_day_deadline_in_a_year_the_calendar_lacks_is_marked_in_the_ledger() -> None:
    """2027's holidays are not in the shipped file: 5 working days from 28 Dec 2026 end in 2027 on weekends only."""
    case = "c1"
    clocks = recompute(
        [kit.assigned(case, date(2026, 12, 21)), kit.received(case, date(2026, 12, 28))],
        STATUTE,
        calendar(),
    )
    objection, notice = clocks[("objection", 1)], clocks[("receipt_notice", 1)]  # type: ignore[index]
    assert objection.uncovered and objection.due_on == date(2027, 1, 4)
    assert not notice.uncovered  # calendar days need no holiday schedule
    within = recompute([kit.received(case, date(2026, 11, 2))], STATUTE, calendar())
    assert not within[("objection", 1)].uncovered  # type: ignore[index]
    assert Terms(STATUTE, calendar()).calendar.first_uncovered(date(2026, 11, 23), date(2027, 2, 21)) == 2027
    recorded = kit.public(
        DeadlineRecorded, case, clock="objection", starts_on=date(2026, 12, 28), due_on=date(2027, 1, 4),
        limit_days=5, count="working", calendar_uncovered=True,
    )  # fmt: skip
    values = Ledger.handlers[DeadlineRecorded](recorded, {})
    assert values["objection_due"] == date(2027, 1, 4) and values["uncovered_clocks"] == "objection"


def test_xinfang_up_warns_when_the_next_90_days_reach_a_year_the_calendar_lacks() -> None:
    assert "2027" in calendar_warning(Settings(today=date(2026, 11, 23)))
    assert calendar_warning(Settings(today=date(2026, 6, 1))) == ""
