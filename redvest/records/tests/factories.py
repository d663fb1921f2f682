from __future__ import annotations

import datetime
import importlib
import secrets
from typing import Any

import factory
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.utils import timezone

from redvest.activities.models import ServiceCategory
from redvest.records.models import (
    Anomaly,
    AnomalyKind,
    CalendarDay,
    CalendarSource,
    Certificate,
    CorrectionProposal,
    HolidayYear,
    RecordDispute,
    RecordKind,
    RecordSource,
    ServiceRecord,
    StarLevelConfig,
)

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF_BYTES = b"%PDF-1.4\n%evidence\n"


def png_upload(name: str = "evidence.png") -> ContentFile:
    """A small file that is a PNG by name and by content, for evidence fields."""
    return ContentFile(PNG_BYTES, name=name)


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    """A bare ledger row (no totals moved): for policy tests. Use `post_record` where totals matter."""

    class Meta:
        model = ServiceRecord

    org = factory.SelfAttribute("volunteer.org")  # credited to the volunteer's org, as record_append does
    kind = RecordKind.CREDIT
    source = RecordSource.ATTENDANCE
    category = ServiceCategory.COMMUNITY
    minutes = 120
    served_on = factory.LazyFunction(lambda: timezone.localdate())


def post_record(*, volunteer: Any, minutes: int = 120, **kw: Any) -> ServiceRecord:
    """An entry through the real append path (entry + totals + audit)."""
    from redvest.records.services import record_append

    activity = kw.pop("activity", None)
    defaults: dict[str, Any] = {
        "actor": None,
        "kind": RecordKind.CREDIT,
        "source": RecordSource.ATTENDANCE,
        "category": activity.category if activity is not None else ServiceCategory.COMMUNITY,
        "served_on": timezone.localtime(activity.start_at).date() if activity is not None else timezone.localdate(),
    }
    if activity is not None:
        defaults["start_at"] = activity.start_at
        defaults["end_at"] = activity.start_at + datetime.timedelta(minutes=max(minutes, 0))
    defaults.update(kw)
    return record_append(volunteer=volunteer, minutes=minutes, activity=activity, **defaults)


class RecordDisputeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecordDispute

    record = factory.SubFactory(ServiceRecordFactory)
    volunteer = factory.SelfAttribute("record.volunteer")
    reason = "签退时间记录有误"
    claimed_minutes = 150


class CorrectionProposalFactory(factory.django.DjangoModelFactory):
    """A pending proposal to raise a record (for policy tests; services: `correction_propose`)."""

    class Meta:
        model = CorrectionProposal

    record = factory.SubFactory(ServiceRecordFactory)
    volunteer = factory.SelfAttribute("record.volunteer")
    anchor_org = factory.SelfAttribute("record.volunteer.org")
    minutes_before = factory.SelfAttribute("record.minutes")
    minutes = factory.LazyAttribute(lambda o: o.record.minutes + 30)
    reason = "签退漏记"
    evidence_note = "签到表显示全程在场"


class AnomalyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Anomaly

    kind = AnomalyKind.OVER_12_HOURS
    detail = "当日累计超过12小时"


class StarLevelConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StarLevelConfig

    thresholds_hours = factory.LazyFunction(lambda: [10, 20, 30, 40, 50])


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"ZM2026{n:08d}")
    verify_token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    credit_minutes = 600
    honour_minutes = 0
    issuing_org = factory.LazyAttribute(lambda o: o.volunteer.org)


class HolidayYearFactory(factory.django.DjangoModelFactory):
    """A year's arrangement, complete and with no days unless given: a year of plain weeks."""

    class Meta:
        model = HolidayYear
        django_get_or_create = ("year",)

    year = 2027
    notice = "国务院办公厅关于部分节假日安排的通知"
    source = CalendarSource.NOTICE
    complete = True


class CalendarDayFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarDay

    holiday_year = factory.LazyAttribute(lambda o: HolidayYearFactory(year=o.date.year))
    is_workday = False
    name = "春节"


def package_calendar() -> None:
    """The years the data migration seeds from chinesecalendar, again: a transactional test elsewhere in the
    run flushes every table, migration data included. The migration skips years already there."""
    seed = importlib.import_module("redvest.records.migrations.0008_seed_workday_calendar_from_chinesecalendar").seed
    seed(django_apps, None)


def calendar_around_today() -> None:
    """Make sure last, this and next year have an arrangement, so that make-up tests do not depend on the
    date they run: years the seed holds keep theirs, later ones get plain weeks."""
    package_calendar()
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year, this_year + 1):
        HolidayYearFactory(year=year)
