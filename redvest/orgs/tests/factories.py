from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from redvest.orgs.models import (
    FiveHaveInspection,
    FiveHaveItem,
    FiveHaveKind,
    InspectionResult,
    OrgKind,
    OrgNode,
    Station,
)


def org_node(
    *, name: str = "长兴县委组织部", kind: str = OrgKind.ORG_DEPT, parent: OrgNode | None = None, **kw: Any
) -> OrgNode:
    """Treebeard nodes are created through add_root/add_child, so this is a function, not a factory class."""
    if parent is None:
        return OrgNode.objects.add_root({"name": name, "kind": kind, **kw})
    parent.refresh_from_db()
    return OrgNode.objects.add_child(parent, {"name": name, "kind": kind, **kw})


class OrgTree:
    """county ─ town_a ─ community_a ─ point_a (service point)
              └ town_b
    Positions relative to town_a: own=town_a, descendant=community_a, sibling=town_b, ancestor=county."""

    def __init__(self) -> None:
        self.county = org_node(name="长兴县", kind=OrgKind.ORG_DEPT, code="330522")
        self.town_a = org_node(name="雉城街道", kind=OrgKind.TOWN, parent=self.county)
        self.town_b = org_node(name="画溪街道", kind=OrgKind.TOWN, parent=self.county)
        self.community_a = org_node(name="城东社区", kind=OrgKind.COMMUNITY, parent=self.town_a)
        for n in (self.county, self.town_a, self.town_b):
            n.refresh_from_db()


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station

    node = factory.LazyFunction(lambda: org_node(name="城东服务点", kind=OrgKind.SERVICE_POINT))
    address = "长兴县雉城街道城东路1号"
    opening_hours = "08:30-17:30"


class FiveHaveItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiveHaveItem

    station = factory.SubFactory(StationFactory)
    kind = FiveHaveKind.LOGO


def station_node(*, parent: OrgNode, name: str = "城东服务点", kind: str = OrgKind.SERVICE_POINT, **kw: Any) -> Station:
    """A station node with its Station row and all six 五有 items, as node_create makes them."""
    node = org_node(name=name, kind=kind, parent=parent)
    station = Station.objects.create(node=node, **{"address": f"{name}地址", **kw})
    FiveHaveItem.objects.bulk_create([FiveHaveItem(station=station, kind=k) for k in FiveHaveKind])
    return station


class FiveHaveInspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FiveHaveInspection

    item = factory.SubFactory(FiveHaveItemFactory)
    inspected_on = factory.LazyFunction(timezone.localdate)
    result = InspectionResult.PASS


def inspect(station: Station, kind: str, result: str, on: datetime.date | None = None) -> FiveHaveInspection:
    item = FiveHaveItem.objects.get(station=station, kind=kind)
    return FiveHaveInspectionFactory(item=item, result=result, inspected_on=on or timezone.localdate())


def pass_all(station: Station, on: datetime.date | None = None) -> None:
    for kind in FiveHaveKind:
        inspect(station, kind, InspectionResult.PASS, on)


def role_user(*, role: str, org: OrgNode, **kw: Any) -> Any:
    """A user holding an explicit role at a node."""
    from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(**kw)
    RoleAssignmentFactory(user=user, role=role, org=org)
    return user


class ProvinceTree:
    """Several counties in one deployment:
    province (330000) ─ city (330500) ─ county_a 长兴县 (330522) ─ town_a ─ community_a
                                      └ county_b 安吉县 (330523) ─ town_b ─ community_b"""

    def __init__(self) -> None:
        self.province = org_node(name="浙江省委组织部", kind=OrgKind.PROVINCE, code="330000")
        self.city = org_node(name="湖州市委组织部", kind=OrgKind.CITY, code="330500", parent=self.province)
        self.county_a = org_node(name="长兴县委组织部", kind=OrgKind.ORG_DEPT, code="330522", parent=self.city)
        self.county_b = org_node(name="安吉县委组织部", kind=OrgKind.ORG_DEPT, code="330523", parent=self.city)
        self.town_a = org_node(name="雉城街道", kind=OrgKind.TOWN, parent=self.county_a)
        self.town_b = org_node(name="递铺街道", kind=OrgKind.TOWN, parent=self.county_b)
        self.community_a = org_node(name="城东社区", kind=OrgKind.COMMUNITY, parent=self.town_a)
        self.community_b = org_node(name="古城社区", kind=OrgKind.COMMUNITY, parent=self.town_b)
        for n in (self.province, self.city, self.county_a, self.county_b, self.town_a, self.town_b):
            n.refresh_from_db()

    @property
    def counties(self) -> list[OrgNode]:
        return [self.county_a, self.county_b]
