from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import factory
from django.utils import timezone

from redvest.activities.models import Activity, ActivityStatus, ServiceCategory


class ActivityFactory(factory.django.DjangoModelFactory):
    """A published activity tomorrow 09:00–11:00 Shanghai time at 长兴县城 (30.9N, 119.9E)."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"志愿服务活动{n}")
    category = ServiceCategory.COMMUNITY
    place = "长兴县雉城街道城东社区"
    latitude = Decimal("30.900000")
    longitude = Decimal("119.900000")
    start_at = factory.LazyFunction(
        lambda: timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=1)
    )
    end_at = factory.LazyAttribute(lambda o: o.start_at + datetime.timedelta(hours=2))
    recruit_start = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=3))
    recruit_end = factory.LazyAttribute(lambda o: o.start_at)
    quota = 10
    status = ActivityStatus.PUBLISHED
    checkin_secret = factory.LazyFunction(lambda: secrets.token_hex(32))
