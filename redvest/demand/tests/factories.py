"""One factory per demand model, minimal defaults; helpers for the usual people and places."""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory
from redvest.core.crypto import blind_index, encrypt, mask_phone
from redvest.demand.models import (
    Callback,
    Dispatch,
    Feedback,
    FeedbackSource,
    MenuOrder,
    Open311Client,
    Rating,
    RequestChannel,
    Resident,
    ServiceAttribute,
    ServiceItem,
    ServiceRequest,
    SpotCheck,
)
from redvest.orgs.models import OrgKind, OrgNode, Station
from redvest.orgs.tests.factories import org_node

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
# 长兴县城 around 30.97N 119.91E: small offsets are a few hundred metres.
CITY = (Decimal("30.970000"), Decimal("119.910000"))


def png(name: str = "site.png") -> ContentFile:
    return ContentFile(PNG_BYTES, name=name)


class ServiceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceItem

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"测试服务{n}")
    category = "life"
    description = "测试用服务项目"
    arrival_minutes = 30
    resolution_minutes = 24 * 60


class ServiceAttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceAttribute

    item = factory.SubFactory(ServiceItemFactory)
    code = factory.Sequence(lambda n: f"attr{n}")
    description = "附加问题"
    order = factory.Sequence(lambda n: n + 1)


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    class Params:
        raw_phone = factory.Sequence(lambda n: f"139{n:08d}")

    name = factory.Sequence(lambda n: f"居民{n}")
    phone_encrypted = factory.LazyAttribute(lambda o: encrypt(o.raw_phone))
    phone_hash = factory.LazyAttribute(lambda o: blind_index(o.raw_phone))
    phone_masked = factory.LazyAttribute(lambda o: mask_phone(o.raw_phone))
    address = "长兴县雉城街道城东路8号"


class ServiceRequestFactory(factory.django.DjangoModelFactory):
    """An open hotline request created now, due in 30 minutes / 24 hours."""

    class Meta:
        model = ServiceRequest

    number = factory.Sequence(lambda n: f"20260101{n:04d}")
    token = factory.LazyFunction(lambda: secrets.token_hex(12))
    channel = RequestChannel.HOTLINE
    item = factory.SubFactory(ServiceItemFactory)
    category = factory.LazyAttribute(lambda o: o.item.category)
    area = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    description = "家里水管漏水，需要上门维修"
    address = "长兴县雉城街道城东路8号"
    latitude = CITY[0]
    longitude = CITY[1]
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.LazyAttribute(lambda o: o.created_at)
    arrival_due_at = factory.LazyAttribute(lambda o: o.created_at + datetime.timedelta(minutes=30))
    resolution_due_at = factory.LazyAttribute(lambda o: o.created_at + datetime.timedelta(hours=24))


class DispatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dispatch

    request = factory.SubFactory(ServiceRequestFactory)
    dispatched_at = factory.LazyAttribute(lambda o: o.request.created_at)
    accept_due_at = factory.LazyAttribute(lambda o: o.dispatched_at + datetime.timedelta(minutes=10))


class CallbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Callback

    request = factory.SubFactory(ServiceRequestFactory, status="resolved")
    due_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=3))


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    request = factory.SubFactory(ServiceRequestFactory, status="resolved")
    rating = Rating.SATISFIED
    source = FeedbackSource.RESIDENT
    created_at = factory.LazyFunction(timezone.now)


class SpotCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpotCheck

    request = factory.SubFactory(ServiceRequestFactory, status="closed")
    drawn_at = factory.LazyFunction(timezone.now)


class MenuOrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MenuOrder

    title = factory.Sequence(lambda n: f"点菜订单{n}")
    community = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    place = "城东社区文化礼堂"
    scheduled_start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=2))
    scheduled_end = factory.LazyAttribute(lambda o: o.scheduled_start + datetime.timedelta(hours=3))
    contact_name = "王主任"
    contact_phone_masked = "138****0001"


OPEN311_KEY = "test-open311-key-0001"


class Open311ClientFactory(factory.django.DjangoModelFactory):
    """A client whose key is OPEN311_KEY unless `key=` is given."""

    class Meta:
        model = Open311Client

    class Params:
        key = OPEN311_KEY

    name = "浙里办"
    org = factory.LazyFunction(lambda: org_node(name="长兴县", kind=OrgKind.ORG_DEPT))
    key_prefix = factory.LazyAttribute(lambda o: o.key[:8])
    key_hash = factory.LazyAttribute(lambda o: Open311Client.hash_key(o.key))


def station_at(node: OrgNode, *, lat: Decimal, lng: Decimal, hours: str = "每天 00:00-23:59") -> Station:
    return Station.objects.create(
        node=node, address=f"{node.name}站点", latitude=lat, longitude=lng, opening_hours=hours
    )


def role_at(node: OrgNode, role: str = Role.DISPATCHER, **kw: Any) -> User:
    return RoleAssignmentFactory(role=role, org=node, **kw).user  # type: ignore[no-any-return]


class County:
    """county ─ hotline (热线中心, with a dispatcher)
    ├ town_a ─ community_a ─ post_a (驿站 station, 500 m east of the city point)
    │        └ community_b
    └ town_b ─ community_c (station 20 km away)"""

    def __init__(self) -> None:
        self.county = org_node(name="长兴县", kind=OrgKind.ORG_DEPT, code="330522")
        self.hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=self.county)
        self.town_a = org_node(name="雉城街道", kind=OrgKind.TOWN, parent=self.county)
        self.town_b = org_node(name="画溪街道", kind=OrgKind.TOWN, parent=self.county)
        self.community_a = org_node(name="城东社区", kind=OrgKind.COMMUNITY, parent=self.town_a)
        self.community_b = org_node(name="城西社区", kind=OrgKind.COMMUNITY, parent=self.town_a)
        self.community_c = org_node(name="画溪社区", kind=OrgKind.COMMUNITY, parent=self.town_b)
        self.post_a = org_node(name="城东红立方驿站", kind=OrgKind.POST, parent=self.community_a)
        for node in (self.county, self.hotline, self.town_a, self.town_b, self.community_a, self.community_b):
            node.refresh_from_db()
        self.station_a = station_at(self.post_a, lat=CITY[0], lng=CITY[1] + Decimal("0.005"))
        self.station_c = station_at(self.community_c, lat=CITY[0] + Decimal("0.18"), lng=CITY[1])
        self.dispatcher = role_at(self.hotline, Role.DISPATCHER)
