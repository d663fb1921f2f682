"""A quarter as dates and as Shanghai-local datetime bounds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * self.quarter - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The quarter's last day (inclusive)."""
        nxt = (
            datetime.date(self.year + 1, 1, 1)
            if self.quarter == 4
            else datetime.date(self.year, 3 * self.quarter + 1, 1)
        )
        return nxt - datetime.timedelta(days=1)

    @property
    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes at Shanghai midnight."""
        tz = timezone.get_current_timezone()
        lo = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        hi = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz)
        return lo, hi

    @property
    def label(self) -> str:
        return f"{self.year}年第{self.quarter}季度"


def current_period() -> Period:
    today = timezone.localdate()
    return Period(today.year, (today.month - 1) // 3 + 1)


def previous_period() -> Period:
    p = current_period()
    return Period(p.year - 1, 4) if p.quarter == 1 else Period(p.year, p.quarter - 1)


def parse_period(year: object, quarter: object, *, default: Period | None = None) -> Period:
    """A period from query parameters; out-of-range or missing values give the default (last quarter)."""
    fallback = default or previous_period()
    try:
        y, q = int(str(year)), int(str(quarter))
    except (TypeError, ValueError):
        return fallback
    if not (2000 <= y <= 2100 and 1 <= q <= 4):
        return fallback
    return Period(y, q)
