from __future__ import annotations

import datetime
import secrets

import factory
from django.utils import timezone

from redvest.activities.models import ServiceCategory
from redvest.records.models import Certificate, RecordKind, RecordSource, ServiceRecord


class ServiceRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceRecord

    kind = RecordKind.CREDIT
    source = RecordSource.ATTENDANCE
    category = ServiceCategory.COMMUNITY
    minutes = 120
    served_on = factory.LazyFunction(lambda: timezone.localdate())


class CertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certificate

    number = factory.Sequence(lambda n: f"ZM2026{n:08d}")
    verify_token = factory.LazyFunction(lambda: secrets.token_urlsafe(24))
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)
    credit_minutes = 600
    honour_minutes = 0
