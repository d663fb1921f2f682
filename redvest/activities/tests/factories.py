from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import factory
from django.utils import timezone

from redvest.activities.models import (
    Activity,
    ActivityStatus,
    Attendance,
    AttendanceMethod,
    QuarterlyTheme,
    ServiceCategory,
    SignUp,
    SignUpStatus,
    TallyCategory,
)
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node
from redvest.volunteers.tests.factories import VolunteerFactory


class ActivityFactory(factory.django.DjangoModelFactory):
    """A published activity tomorrow 09:00–11:00 Shanghai time at 长兴县城 (30.9N, 119.9E)."""

    class Meta:
        model = Activity

    title = factory.Sequence(lambda n: f"志愿服务活动{n}")
    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
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


class SignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignUp

    activity = factory.SubFactory(ActivityFactory)
    volunteer = factory.SubFactory(VolunteerFactory, org=factory.SelfAttribute("..activity.org"))
    status = SignUpStatus.APPROVED


class AttendanceFactory(factory.django.DjangoModelFactory):
    """An open stay checked in at the activity's start."""

    class Meta:
        model = Attendance

    activity = factory.SubFactory(ActivityFactory)
    volunteer = factory.SubFactory(VolunteerFactory, org=factory.SelfAttribute("..activity.org"))
    check_in_at = factory.LazyAttribute(lambda o: o.activity.start_at)
    check_in_method = AttendanceMethod.CODE


class QuarterlyThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuarterlyTheme

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    year = 2026
    quarter = 1
    title = factory.Sequence(lambda n: f"季度主题{n}")


class TallyCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TallyCategory

    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    name = factory.Sequence(lambda n: f"清理垃圾{n}")
    unit = "千克"
