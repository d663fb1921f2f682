"""Quarter arithmetic (pure): the days a quarter covers and the day its report is due."""

from __future__ import annotations

import datetime

DUE_DAY = 28  # 季报 due on the 28th of the quarter's last month


def _check(year: int, quarter: int) -> None:
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2100:
        raise ValueError(f"no such quarter: {year} Q{quarter}")


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day (both inclusive) of the quarter, as Shanghai calendar dates."""
    _check(year, quarter)
    first = datetime.date(year, 3 * quarter - 2, 1)
    if quarter == 4:
        return first, datetime.date(year, 12, 31)
    return first, datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def quarter_due_on(year: int, quarter: int) -> datetime.date:
    """The 28th of the quarter's last month: Mar 28, Jun 28, Sep 28, Dec 28."""
    _check(year, quarter)
    return datetime.date(year, 3 * quarter, DUE_DAY)


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def quarter_label(year: int, quarter: int) -> str:
    return f"{year}年第{'一二三四'[quarter - 1]}季度"
