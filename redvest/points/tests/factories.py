"""One factory per points model, minimal defaults."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from redvest.accounts.tests.factories import UserFactory
from redvest.orgs.tests.factories import org_node
from redvest.points.models import (
    AccountKind,
    ClaimSource,
    EarningBasis,
    EarningRule,
    EntryCategory,
    ItemKind,
    MemberYearTotal,
    Merchant,
    MerchantStatus,
    PioneerConfig,
    PioneerEntry,
    PointsAccount,
    PointsClaim,
    PointsPolicy,
    PointType,
    Redemption,
    RewardItem,
)
from redvest.volunteers.tests.factories import VolunteerFactory


class EarningRuleFactory(factory.django.DjangoModelFactory):
    """10 points per credit hour for 志愿服务, no caps, no approval."""

    class Meta:
        model = EarningRule

    org = factory.LazyFunction(lambda: org_node(name="长兴县"))
    point_type = PointType.SERVICE
    basis = EarningBasis.PER_CREDIT_HOUR
    amount = 10


class PointsPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsPolicy


class VolunteerAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsAccount

    kind = AccountKind.VOLUNTEER
    volunteer = factory.SubFactory(VolunteerFactory)


class FundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsAccount

    kind = AccountKind.FUND
    name = factory.Sequence(lambda n: f"爱心基金{n}")


class MerchantFactory(factory.django.DjangoModelFactory):
    """An approved merchant (with its points account)."""

    class Meta:
        model = Merchant
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"红马甲联盟商家{n}")
    contact_name = "王店长"
    contact_phone = "0572-6012345"
    operator = factory.SubFactory(UserFactory)
    status = MerchantStatus.APPROVED
    account = factory.RelatedFactory(
        "redvest.points.tests.factories.MerchantAccountFactory", factory_related_name="merchant"
    )


class MerchantAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PointsAccount

    kind = AccountKind.MERCHANT
    name = factory.LazyAttribute(lambda o: o.merchant.name)


class RewardItemFactory(factory.django.DjangoModelFactory):
    """A bank item (no merchant) costing 50 points, 10 in stock."""

    class Meta:
        model = RewardItem

    kind = ItemKind.GOODS
    title = factory.Sequence(lambda n: f"兑换物品{n}")
    points_cost = 50
    stock = 10


class PointsClaimFactory(factory.django.DjangoModelFactory):
    """A pending 好人好事 report worth 20 points."""

    class Meta:
        model = PointsClaim

    volunteer = factory.SubFactory(VolunteerFactory)
    point_type = PointType.GOOD_DEED
    source = ClaimSource.REPORT
    title = factory.Sequence(lambda n: f"拾金不昧{n}")
    occurred_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    points = 20


class PioneerConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PioneerConfig


class PioneerEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PioneerEntry

    volunteer = factory.SubFactory(VolunteerFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
    category = EntryCategory.AWARD
    score = 5
    reason = "获评优秀志愿者"


class RedemptionFactory(factory.django.DjangoModelFactory):
    """A held reservation (no ledger movement: for permission and listing tests)."""

    class Meta:
        model = Redemption

    volunteer = factory.SubFactory(VolunteerFactory)
    quantity = 1
    points = factory.LazyAttribute(lambda o: o.item.points_cost * o.quantity)
    code = factory.Sequence(lambda n: f"{n % 1_000_000:06d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=72))


class MemberYearTotalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberYearTotal

    volunteer = factory.SubFactory(VolunteerFactory)
    year = factory.LazyFunction(lambda: timezone.localdate().year)
