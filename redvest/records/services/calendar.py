"""The working-day calendar: each year's holiday arrangement, entered by the system admin from the State
Council's notice (or imported from the chinesecalendar package), every change audited."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import transaction

from redvest.accounts.policy import is_system_admin
from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied
from redvest.records.errors import (
    CalendarDayInvalid,
    HolidayYearExists,
    HolidayYearUnavailable,
    ReasonRequired,
)
from redvest.records.models import CalendarDay, CalendarSource, DayKind, HolidayYear
from redvest.records.workdays import package_arrangement

if TYPE_CHECKING:
    from redvest.accounts.models import User

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_SPAN_DAYS = 31
MAX_NAME_LENGTH = 40
MAX_NOTICE_LENGTH = 200


def _require_system_admin(actor: User) -> None:
    if not is_system_admin(actor):
        raise PermissionDenied("只有系统管理员可以维护工作日历")


def _check_year(year: int) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not MIN_YEAR <= year <= MAX_YEAR:
        raise CalendarDayInvalid(f"年份须在{MIN_YEAR}至{MAX_YEAR}之间", field="year")


def _clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise ReasonRequired("原因不能超过300字", field="reason")
    return reason


def _clean_notice(notice: str) -> str:
    notice = (notice or "").strip()
    if len(notice) > MAX_NOTICE_LENGTH:
        raise CalendarDayInvalid(f"依据通知不能超过{MAX_NOTICE_LENGTH}个字", field="notice")
    return notice


def _day_state(day: CalendarDay | None) -> dict[str, object] | None:
    if day is None:
        return None
    return {"date": day.date.isoformat(), "is_workday": day.is_workday, "name": day.name}


@transaction.atomic
def holiday_year_create(*, actor: User, year: int, notice: str = "") -> HolidayYear:
    """Open a year for entry from its notice; its days count only once it is confirmed complete.
    Raises PermissionDenied, CalendarDayInvalid, HolidayYearExists."""
    _require_system_admin(actor)
    _check_year(year)
    notice = _clean_notice(notice)
    if HolidayYear.objects.filter(year=year).exists():
        raise HolidayYearExists(f"{year}年的节假日安排已存在，请直接修改", field="year")
    holiday_year = HolidayYear.objects.create(year=year, notice=notice, source=CalendarSource.NOTICE)
    audit_record(actor=actor, action="create", target=holiday_year, after={"year": year, "notice": notice})
    return holiday_year


@transaction.atomic
def holiday_year_import(*, actor: User, year: int) -> HolidayYear:
    """Take a year the table lacks from the chinesecalendar package, complete at once.
    Raises PermissionDenied, CalendarDayInvalid, HolidayYearExists, HolidayYearUnavailable."""
    _require_system_admin(actor)
    _check_year(year)
    days = package_arrangement(year)
    if not days:
        raise HolidayYearUnavailable(field="year")
    if HolidayYear.objects.filter(year=year).exists():
        raise HolidayYearExists(f"{year}年的节假日安排已存在，请直接修改", field="year")
    holiday_year = HolidayYear.objects.create(
        year=year, notice="chinesecalendar 数据包", source=CalendarSource.PACKAGE, complete=True
    )
    CalendarDay.objects.bulk_create(
        CalendarDay(holiday_year=holiday_year, date=day, is_workday=is_workday, name=name)
        for day, is_workday, name in days
    )
    audit_record(
        actor=actor,
        action="create",
        target=holiday_year,
        after={"year": year, "source": CalendarSource.PACKAGE.label, "count": len(days), "complete": True},
    )
    return holiday_year


@transaction.atomic
def holiday_year_confirm(
    *, actor: User, holiday_year: HolidayYear, complete: bool, notice: str, reason: str = ""
) -> HolidayYear:
    """Confirm a year complete (its days then count for deadlines) or reopen it; withdrawing a year in force
    needs a reason. Raises PermissionDenied, CalendarDayInvalid, ReasonRequired."""
    _require_system_admin(actor)
    holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
    notice = _clean_notice(notice)
    reason = _clean_reason(reason)
    if holiday_year.complete and not complete and not reason:
        raise ReasonRequired("撤回已生效年份的确认须填写原因", field="reason")
    before = {"complete": holiday_year.complete, "notice": holiday_year.notice}
    after = {"complete": complete, "notice": notice}
    if before == after:
        return holiday_year
    holiday_year.complete = complete
    holiday_year.notice = notice
    holiday_year.save(update_fields=["complete", "notice", "updated_at"])
    audit_record(actor=actor, action="update", target=holiday_year, before=before, after=after, reason=reason)
    return holiday_year


@transaction.atomic
def calendar_days_set(
    *,
    actor: User,
    holiday_year: HolidayYear,
    first: datetime.date,
    last: datetime.date | None,
    kind: str,
    name: str,
    reason: str = "",
) -> int:
    """Mark the dates first..last (at most 31, all in the year) as holiday, swapped working day or ordinary
    again; a change to a year already in force needs a reason. Each changed day is one audit row. Returns
    how many days changed. Raises PermissionDenied, CalendarDayInvalid, ReasonRequired."""
    _require_system_admin(actor)
    holiday_year = HolidayYear.objects.select_for_update().get(pk=holiday_year.pk)
    last = last or first
    if kind not in DayKind.values:
        raise CalendarDayInvalid("请选择安排", field="kind")
    if last < first:
        raise CalendarDayInvalid("结束日期不能早于开始日期", field="last")
    if first.year != holiday_year.year or last.year != holiday_year.year:
        raise CalendarDayInvalid(f"日期须在{holiday_year.year}年内；跨年的日期请在其所在年份中录入", field="first")
    if (last - first).days + 1 > MAX_SPAN_DAYS:
        raise CalendarDayInvalid(f"一次最多录入{MAX_SPAN_DAYS}天", field="last")
    name = (name or "").strip()
    if kind != DayKind.ORDINARY and not name:
        raise CalendarDayInvalid("请填写名称，如“春节”", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise CalendarDayInvalid(f"名称不能超过{MAX_NAME_LENGTH}个字", field="name")
    reason = _clean_reason(reason)
    if holiday_year.complete and not reason:
        raise ReasonRequired("该年份的安排已生效，修改须填写原因（如通知文号或更正说明）", field="reason")

    existing = {d.date: d for d in CalendarDay.objects.select_for_update().filter(date__range=(first, last))}
    changed = 0
    day = first
    while day <= last:
        row = existing.get(day)
        before = _day_state(row)
        if kind == DayKind.ORDINARY:
            if row is not None:
                audit_record(actor=actor, action="delete", target=row, before=before, reason=reason)
                row.delete()
                changed += 1
        else:
            is_workday = kind == DayKind.WORKDAY
            if row is None:
                row = CalendarDay.objects.create(holiday_year=holiday_year, date=day, is_workday=is_workday, name=name)
                audit_record(actor=actor, action="create", target=row, after=_day_state(row), reason=reason)
                changed += 1
            elif (row.is_workday, row.name) != (is_workday, name):
                row.is_workday, row.name = is_workday, name
                row.save(update_fields=["is_workday", "name"])
                audit_record(
                    actor=actor, action="update", target=row, before=before, after=_day_state(row), reason=reason
                )
                changed += 1
        day += datetime.timedelta(days=1)
    if changed:
        holiday_year.save(update_fields=["updated_at"])
    return changed
