"""Reads on kit: the catalog, a station's stock and ledger, what a volunteer holds."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from redvest.accounts import policy
from redvest.core.errors import NotFound
from redvest.equipment.models import EquipmentItem, StationStock, StockMovement
from redvest.orgs.models import STATION_KINDS, OrgNode
from redvest.volunteers.models import Volunteer

if TYPE_CHECKING:
    from redvest.accounts.models import User


@dataclass(frozen=True)
class Holding:
    station_id: int
    station_name: str
    item_id: int
    item_name: str
    unit: str
    quantity: int


def item_list() -> QuerySet[EquipmentItem]:
    return EquipmentItem.objects.filter(is_active=True).order_by("name")


def managed_stations(*, user: User) -> QuerySet[OrgNode]:
    """The stations whose stock the user moves (their own as keeper, every one below them as admin)."""
    qs = OrgNode.objects.filter(kind__in=STATION_KINDS).order_by("path")
    return policy.scope(user, "org", qs, "change")


def station_get(*, user: User, pk: int) -> OrgNode:
    station = policy.scope(user, "org", OrgNode.objects.filter(kind__in=STATION_KINDS), "view").filter(pk=pk).first()
    if station is None:
        raise NotFound("站点不存在或您无权查看")
    return station


def station_stock(*, station: OrgNode) -> QuerySet[StationStock]:
    return StationStock.objects.filter(station=station).select_related("item").order_by("item__name")


def station_movements(*, user: User, station: OrgNode) -> QuerySet[StockMovement]:
    """A station's ledger, newest first, as far as the user may see it."""
    qs = StockMovement.objects.filter(station=station).select_related("item", "volunteer", "actor")
    return policy.scope(user, "stock_movement", qs).order_by("-id")


def holdings(*, volunteer: Volunteer) -> list[Holding]:
    """What a volunteer holds, per station and item (issued minus returned and lost), in one grouped query."""
    rows = (
        StockMovement.objects.filter(volunteer=volunteer)
        .values("station_id", "station__name", "item_id", "item__name", "item__unit")
        .annotate(quantity=Sum("held_delta"))
        .filter(quantity__gt=0)
        .order_by("item__name", "station_id")
    )
    return [
        Holding(r["station_id"], r["station__name"], r["item_id"], r["item__name"], r["item__unit"], r["quantity"])
        for r in rows
    ]


def volunteer_for_holdings(*, user: User, pk: int) -> Volunteer:
    volunteer = policy.scope(user, "volunteer", Volunteer.objects.all()).filter(pk=pk).first()
    if volunteer is None:
        raise NotFound("志愿者不存在或您无权查看")
    return volunteer


def my_volunteer(*, user: User) -> Volunteer | None:
    return Volunteer.objects.filter(user=user).first() if user.is_authenticated else None
