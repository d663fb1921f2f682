"""The demo county's org network, after 长兴 (seed 000): 热线 + 总站 + 分站 + 服务点 + 队伍.

长兴县委组织部 (code 330522)
├ 96345党员志愿服务热线中心 · 党员志愿服务总站
├ 县直机关工委 ─ 县直机关分站; 65 units, each with a 党支部 and (50 of them) a 服务点
└ 9 镇街 ─ (4) 分站; 村社区, each with a 党支部, a few 网格 and 15 红立方驿站 in all
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from redvest.demo import data
from redvest.demo.people import PersonMaker
from redvest.demo.stations import plan_station
from redvest.demo.tree import PlannedNode
from redvest.orgs.models import OrgKind

SHORT_STATION_SHARE = 0.12
GRID_NAMES = ("第一网格", "第二网格")


@dataclass
class CountyPlan:
    root: PlannedNode
    units: list[str]
    towns: list[str]
    communities: dict[str, list[str]]  # town -> community names

    @staticmethod
    def unit_key(unit: str) -> str:
        return f"unit:{unit}"

    @staticmethod
    def unit_party_key(unit: str) -> str:
        return f"party:{unit}"

    @staticmethod
    def town_key(town: str) -> str:
        return f"town:{town}"

    @staticmethod
    def community_key(town: str, community: str) -> str:
        return f"community:{town}/{community}"

    @staticmethod
    def community_party_key(town: str, community: str) -> str:
        return f"cparty:{town}/{community}"

    @staticmethod
    def grid_key(town: str, community: str, grid: str) -> str:
        return f"grid:{town}/{community}/{grid}"

    def grids(self) -> list[tuple[str, str, str]]:
        return [
            (town, community, grid)
            for town in data.TOWNS_WITH_GRIDS
            for community in self.communities[town][:2]
            for grid in GRID_NAMES
        ]


def _station(
    node: PlannedNode,
    maker: PersonMaker,
    *,
    town: str,
    hours: str | None = None,
    near: tuple[float, float] | None = None,
) -> PlannedNode:
    rng = maker.rng
    contact = maker.name("M" if rng.random() < 0.5 else "F")
    short = rng.random() < SHORT_STATION_SHARE
    node.station = plan_station(rng, town=town, contact_name=contact, short=short, opening_hours=hours, near=near)
    return node


def village_centre(town: str, community: str) -> tuple[float, float]:
    """A village or community's 中心点: the town's first community at its centre, the others up to about
    4 km around it, drawn from the names (so the rest of the demo's random draws stay as they were)."""
    lat, lng = data.TOWN_CENTRES[town]
    if community == dict(data.TOWNS)[town][0]:
        return lat, lng
    own = random.Random(f"{town}{community}")
    return round(lat + own.uniform(-0.035, 0.035), 6), round(lng + own.uniform(-0.04, 0.04), 6)


def plan_county(maker: PersonMaker) -> CountyPlan:
    rng = maker.rng
    root = PlannedNode(key="root", name=data.COUNTY_ROOT, kind=OrgKind.ORG_DEPT, code=data.COUNTY_CODE)
    plan = CountyPlan(
        root=root,
        units=list(data.UNITS),
        towns=[town for town, _ in data.TOWNS],
        communities={town: list(communities) for town, communities in data.TOWNS},
    )
    root.add("hotline", "长兴县96345党员志愿服务热线中心", OrgKind.HOTLINE)
    _station(
        root.add("head_station", "长兴县党员志愿服务总站", OrgKind.HEAD_STATION),
        maker,
        town="雉城街道",
        hours="每天 08:00-20:00（热线24小时）",
    )
    committee = root.add("work_committee", "县直机关工委", OrgKind.ORG_DEPT)
    _station(committee.add("branch:机关", "县直机关党员志愿服务分站", OrgKind.BRANCH_STATION), maker, town="雉城街道")

    others = [u for u in plan.units if u != data.DEMO_UNIT]
    with_point = {data.DEMO_UNIT, *rng.sample(others, data.UNIT_SERVICE_POINTS - 1)}
    for unit in plan.units:
        node = committee.add(plan.unit_key(unit), unit, OrgKind.UNIT)
        node.add(plan.unit_party_key(unit), f"{unit}机关党支部", OrgKind.PARTY_ORG)
        if unit in with_point:
            point = node.add(f"point:{unit}", f"{unit}党员志愿服务点", OrgKind.SERVICE_POINT)
            _station(point, maker, town="雉城街道")

    all_communities = [(town, c) for town in plan.towns for c in plan.communities[town]]
    with_post = set(rng.sample(all_communities, data.RED_CUBE_POSTS))
    grids = set(plan.grids())
    for town in plan.towns:
        town_node = root.add(plan.town_key(town), town, OrgKind.TOWN)
        town_node.centre = data.TOWN_CENTRES[town]
        if town in data.TOWNS_WITH_BRANCH_STATION:
            _station(
                town_node.add(f"branch:{town}", f"{town}党员志愿服务分站", OrgKind.BRANCH_STATION),
                maker,
                town=town,
                near=town_node.centre,
            )
        for community in plan.communities[town]:
            c_node = town_node.add(plan.community_key(town, community), community, OrgKind.COMMUNITY)
            c_node.centre = village_centre(town, community)
            c_node.add(plan.community_party_key(town, community), f"{community}党支部", OrgKind.PARTY_ORG)
            for grid in GRID_NAMES:
                if (town, community, grid) in grids:
                    c_node.add(plan.grid_key(town, community, grid), f"{community}{grid}", OrgKind.GRID)
            if (town, community) in with_post:
                post = c_node.add(f"post:{town}/{community}", f"{community}红立方驿站", OrgKind.POST)
                _station(post, maker, town=town, hours="每天 07:30-19:30", near=c_node.centre)
    return plan
