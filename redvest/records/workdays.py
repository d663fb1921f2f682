"""Working days in mainland China, for the 10-working-day make-up (补录) window.

A working day is Monday to Friday unless it is a public holiday in the table below, plus the
weekend days the State Council declares working days (调休上班). 2025 and 2026 follow the published
arrangements (国务院办公厅通知, Nov 2024 and Nov 2025). For 2027–2030 the arrangements are not yet
published, so the table holds the statutory holidays only (全国年节及纪念日放假办法, 2025 edition:
元旦 1, 春节 4 from 除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3 days); update each November
when the next year's notice comes out. Outside 2025–2030 only weekends are skipped.
"""

from __future__ import annotations

import datetime


def _days(year: int, *spans: tuple[int, int, int, int]) -> set[datetime.date]:
    """Each span is (month, day, month, day), inclusive."""
    out: set[datetime.date] = set()
    for m1, d1, m2, d2 in spans:
        day = datetime.date(year, m1, d1)
        last = datetime.date(year, m2, d2)
        while day <= last:
            out.add(day)
            day += datetime.timedelta(days=1)
    return out


HOLIDAYS: frozenset[datetime.date] = frozenset(
    # 2025: published arrangement.
    _days(2025, (1, 1, 1, 1), (1, 28, 2, 4), (4, 4, 4, 6), (5, 1, 5, 5), (5, 31, 6, 2), (10, 1, 10, 8))
    # 2026: published arrangement.
    | _days(
        2026, (1, 1, 1, 3), (2, 15, 2, 23), (4, 4, 4, 6), (5, 1, 5, 5), (6, 19, 6, 21), (9, 25, 9, 27), (10, 1, 10, 7)
    )
    # 2027–2030: statutory days only (春节 from 除夕; 清明, 端午, 中秋 by the calendar).
    | _days(2027, (1, 1, 1, 1), (2, 5, 2, 8), (4, 5, 4, 5), (5, 1, 5, 2), (6, 9, 6, 9), (9, 15, 9, 15), (10, 1, 10, 3))
    | _days(2028, (1, 1, 1, 1), (1, 25, 1, 28), (4, 4, 4, 4), (5, 1, 5, 2), (5, 28, 5, 28), (10, 1, 10, 3))
    | _days(
        2029, (1, 1, 1, 1), (2, 12, 2, 15), (4, 4, 4, 4), (5, 1, 5, 2), (6, 16, 6, 16), (9, 22, 9, 22), (10, 1, 10, 3)
    )
    | _days(2030, (1, 1, 1, 1), (2, 2, 2, 5), (4, 5, 4, 5), (5, 1, 5, 2), (6, 5, 6, 5), (9, 12, 9, 12), (10, 1, 10, 3))
)

# Weekend days declared working days (调休上班) in the published arrangements.
ADJUSTED_WORKDAYS: frozenset[datetime.date] = frozenset(
    datetime.date(*ymd)
    for ymd in (
        (2025, 1, 26),
        (2025, 2, 8),
        (2025, 4, 27),
        (2025, 9, 28),
        (2025, 10, 11),
        (2026, 1, 4),
        (2026, 2, 14),
        (2026, 2, 28),
        (2026, 5, 9),
        (2026, 9, 20),
        (2026, 10, 10),
    )
)


def is_working_day(day: datetime.date) -> bool:
    if day in ADJUSTED_WORKDAYS:
        return True
    return day.weekday() < 5 and day not in HOLIDAYS


def add_working_days(start: datetime.date, count: int) -> datetime.date:
    """The `count`-th working day after `start` (start itself not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day
