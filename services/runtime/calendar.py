"""工作日历: public holidays and make-up working days (调休), so clocks can count working days.

The shipped file holds the State Council's schedules; a user replaces it with ``XF_CALENDAR_FILE``.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from services.runtime.errors import InvalidInput


class WorkingCalendar:
    """Which days are working days: weekdays, minus holidays, plus make-up working days."""

    def __init__(self, holidays: dict[date, str], workdays: set[date], years: set[int], name: str = ""):
        self.holidays = holidays
        self.workdays = workdays
        self.years = years
        self.name = name

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> WorkingCalendar:
        holidays: dict[date, str] = {}
        workdays: set[date] = set()
        try:
            for spec in data["years"].values():
                for first, last, title in spec.get("holidays", []):
                    day, end = date.fromisoformat(first), date.fromisoformat(last)
                    while day <= end:
                        holidays[day] = title
                        day += timedelta(days=1)
                workdays.update(date.fromisoformat(d) for d in spec.get("workdays", []))
            years = {int(y) for y in data["years"]}
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"工作日历文件格式有误: {exc}", "calendar_file") from None
        return cls(holidays, workdays, years, data.get("name", ""))

    @classmethod
    def load(cls, path: Path | None = None) -> WorkingCalendar:
        if path is None:
            text = resources.files("services").joinpath("calendar_cn.json").read_text(encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_data(json.loads(text))

    def covers(self, day: date) -> bool:
        """Whether the calendar knows this day's year (else only weekends count as rest days)."""
        return day.year in self.years

    def covers_span(self, first: date, last: date) -> bool:
        """Whether every year from ``first`` to ``last`` is in the calendar."""
        return all(year in self.years for year in range(first.year, last.year + 1))

    def first_uncovered(self, first: date, last: date) -> int | None:
        """The first year from ``first`` to ``last`` the calendar does not hold, if any."""
        return next((y for y in range(first.year, last.year + 1) if y not in self.years), None)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (the start day itself is not counted)."""
        day = start
        counted = 0
        while counted < days:
            day += timedelta(days=1)
            if self.is_working_day(day):
                counted += 1
        return day


@cache
def calendar(path: Path | None = None) -> WorkingCalendar:
    return WorkingCalendar.load(path)
