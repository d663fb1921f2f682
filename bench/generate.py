"""Benchmark data: 100,000 volunteers in 1,000 teams on a tree of 5,000 org nodes (and a 1% copy).

Reuses the demo helpers (planned tree with computed paths, deterministic people, bulk roster
writer), so benchmark rows look exactly like what the services store. One transaction; skipped
when the database already holds that size. Run alone: `python -m bench.generate [--small]`.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import dataclass
from typing import TextIO

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import transaction

import bench._django  # noqa: F401  (sets Django up before the model imports below)
from redvest.accounts.models import Role, RoleAssignment, User
from redvest.core.db import analyze
from redvest.demo import data
from redvest.demo.people import PersonMaker
from redvest.demo.roster import UNIT_POLITICS, RosterPlan, TeamPlan, plan_member
from redvest.demo.seed import NUMBER_YEAR, REFERENCE_DAY
from redvest.demo.tree import PlannedNode, write_tree
from redvest.demo.users import demo_user
from redvest.demo.write import write_roster
from redvest.orgs.models import OrgKind, OrgNode
from redvest.teams.models import Team, TeamKind
from redvest.volunteers.models import Volunteer

SEED = 20260702
TEAMS_PER_CHUNK = 100
TEAM_KINDS = (TeamKind.DETACHMENT, TeamKind.SPECIALIST, TeamKind.VANGUARD, TeamKind.GRID, TeamKind.YOUTH)
ADMIN_PHONE = "19905729001"
COUNTY_PHONE = "19905729002"


@dataclass(frozen=True)
class Size:
    name: str
    volunteers: int
    teams: int
    org_nodes: int


LARGE = Size("large", volunteers=100_000, teams=1_000, org_nodes=5_000)
SMALL = Size("small", volunteers=1_000, teams=10, org_nodes=50)
# The smoke mode's pair (BENCH_SMALL=1): enough registered volunteers for its 20-person check-in burst.
QUICK = Size("quick", volunteers=200, teams=4, org_nodes=20)
TINY = Size("tiny", volunteers=50, teams=2, org_nodes=10)
SIZES = {s.name: s for s in (LARGE, SMALL, QUICK, TINY)}


def present_size() -> tuple[int, int, int]:
    return Volunteer.objects.count(), Team.objects.count(), OrgNode.objects.count()


def plan_tree(size: Size) -> tuple[PlannedNode, list[tuple[str, str]]]:
    """Root, towns, communities and grids adding up to exactly `size.org_nodes`; returns the
    root and the (community key, town name) pairs teams hang off."""
    root = PlannedNode(key="root", name="基准县委组织部", kind=OrgKind.ORG_DEPT, code=data.COUNTY_CODE)
    towns = [root.add(f"town:{i}", f"镇街{i:03d}", OrgKind.TOWN) for i in range(max(2, size.org_nodes // 250))]
    rest = size.org_nodes - 1 - len(towns)
    communities = []
    for i in range(max(1, rest // 5)):
        town = towns[i % len(towns)]
        communities.append((town.add(f"community:{i}", f"{town.name}社区{i:04d}", OrgKind.COMMUNITY), town.name))
    for j in range(rest - len(communities)):
        community, _ = communities[j % len(communities)]
        community.add(f"grid:{j}", f"{community.name}网格{j:05d}", OrgKind.GRID)
    return root, [(c.key, town) for c, town in communities]


def _team_plans(size: Size, hangers: list[tuple[str, str]], first: int, count: int) -> list[TeamPlan]:
    base, extra = divmod(size.volunteers, size.teams)
    plans = []
    for t in range(first, first + count):
        org_key, town = hangers[t % len(hangers)]
        plans.append(
            TeamPlan(
                key=f"team:{t}",
                name=f"党员志愿服务队{t:04d}",
                kind=TEAM_KINDS[t % len(TEAM_KINDS)],
                org_key=org_key,
                size=base + (1 if t < extra else 0),
                town=town,
                work_unit=f"{town}机关",
                politics=dict(UNIT_POLITICS),
            )
        )
    return plans


def _write_users(nodes: dict[str, PlannedNode]) -> None:
    password_hash = make_password(data.DEMO_PASSWORD)
    admin = demo_user("admin", "系统管理员", ADMIN_PHONE, password_hash, superuser=True)
    county = demo_user("county", "县组织管理员", COUNTY_PHONE, password_hash)
    User.objects.bulk_create([admin, county])
    root = nodes["root"].node
    RoleAssignment.objects.bulk_create(
        [
            RoleAssignment(user=admin, role=Role.SYSTEM_ADMIN, org=root),
            RoleAssignment(user=county, role=Role.ORG_ADMIN, org=root),
        ]
    )


@transaction.atomic
def _generate(size: Size, out: TextIO) -> None:
    maker = PersonMaker(random.Random(SEED), reference=REFERENCE_DAY)
    for phone in (ADMIN_PHONE, COUNTY_PHONE):
        maker.reserve_phone(phone)
    root, hangers = plan_tree(size)
    nodes = write_tree(root)
    _write_users(nodes)
    next_seq = 1
    for first in range(0, size.teams, TEAMS_PER_CHUNK):
        teams = _team_plans(size, hangers, first, min(TEAMS_PER_CHUNK, size.teams - first))
        for team in teams:
            team.members = [
                plan_member(team, maker, officer=i < team.backbone_count + 2, minor=False) for i in range(team.size)
            ]
        # One in twenty also serves in the next team of the chunk (activity relation).
        activity = [
            (team.key, i, teams[(n + 1) % len(teams)].key)
            for n, team in enumerate(teams)
            if len(teams) > 1
            for i in range(team.backbone_count + 2, team.size, 20)
        ]
        written = write_roster(
            RosterPlan(teams=teams, activity=activity, brands=[]),
            nodes,
            area=data.COUNTY_CODE,
            year=NUMBER_YEAR,
            first_seq=next_seq,
            status_history=False,
        )
        next_seq = written.next_seq
        print(f"  {next_seq - 1:>7} 名志愿者", file=out, flush=True)


def generate(size: Size, *, out: TextIO = sys.stderr) -> bool:
    """Fill the database to `size`; False when it already holds exactly that."""
    if present_size() == (size.volunteers, size.teams, size.org_nodes):
        return False
    if OrgNode.objects.exists():
        call_command("flush", interactive=False, verbosity=0)
    started = time.monotonic()
    print(
        f"生成基准数据（{size.name}）：{size.volunteers} 名志愿者、{size.teams} 支队伍、{size.org_nodes} 个组织节点",
        file=out,
    )
    _generate(size, out)
    analyze()  # PostgreSQL: statistics (and the visibility map) for the tables just filled
    print(f"  完成，用时 {time.monotonic() - started:.1f} 秒", file=out)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--small", action="store_true", help="1% size (1,000 volunteers)")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    generate(SMALL if args.small else LARGE)


if __name__ == "__main__":
    main()
