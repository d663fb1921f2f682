"""Quarter bounds and due days for every quarter, Q4 included."""

from __future__ import annotations

import datetime

import pytest

from redvest.reports.quarters import previous_quarter, quarter_bounds, quarter_due_on, quarter_of


@pytest.mark.parametrize(
    ("quarter", "due"),
    [
        (1, datetime.date(2026, 3, 28)),
        (2, datetime.date(2026, 6, 28)),
        (3, datetime.date(2026, 9, 28)),
        (4, datetime.date(2026, 12, 28)),
    ],
)
def test_report_is_due_on_the_28th_of_the_quarters_last_month(quarter: int, due: datetime.date) -> None:
    assert quarter_due_on(2026, quarter) == due


@pytest.mark.parametrize(
    ("quarter", "first", "last"),
    [
        (1, datetime.date(2028, 1, 1), datetime.date(2028, 3, 31)),
        (2, datetime.date(2028, 4, 1), datetime.date(2028, 6, 30)),
        (3, datetime.date(2028, 7, 1), datetime.date(2028, 9, 30)),
        (4, datetime.date(2028, 10, 1), datetime.date(2028, 12, 31)),
    ],
)
def test_quarter_bounds_cover_its_three_months(quarter: int, first: datetime.date, last: datetime.date) -> None:
    assert quarter_bounds(2028, quarter) == (first, last)


def test_quarter_of_a_day_and_the_quarter_before_q1_is_last_years_q4() -> None:
    assert quarter_of(datetime.date(2026, 12, 31)) == (2026, 4)
    assert quarter_of(datetime.date(2026, 4, 1)) == (2026, 2)
    assert previous_quarter(2026, 1) == (2025, 4)
    assert previous_quarter(2026, 3) == (2026, 2)


@pytest.mark.parametrize("quarter", [0, 5])
def test_no_fifth_quarter(quarter: int) -> None:
    with pytest.raises(ValueError):
        quarter_due_on(2026, quarter)
