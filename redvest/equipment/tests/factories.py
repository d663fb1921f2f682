"""One factory per kit model, minimal defaults."""

from __future__ import annotations

import factory

from redvest.equipment.models import EquipmentItem, MovementKind, StationStock, StockMovement
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import org_node


class EquipmentItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EquipmentItem
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"红马甲{n}")


class StationStockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationStock

    station = factory.LazyFunction(lambda: org_node(name="城东服务点", kind=OrgKind.SERVICE_POINT))
    item = factory.SubFactory(EquipmentItemFactory)


class StockMovementFactory(factory.django.DjangoModelFactory):
    """A 入库 of one piece (or pass kind, volunteer and deltas for the others)."""

    class Meta:
        model = StockMovement

    station = factory.LazyFunction(lambda: org_node(name="城东服务点", kind=OrgKind.SERVICE_POINT))
    item = factory.SubFactory(EquipmentItemFactory)
    kind = MovementKind.RECEIVE
    quantity = 1
    stock_delta = 1
    balance_after = 1
