"""/api/v1/equipment/: the kit catalog, a station's stock and ledger, movements, what a volunteer holds.
Lists are {"items", "count", "count_capped"}; errors {"code", "message", "errors"} (422 naming the field)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Router, Status

from redvest.core.api_pagination import paginate
from redvest.core.api_request import api_user
from redvest.equipment import schemas as s
from redvest.equipment import selectors, services

router = Router(tags=["服装装备"])
ERRORS: dict[int, Any] = {400: s.ErrorOut, 403: s.ErrorOut, 404: s.ErrorOut, 409: s.ErrorOut, 422: s.ErrorOut}


@router.get("/items", response=list[s.ItemOut], summary="装备品类")
@paginate
def items(request: HttpRequest) -> QuerySet[Any]:
    return selectors.item_list()


@router.post("/items", response={201: s.ItemOut, **ERRORS}, summary="新增装备品类（县级管理员）")
def item_new(request: HttpRequest, payload: s.ItemIn) -> Status[Any]:
    return Status(201, services.item_create(actor=api_user(request), name=payload.name, unit=payload.unit))


@router.get("/stations/{int:station_id}/stock", response=list[s.StockOut], summary="站点库存")
@paginate
def stock(request: HttpRequest, station_id: int) -> QuerySet[Any]:
    station = selectors.station_get(user=api_user(request), pk=station_id)
    return selectors.station_stock(station=station)


@router.get("/stations/{int:station_id}/movements", response=list[s.MovementOut], summary="站点出入库记录（新的在前）")
@paginate
def movements(request: HttpRequest, station_id: int) -> QuerySet[Any]:
    user = api_user(request)
    return selectors.station_movements(user=user, station=selectors.station_get(user=user, pk=station_id))


@router.post(
    "/stations/{int:station_id}/movements",
    response={201: s.MovementOut, **ERRORS},
    summary="入库、发放、归还或遗失（只能新增）",
)
def movement_new(request: HttpRequest, station_id: int, payload: s.MovementIn) -> Status[Any]:
    user = api_user(request)
    station = selectors.station_get(user=user, pk=station_id)
    data = services.MovementData(
        kind=payload.kind,
        item_id=payload.item,
        quantity=payload.quantity,
        volunteer_number=payload.volunteer_number,
        condition=payload.condition,
        note=payload.note,
    )
    return Status(201, services.stock_move(actor=user, station=station, data=data))


@router.get("/mine", response=list[s.HoldingOut], summary="我领用的服装装备")
@paginate
def mine(request: HttpRequest) -> list[Any]:
    volunteer = selectors.my_volunteer(user=api_user(request))
    return selectors.holdings(volunteer=volunteer) if volunteer is not None else []


@router.get("/volunteers/{int:volunteer_id}/holdings", response=list[s.HoldingOut], summary="某志愿者领用的装备")
@paginate
def volunteer_holdings(request: HttpRequest, volunteer_id: int) -> list[Any]:
    volunteer = selectors.volunteer_for_holdings(user=api_user(request), pk=volunteer_id)
    return selectors.holdings(volunteer=volunteer)
