"""Working days read from the calendar table: seeded from chinesecalendar, one query per call, and no
guessing for a year without a complete arrangement."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from redvest.records.errors import WorkCalendarMissing
from redvest.records.models import CalendarDay, CalendarSource, HolidayYear
from redvest.records.tests.factories import CalendarDayFactory, HolidayYearFactory, package_calendar
from redvest.records.workdays import add_working_days, is_working_day, package_arrangement, package_years

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _seeded(db: None) -> None:
    package_calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 11, 24), True),  # a Tuesday
        (datetime.date(2026, 11, 28), False),  # a Saturday
        (datetime.date(2026, 10, 1), False),  # 国庆
        (datetime.date(2026, 10, 10), True),  # Saturday declared a working day (调休)
        (datetime.date(2026, 2, 17), False),  # 春节
        (datetime.date(2025, 1, 26), True),  # Sunday before 春节 2025, declared a working day
        (datetime.date(2015, 9, 3), False),  # 抗战胜利70周年纪念日
        (datetime.date(2004, 5, 6), False),  # the oldest year the package knows
    ],
)
def test_seeded_years_follow_the_published_arrangements(day: datetime.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_the_seed_holds_every_year_the_package_knows_with_its_days() -> None:
    seeded = HolidayYear.objects.filter(source=CalendarSource.PACKAGE, complete=True)
    assert set(seeded.values_list("year", flat=True)) == set(package_years())
    year_2026 = HolidayYear.objects.get(year=2026)
    stored = list(year_2026.days.order_by("date").values_list("date", "is_workday", "name"))
    assert stored == package_arrangement(2026)
    assert (datetime.date(2026, 2, 14), True, "春节调休上班") in stored
    assert (datetime.date(2026, 2, 15), False, "春节") in stored


def test_ten_working_days_skip_weekends() -> None:
    # Monday 2026-11-23 → two plain weeks later, Monday 2026-12-07.
    assert add_working_days(datetime.date(2026, 11, 23), 10) == datetime.date(2026, 12, 7)


def test_ten_working_days_skip_the_national_day_week_and_count_the_adjusted_sunday() -> None:
    # Friday 2026-09-18: 9/20 (调休 Sunday) counts, 9/25 中秋 and 10/1–10/7 do not.
    assert add_working_days(datetime.date(2026, 9, 18), 10) == datetime.date(2026, 10, 9)


def test_ten_working_days_across_the_spring_festival_count_both_swapped_saturdays() -> None:
    # Thursday 2026-02-12: 2/13, Sat 2/14 (调休), 春节 2/15–2/23 off, 2/24–2/27, Sat 2/28 (调休), 3/2, 3/3, 3/4.
    assert add_working_days(datetime.date(2026, 2, 12), 10) == datetime.date(2026, 3, 4)


def test_a_deadline_across_new_year_reads_both_years_in_one_query(django_assert_num_queries: Any) -> None:
    # Wednesday 2025-12-24: 12/25, 12/26, 12/29–12/31, 元旦 1/1–1/3 off, Sunday 1/4 (调休) counts, 1/5–1/8.
    with django_assert_num_queries(1):
        assert add_working_days(datetime.date(2025, 12, 24), 10) == datetime.date(2026, 1, 8)


def test_a_day_in_a_year_without_an_arrangement_is_refused_not_guessed() -> None:
    HolidayYear.objects.filter(year=2031).delete()
    with pytest.raises(WorkCalendarMissing) as info:
        is_working_day(datetime.date(2031, 3, 3))
    assert "2031年的节假日和调休安排尚未录入" in info.value.message
    assert info.value.status == 409


def test_a_deadline_reaching_into_a_year_without_an_arrangement_is_refused() -> None:
    HolidayYear.objects.filter(year=2027).delete()
    # Thursday 2026-12-24 needs working days in January 2027.
    with pytest.raises(WorkCalendarMissing) as info:
        add_working_days(datetime.date(2026, 12, 24), 10)
    assert info.value.year == 2027 and "2027年" in info.value.message


def test_a_year_still_being_entered_does_not_count() -> None:
    HolidayYearFactory(year=2032, complete=False)
    with pytest.raises(WorkCalendarMissing):
        add_working_days(datetime.date(2032, 3, 1), 10)


def test_days_entered_for_a_year_move_the_deadline() -> None:
    CalendarDayFactory(date=datetime.date(2033, 3, 2), name="测试假日")  # a Wednesday off
    CalendarDayFactory(date=datetime.date(2033, 3, 5), is_workday=True, name="测试调休上班")  # a Saturday on
    # Monday 2033-02-28: 3/1, [3/2 off], 3/3, 3/4, Sat 3/5, 3/7–3/11, then Monday 3/14 is the 10th.
    assert add_working_days(datetime.date(2033, 2, 28), 10) == datetime.date(2033, 3, 14)
    CalendarDay.objects.filter(date=datetime.date(2033, 3, 5)).delete()
    assert add_working_days(datetime.date(2033, 2, 28), 10) == datetime.date(2033, 3, 15)
