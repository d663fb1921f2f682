from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import factory
from django.utils import timezone

from redvest.activities.models import (
    Activity,
    ActivityStatus,
    AgreementKind,
    AgreementTemplate,
    Attendance,
    AttendanceMethod,
    GuardianConsent,
    GuardianConsentMethod,
    InsurancePolicy,
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


class AgreementTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementTemplate
        django_get_or_create = ("kind", "version")

    kind = AgreementKind.RISKY
    version = "2026-1"
    title = factory.LazyAttribute(lambda o: AgreementKind(o.kind).label)
    text = "志愿者自愿参加本次志愿服务活动，服从活动组织者的安排。"


class InsurancePolicyFactory(factory.django.DjangoModelFactory):
    """A policy covering the activity's whole period; pass `insured=[volunteer, …]`."""

    class Meta:
        model = InsurancePolicy
        skip_postgeneration_save = True

    activity = factory.SubFactory(ActivityFactory)
    insurer = "中国人民财产保险股份有限公司长兴支公司"
    policy_number = factory.Sequence(lambda n: f"PICC2026{n:06d}")
    cover_start = factory.LazyAttribute(lambda o: o.activity.start_at - datetime.timedelta(hours=1))
    cover_end = factory.LazyAttribute(lambda o: o.activity.end_at + datetime.timedelta(hours=1))

    @factory.post_generation
    def insured(self, create: bool, extracted: list[object] | None, **kwargs: object) -> None:
        if create and extracted:
            self.insured_volunteers.set(extracted)


class GuardianConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuardianConsent

    activity = factory.SubFactory(ActivityFactory)
    volunteer = factory.SubFactory(VolunteerFactory, org=factory.SelfAttribute("..activity.org"))
    guardian_name = "张建国"
    relation = "父亲"
    method = GuardianConsentMethod.PAPER
    given_at = factory.LazyFunction(timezone.now)
