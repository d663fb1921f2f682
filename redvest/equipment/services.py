"""Writes on kit: the catalog, and every stock movement (入库, 发放, 归还, 遗失) as a ledger row with the
station's balance after it, under a lock on the station's balance row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Sum

from redvest.audit.services import audit_record
from redvest.core.errors import PermissionDenied, ValidationFailed
from redvest.equipment.access import can_manage_stock, may_edit_catalog
from redvest.equipment.errors import NotEnoughStock, NotHeld
from redvest.equipment.models import EquipmentItem, MovementKind, ReturnCondition, StationStock, StockMovement
from redvest.orgs.models import STATION_KINDS, OrgNode
from redvest.volunteers.models import Volunteer, VolunteerStatus

if TYPE_CHECKING:
    from redvest.accounts.models import User

MAX_QUANTITY = 10000


@dataclass
class MovementData:
    kind: str
    item_id: int | None
    quantity: int | None
    volunteer_number: str = ""
    condition: str = ""
    note: str = ""


@transaction.atomic
def item_create(*, actor: User, name: str, unit: str = "件") -> EquipmentItem:
    """Add a kind of kit to the county-wide catalog. Raises PermissionDenied or ValidationFailed."""
    if not may_edit_catalog(actor):
        raise PermissionDenied("只有县级管理员可以维护装备品类")
    name, unit = (name or "").strip(), (unit or "").strip() or "件"
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "请填写名称"
    elif len(name) > 50:
        errors["name"] = "名称不能超过50字"
    if len(unit) > 10:
        errors["unit"] = "单位不能超过10字"
    if errors:
        raise ValidationFailed(errors)
    try:
        with transaction.atomic():
            item = EquipmentItem.objects.create(name=name, unit=unit)
    except IntegrityError as exc:
        raise ValidationFailed({"name": "已有同名品类"}) from exc
    audit_record(actor=actor, action="create", target=item, after={"name": name, "unit": unit})
    return item


def _held(*, station: OrgNode, item: EquipmentItem, volunteer: Volunteer) -> int:
    total = StockMovement.objects.filter(station=station, item=item, volunteer=volunteer).aggregate(
        held=Sum("held_delta")
    )["held"]
    return int(total or 0)


def _clean(data: MovementData) -> tuple[dict[str, str], EquipmentItem | None, Volunteer | None]:
    errors: dict[str, str] = {}
    if data.kind not in MovementKind.values:
        errors["kind"] = "请选择类型：入库、发放、归还或遗失"
    item = EquipmentItem.objects.filter(pk=data.item_id or 0, is_active=True).first()
    if item is None:
        errors["item"] = "请选择物品"
    if data.quantity is None or not 1 <= data.quantity <= MAX_QUANTITY:
        errors["quantity"] = f"数量应在1到{MAX_QUANTITY}之间"
    volunteer = None
    if data.kind != MovementKind.RECEIVE:
        number = (data.volunteer_number or "").strip()
        volunteer = Volunteer.objects.filter(number=number).first() if number else None
        if volunteer is None:
            errors["volunteer"] = "请填写正确的志愿者编号"
        elif data.kind == MovementKind.ISSUE and volunteer.status != VolunteerStatus.REGISTERED:
            errors["volunteer"] = "只能向已注册的志愿者发放"
    if data.kind == MovementKind.RETURN and data.condition not in ReturnCondition.values:
        errors["condition"] = "请选择归还状况：完好或损坏"
    if len(data.note or "") > 200:
        errors["note"] = "说明不能超过200字"
    return errors, item, volunteer


@transaction.atomic
def stock_move(*, actor: User, station: OrgNode, data: MovementData) -> StockMovement:
    """One movement at a station, by its keeper or an admin over it: 入库 adds stock; 发放 takes it to a
    volunteer (not beyond what is in stock: NotEnoughStock); 归还 brings it back (完好 into stock, 损坏
    not); 遗失 only ends the holding. Returns and losses cannot exceed what the volunteer holds from this
    station (NotHeld). Raises PermissionDenied or ValidationFailed naming each field."""
    if station.kind not in STATION_KINDS or not can_manage_stock(actor, station):
        raise PermissionDenied("您无权管理该站点的装备")
    errors, item, volunteer = _clean(data)
    quantity = data.quantity
    if errors or item is None or quantity is None:
        raise ValidationFailed(errors)
    StationStock.objects.get_or_create(station=station, item=item)
    stock = StationStock.objects.select_for_update().get(station=station, item=item)
    stock_delta, held_delta = 0, 0
    if data.kind == MovementKind.RECEIVE:
        stock_delta = quantity
    elif data.kind == MovementKind.ISSUE:
        if quantity > stock.on_hand:
            raise NotEnoughStock(f"{item.name}库存仅{stock.on_hand}{item.unit}")
        stock_delta, held_delta = -quantity, quantity
    else:
        if volunteer is None:  # _clean already named it; this keeps the type narrow
            raise ValidationFailed({"volunteer": "请填写正确的志愿者编号"})
        held = _held(station=station, item=item, volunteer=volunteer)
        if quantity > held:
            raise NotHeld(f"{volunteer.name}在本站领用的{item.name}只有{held}{item.unit}")
        held_delta = -quantity
        if data.kind == MovementKind.RETURN and data.condition == ReturnCondition.GOOD:
            stock_delta = quantity
    stock.on_hand += stock_delta
    stock.save(update_fields=["on_hand"])
    movement = StockMovement.objects.create(
        station=station,
        item=item,
        kind=data.kind,
        quantity=quantity,
        stock_delta=stock_delta,
        balance_after=stock.on_hand,
        volunteer=volunteer,
        held_delta=held_delta,
        condition=data.condition if data.kind == MovementKind.RETURN else "",
        note=(data.note or "").strip(),
        actor=actor,
    )
    audit_record(
        actor=actor,
        action="create",
        target=movement,
        org=station,
        after={"kind": data.kind, "item": item.name, "quantity": quantity, "balance_after": stock.on_hand},
    )
    return movement
