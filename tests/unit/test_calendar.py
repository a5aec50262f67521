"""The working-day calendar: weekends, public holidays, make-up working days (调休), a replaceable file."""

from datetime import date

import pytest

from events.vocabulary import DayCount
from services.runtime.calendar import WorkingCalendar, calendar
from services.runtime.errors import InvalidInput
from services.runtime.limits import due_date


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
