"""Seed the working-day calendar with every year the chinesecalendar package knows (2004–2026 in 1.11.0).

Self-contained on purpose (historical models, no app code): later years come from the system admin's page,
which can also import a year a newer package release knows."""

import datetime

import chinese_calendar
from django.db import migrations


def _name(value):
    try:
        return chinese_calendar.Holiday(value).chinese
    except ValueError:
        return "节假日"


def seed(apps, schema_editor):
    HolidayYear = apps.get_model("records", "HolidayYear")
    CalendarDay = apps.get_model("records", "CalendarDay")
    notice = f"chinesecalendar {chinese_calendar.__version__}"
    by_year = {}
    for day, value in chinese_calendar.holidays.items():
        by_year.setdefault(day.year, []).append((day, False, _name(value)))
    for day, value in chinese_calendar.workdays.items():
        if day.weekday() >= 5:
            by_year.setdefault(day.year, []).append((day, True, f"{_name(value)}调休上班"))
    for year in sorted(by_year):
        if HolidayYear.objects.filter(year=year).exists():
            continue
        holiday_year = HolidayYear.objects.create(year=year, notice=notice, source="package", complete=True)
        CalendarDay.objects.bulk_create(
            CalendarDay(holiday_year=holiday_year, date=day, is_workday=is_workday, name=name)
            for day, is_workday, name in sorted(by_year[year])
        )


def unseed(apps, schema_editor):
    apps.get_model("records", "HolidayYear").objects.filter(source="package").delete()


class Migration(migrations.Migration):
    dependencies = [("records", "0007_workday_calendar")]

    operations = [migrations.RunPython(seed, unseed)]
