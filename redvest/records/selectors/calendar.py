"""Reads of the working-day calendar for the system admin's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from redvest.accounts.policy import is_system_admin
from redvest.core.errors import NotFound, PermissionDenied
from redvest.core.pagination import Page, paginate
from redvest.records.models import CalendarDay, HolidayYear
from redvest.records.workdays import package_years

if TYPE_CHECKING:
    from redvest.accounts.models import User


def _require_system_admin(user: User) -> None:
    if not is_system_admin(user):
        raise PermissionDenied("只有系统管理员可以维护工作日历")


def holiday_year_page(*, user: User, page: int = 1) -> Page[HolidayYear]:
    """The years in the table, newest first, each with its count of holidays and swapped working days."""
    _require_system_admin(user)
    qs = HolidayYear.objects.annotate(
        holiday_count=Count("days", filter=Q(days__is_workday=False)),
        workday_count=Count("days", filter=Q(days__is_workday=True)),
    ).order_by("-year")
    return paginate(qs, page=page)


def importable_years(*, user: User) -> list[int]:
    """Years the chinesecalendar package knows that the table does not hold yet (newest first)."""
    _require_system_admin(user)
    held = set(HolidayYear.objects.values_list("year", flat=True))
    return [year for year in reversed(package_years()) if year not in held]


@dataclass(frozen=True)
class HolidayYearDetail:
    holiday_year: HolidayYear
    days: list[CalendarDay]


def holiday_year_detail(*, user: User, year: int) -> HolidayYearDetail:
    """One year with all its days (a year holds a few dozen at most)."""
    _require_system_admin(user)
    holiday_year = HolidayYear.objects.filter(year=year).first() if 1 <= year <= 9999 else None
    if holiday_year is None:
        raise NotFound(f"尚未录入{year}年的节假日安排")
    return HolidayYearDetail(holiday_year=holiday_year, days=list(holiday_year.days.order_by("date")))
