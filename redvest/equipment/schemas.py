from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema
from pydantic import Field

from redvest.core.schemas import ErrorOut, Id, UInt32  # noqa: F401  (re-exported: handlers use s.ErrorOut)


class ItemIn(Schema):
    name: str = Field("", max_length=100)
    unit: str = Field("件", max_length=20)


class ItemOut(Schema):
    id: int
    name: str
    unit: str


class StockOut(Schema):
    item_id: int
    item_name: str
    unit: str
    on_hand: int

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.item.name)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.item.unit)


class MovementIn(Schema):
    kind: str = Field("", description="receive 入库 / issue 发放 / return 归还 / lost 遗失")
    item: Id | None = None
    quantity: UInt32 | None = None
    volunteer_number: str = Field("", max_length=30, description="发放、归还、遗失时填写志愿者编号")
    condition: str = Field("", description="归还时：good 完好 / damaged 损坏")
    note: str = Field("", max_length=400)


class MovementOut(Schema):
    id: int
    station_id: int
    item_id: int
    item_name: str
    kind: str
    kind_label: str
    quantity: int
    stock_delta: int
    balance_after: int
    volunteer_id: int | None
    volunteer_name: str
    condition: str
    note: str
    actor_name: str
    at: datetime.datetime

    @staticmethod
    def resolve_item_name(obj: Any) -> str:
        return str(obj.item.name)

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_volunteer_name(obj: Any) -> str:
        return str(obj.volunteer.name) if obj.volunteer is not None else ""

    @staticmethod
    def resolve_actor_name(obj: Any) -> str:
        return str(obj.actor.name) if obj.actor is not None else ""  # never the username: it may be a phone


class HoldingOut(Schema):
    station_id: int
    station_name: str
    item_id: int
    item_name: str
    unit: str
    quantity: int
