from __future__ import annotations

import datetime

import pytest

from redvest.records.workdays import HOLIDAYS, add_working_days, is_working_day


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (datetime.date(2026, 11, 24), True),  # a Tuesday
        (datetime.date(2026, 11, 28), False),  # a Saturday
        (datetime.date(2026, 10, 1), False),  # 国庆
        (datetime.date(2026, 10, 10), True),  # Saturday declared a working day (调休)
        (datetime.date(2026, 2, 17), False),  # 春节
        (datetime.date(2027, 2, 5), False),  # 2027 除夕 (statutory)
        (datetime.date(2030, 10, 3), False),
    ],
)
def test_working_days_follow_the_holiday_table(day: datetime.date, working: bool) -> None:
    assert is_working_day(day) is working


def test_ten_working_days_skip_weekends() -> None:
    # Monday 2026-11-23 → two plain weeks later, Monday 2026-12-07.
    assert add_working_days(datetime.date(2026, 11, 23), 10) == datetime.date(2026, 12, 7)


def test_ten_working_days_skip_the_national_day_week_and_count_the_adjusted_sunday() -> None:
    # Friday 2026-09-18: 9/20 (调休 Sunday) counts, 9/25 中秋 and 10/1–10/7 do not.
    assert add_working_days(datetime.date(2026, 9, 18), 10) == datetime.date(2026, 10, 9)


def test_the_table_covers_2025_to_2030() -> None:
    assert {d.year for d in HOLIDAYS} == {2025, 2026, 2027, 2028, 2029, 2030}
