"""Working days in mainland China, for the 10-working-day make-up (补录) window.

A working day is Monday to Friday unless the year's arrangement (国务院办公厅 notice) makes it a holiday,
plus the weekend days it declares working days (调休上班). The arrangements live in the tables
`HolidayYear` and `CalendarDay`, seeded from the chinesecalendar package and kept up by the system admin
each year; a day in a year without a complete arrangement cannot be judged, and asking about it raises
`WorkCalendarMissing` instead of guessing from weekends.

Each call of `work_calendar` is one query; callers judging many dates (a list of activities) load one
calendar for the whole span rather than asking day by day. Nothing is cached between requests, so a
correction counts at once.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import chinese_calendar

from redvest.records.errors import WorkCalendarMissing
from redvest.records.models import HolidayYear


@dataclass(frozen=True)
class WorkCalendar:
    """The arrangement of the complete years within [first, last]."""

    first: datetime.date
    last: datetime.date
    known_years: frozenset[int]
    holidays: frozenset[datetime.date]
    adjusted_workdays: frozenset[datetime.date]

    def is_working_day(self, day: datetime.date) -> bool:
        """Raises WorkCalendarMissing for a day of a year without a complete arrangement."""
        if not self.first <= day <= self.last:
            raise ValueError(f"{day} lies outside the loaded calendar {self.first}–{self.last}")
        if day.year not in self.known_years:
            raise WorkCalendarMissing(year=day.year)
        if day in self.adjusted_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def add_working_days(self, start: datetime.date, count: int) -> datetime.date:
        """The `count`-th working day after `start` (start itself not counted). Raises WorkCalendarMissing."""
        day = start
        remaining = count
        while remaining > 0:
            day += datetime.timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        return day


def horizon(count: int) -> datetime.timedelta:
    """Calendar days that surely hold `count` working days: the longest break (春节, 9 days) plus weekends."""
    return datetime.timedelta(days=count * 2 + 31)


def work_calendar(first: datetime.date, last: datetime.date) -> WorkCalendar:
    """Load the arrangement for the dates [first, last] in one query (each complete year with its days)."""
    rows = (
        HolidayYear.objects.filter(year__range=(first.year, last.year), complete=True)
        .values_list("year", "days__date", "days__is_workday")
        .order_by()
    )
    years: set[int] = set()
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    for year, day, is_workday in rows:
        years.add(year)
        if day is not None:
            (workdays if is_workday else holidays).add(day)
    return WorkCalendar(
        first=first,
        last=last,
        known_years=frozenset(years),
        holidays=frozenset(holidays),
        adjusted_workdays=frozenset(workdays),
    )


def is_working_day(day: datetime.date) -> bool:
    """One query. Raises WorkCalendarMissing."""
    return work_calendar(day, day).is_working_day(day)


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start`, in one query. Raises WorkCalendarMissing."""
    return work_calendar(start, start + horizon(count)).add_working_days(start, count)


def package_years() -> range:
    """The years the installed chinesecalendar release knows."""
    known = chinese_calendar.holidays.keys()
    return range(min(known).year, max(known).year + 1)


def package_arrangement(year: int) -> list[tuple[datetime.date, bool, str]]:
    """The year's departures from Monday to Friday per the chinesecalendar package, as (date, is_workday,
    name), sorted; empty for a year it does not know. Weekday entries of its workday table change nothing."""

    def label(value: str) -> str:
        try:
            return str(chinese_calendar.Holiday(value).chinese)
        except ValueError:
            return "节假日"

    days = [(day, False, label(value)) for day, value in chinese_calendar.holidays.items() if day.year == year]
    days += [
        (day, True, f"{label(value)}调休上班")
        for day, value in chinese_calendar.workdays.items()
        if day.year == year and day.weekday() >= 5
    ]
    return sorted(days)
