"""Stations of the demo network: address, coordinates, hours, contact and the 五有 checklist.

Most stations passed every item at their latest inspection; a few fall short (one item failed or
never inspected), so the shortfall list has something to show.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from redvest.demo import data
from redvest.orgs.models import (
    FiveHaveInspection,
    FiveHaveItem,
    FiveHaveKind,
    InspectionResult,
    Station,
    StationAmenity,
)

if TYPE_CHECKING:
    from redvest.accounts.models import User
    from redvest.demo.tree import PlannedNode

OPENING_HOURS = (
    "周一至周五 08:30-11:30，14:00-17:30",
    "每天 08:00-20:00",
    "周一至周六 09:00-17:00",
    "工作日 08:30-17:00，每月25日全天",
)
ITEM_DESCRIPTIONS = {
    FiveHaveKind.LOGO: "门口悬挂96345党员志愿服务统一标识和公示牌",
    FiveHaveKind.VENUE: "设有固定服务场所约{n}平方米，配备桌椅、饮水和急救箱",
    FiveHaveKind.TEAM: "有党员志愿者{n}名，明确负责人和联络员",
    FiveHaveKind.RULES: "服务制度、值班制度、积分兑换制度上墙公示",
    FiveHaveKind.RECORDS: "建有服务台账，记录服务时间、内容和服务对象",
    FiveHaveKind.FUNDS: "年度工作经费{n}万元纳入单位预算",
}
FAIL_NOTES = {
    FiveHaveKind.LOGO: "统一标识缺失，限期补挂",
    FiveHaveKind.VENUE: "场地被挪作他用，需恢复服务功能",
    FiveHaveKind.TEAM: "在岗志愿者不足，需补充队伍",
    FiveHaveKind.RULES: "服务制度未上墙公示",
    FiveHaveKind.RECORDS: "服务台账记录不全，近两月无记录",
    FiveHaveKind.FUNDS: "年度经费尚未落实",
}
PASS_NOTES = ("符合标准", "资料齐全", "现场查看符合要求", "已整改到位")
TOWN_SPREAD = (0.018, 0.022)  # degrees of latitude and longitude: about 2 km each way
NEAR_SPREAD = (0.003, 0.003)  # about 300 m


@dataclass(frozen=True)
class InspectionPlan:
    days_before: int  # before the reference day
    result: str
    notes: str


@dataclass
class ItemPlan:
    kind: str
    description: str
    inspections: list[InspectionPlan] = field(default_factory=list)


@dataclass
class StationPlan:
    address: str
    latitude: Decimal
    longitude: Decimal
    opening_hours: str
    contact_name: str
    contact_phone: str
    checklist: list[ItemPlan] = field(default_factory=list)
    amenities: list[str] = field(default_factory=list)


BASIC_AMENITIES = [StationAmenity.DIRECTIONS, StationAmenity.REST, StationAmenity.WATER]
EXTRA_AMENITIES = [
    StationAmenity.CHARGING,
    StationAmenity.STORAGE,
    StationAmenity.FIRST_AID,
    StationAmenity.UMBRELLA,
    StationAmenity.TOILET,
    StationAmenity.READING,
    StationAmenity.REPAIR,
]


def _amenities(address: str) -> list[str]:
    """Every post offers directions, a seat and water; two to four more, drawn from its own seed so the
    rest of the demo's random draws stay as they were."""
    own = random.Random(address)
    return [str(a) for a in BASIC_AMENITIES + own.sample(EXTRA_AMENITIES, own.randint(2, 4))]


def _coordinate(rng: random.Random, centre: float, spread: float) -> Decimal:
    return Decimal(f"{centre + rng.uniform(-spread, spread):.6f}")


def plan_station(
    rng: random.Random,
    *,
    town: str,
    contact_name: str,
    short: bool,
    opening_hours: str | None = None,
    near: tuple[float, float] | None = None,
) -> StationPlan:
    """A station a few hundred metres from `near` (its village's centre), else within a couple of kilometres
    of its town's centre; `short` makes one checklist item fail or go uninspected."""
    centre, spread = (near, NEAR_SPREAD) if near is not None else (data.TOWN_CENTRES[town], TOWN_SPREAD)
    plan = StationPlan(
        address=f"{data.COUNTY_PLACE}{town}{rng.choice(data.STREETS)}{rng.randint(1, 399)}号",
        latitude=_coordinate(rng, centre[0], spread[0]),
        longitude=_coordinate(rng, centre[1], spread[1]),
        opening_hours=opening_hours or rng.choice(OPENING_HOURS),
        contact_name=contact_name,
        contact_phone=f"0572-6{rng.randrange(10**6):06d}",
    )
    plan.amenities = _amenities(plan.address)
    weak = rng.choice(list(FiveHaveKind)) if short else None
    for kind in FiveHaveKind:
        item = ItemPlan(kind=kind, description=ITEM_DESCRIPTIONS[kind].format(n=rng.randint(2, 60)))
        latest = rng.randrange(10, 150)
        if kind == weak:
            if rng.random() < 0.6:
                item.inspections.append(InspectionPlan(latest, InspectionResult.FAIL, FAIL_NOTES[kind]))
        else:
            item.inspections.append(InspectionPlan(latest, InspectionResult.PASS, rng.choice(PASS_NOTES)))
            if rng.random() < 0.25:  # an earlier failure, since put right
                earlier = latest + rng.randrange(30, 120)
                item.inspections.append(InspectionPlan(earlier, InspectionResult.FAIL, FAIL_NOTES[kind]))
        plan.checklist.append(item)
    return plan


def write_stations(nodes: Iterable[PlannedNode], *, inspector: User | None, reference: datetime.date) -> int:
    """Insert Station, FiveHaveItem and FiveHaveInspection rows for planned station nodes."""
    planned = [(n, n.station) for n in nodes if n.station is not None]
    Station.objects.bulk_create(
        [
            Station(
                node=n.node,
                address=s.address,
                latitude=s.latitude,
                longitude=s.longitude,
                opening_hours=s.opening_hours,
                contact_name=s.contact_name,
                contact_phone=s.contact_phone,
                amenities=s.amenities,
            )
            for n, s in planned
        ]
    )
    items: list[tuple[FiveHaveItem, ItemPlan]] = [
        (FiveHaveItem(station_id=n.node.pk, kind=i.kind, description=i.description), i)
        for n, s in planned
        for i in s.checklist
    ]
    FiveHaveItem.objects.bulk_create([row for row, _ in items])
    FiveHaveInspection.objects.bulk_create(
        [
            FiveHaveInspection(
                item=row,
                inspector=inspector,
                inspected_on=reference - datetime.timedelta(days=ins.days_before),
                result=ins.result,
                notes=ins.notes,
            )
            for row, item in items
            for ins in item.inspections
        ]
    )
    return len(planned)
