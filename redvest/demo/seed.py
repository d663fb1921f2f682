"""`seed_demo`: the whole demo county in one transaction, the same every time.

The county comes from one `random.Random(20260701)` with dates counted back from the fixed reference
day 2026-07-01. Activities, points and demand requests come from `random.Random(20260702)` with dates
counted from the day of the run, so that one activity is always running "now" and due times are real.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils import timezone

from redvest.accounts.models import User
from redvest.activities.services import activities_advance
from redvest.audit.services import audit_record
from redvest.demo import data
from redvest.demo.activity import grant_honours, write_activities
from redvest.demo.announcements import write_announcements
from redvest.demo.awards import write_awards
from redvest.demo.care import write_care
from redvest.demo.county import CountyPlan, plan_county
from redvest.demo.dashboards import write_dashboards
from redvest.demo.demand import write_demand
from redvest.demo.equipment import write_equipment
from redvest.demo.evaluation import write_evaluation
from redvest.demo.households import write_households
from redvest.demo.people import PersonMaker
from redvest.demo.points import write_points, write_rules
from redvest.demo.publicity import write_publicity
from redvest.demo.reports import write_reports
from redvest.demo.roster import RosterPlan, plan_roster
from redvest.demo.stations import write_stations
from redvest.demo.transfers import write_transfer
from redvest.demo.tree import write_tree
from redvest.demo.users import create_staff_users, create_volunteer_users, demo_password_hash, staff_logins
from redvest.demo.write import write_brands, write_roster
from redvest.orgs.models import OrgNode

REFERENCE_DAY = datetime.date(2026, 7, 1)
NUMBER_YEAR = REFERENCE_DAY.year
SEED_REASON = "载入演示数据（manage.py seed_demo）"


@dataclass(frozen=True)
class DemoPlan:
    county: CountyPlan
    roster: RosterPlan


@dataclass(frozen=True)
class SeedSummary:
    org_nodes: int
    units: int
    stations: int
    teams: int
    volunteers: int
    brands: int
    users: int
    activities: int = 0
    signups: int = 0
    attendances: int = 0
    service_records: int = 0
    points_postings: int = 0
    reward_items: int = 0
    redemptions: int = 0
    service_requests: int = 0


def plan_demo() -> DemoPlan:
    """The demo county as plain data: no database, same result for every call."""
    maker = PersonMaker(random.Random(data.DEMO_SEED), reference=REFERENCE_DAY)
    for login in staff_logins():
        maker.reserve_phone(login.phone)
    county = plan_county(maker)
    return DemoPlan(county=county, roster=plan_roster(county, maker))


def demo_exists() -> bool:
    return (
        User.objects.filter(username="admin").exists()
        or OrgNode.objects.filter(depth=1, name=data.COUNTY_ROOT).exists()
    )


@transaction.atomic
def seed_demo() -> SeedSummary | None:
    """Write the demo county; None (and no change) when demo data is already there."""
    if demo_exists():
        return None
    plan = plan_demo()
    nodes = write_tree(plan.county.root)
    password_hash = demo_password_hash()
    staff = create_staff_users(nodes, password_hash=password_hash)
    stations = write_stations(nodes.values(), inspector=staff["county"], reference=REFERENCE_DAY)
    roster = write_roster(plan.roster, nodes, area=data.COUNTY_CODE, year=NUMBER_YEAR, actor=staff["county"])
    brands = write_brands(plan.roster.brands, nodes, roster.teams)
    demo_team = roster.teams[f"det:{data.DEMO_UNIT}"]
    volunteer_users = create_volunteer_users(demo_team, password_hash=password_hash)
    root = nodes["root"].node
    # Activities, points and demand follow the day of the run (one activity is always running "now").
    rng = random.Random(data.DEMO_SEED + 1)
    people = [u.volunteer for u in volunteer_users.values()]
    write_rules(county=staff["county"], root=root)
    done = write_activities(
        rng,
        teams=roster.teams,
        demo_key=f"det:{data.DEMO_UNIT}",
        demo_people=people,
        actor=staff["county"],
        root=root,
    )
    records = done.records + grant_honours(
        rng, volunteers=people[:1] + list(roster.volunteers.values())[:200:50], actor=staff["county"]
    )
    demand = write_demand(
        rng,
        dispatcher=staff["dispatcher"],
        keeper=staff["keeper"],
        station_node=nodes[f"point:{data.DEMO_UNIT}"].node,
        resident=staff["resident"],
        leader=volunteer_users["leader"],
        demo_team=demo_team,
    )
    records += demand.records
    points = write_points(
        county=staff["county"],
        root=root,
        town=nodes[f"town:{data.DEMO_TOWN}"].node,
        merchant_user=staff["merchant"],
        records=records,
        spenders=[(u, u.volunteer) for u in volunteer_users.values()],
    )
    # Care pairing: the demo volunteer and the demo team's leader have people of their own to visit.
    write_care(
        random.Random(data.DEMO_SEED + 11),
        admin=staff["county"],
        demo_volunteer=volunteer_users["volunteer"].volunteer,
        demo_team=demo_team,
    )
    # Last quarter's 季报 (the `town` login has its communities' reports to review) and the county's circular.
    write_reports(random.Random(data.DEMO_SEED + 13), root=root, county=staff["county"])
    # Last quarter's 一评议一晾晒 of the towns (after reports and care: their figures are criteria), published.
    write_evaluation(
        random.Random(data.DEMO_SEED + 17),
        root=root,
        county=staff["county"],
        demo_volunteers=[u.volunteer for u in volunteer_users.values()],
    )
    # Commitments on the wall (the demo volunteer's own among them), exemplars and training sessions.
    write_publicity(
        random.Random(data.DEMO_SEED + 19),
        admin=staff["county"],
        root=root,
        demo_volunteer=volunteer_users["volunteer"].volunteer,
    )
    # The `unit` login judges this year's 优秀党员志愿者 campaign (voting open); last year's is complete.
    write_awards(root=root, admin=staff["county"], judge_login=staff["unit"], seed=data.DEMO_SEED + 7)
    # 一点一群一线: the demo team's 群公告, the 联户 of 金陵社区, the service point's kit, one 转移接续.
    town = nodes[f"town:{data.DEMO_TOWN}"].node
    community = nodes[f"community:{data.DEMO_TOWN}/{data.DEMO_COMMUNITY}"].node
    write_announcements(team=demo_team, leader=volunteer_users["leader"], reader=volunteer_users["volunteer"])
    write_households(
        admin=staff["county"],
        community=community,
        volunteer_user=volunteer_users["volunteer"],
        demo_volunteer=volunteer_users["volunteer"].volunteer,
        leader_user=volunteer_users["leader"],
        demo_team=demo_team,
    )
    write_equipment(
        admin=staff["county"],
        keeper=staff["keeper"],
        station=nodes[f"point:{data.DEMO_UNIT}"].node,
        team=demo_team,
        demo_people=people,
    )
    write_transfer(admin=staff["county"], town=town, community=community)
    summary = SeedSummary(
        org_nodes=len(nodes),
        units=len(plan.county.units),
        stations=stations,
        teams=len(roster.teams),
        volunteers=len(roster.volunteers),
        brands=len(brands),
        users=len(staff) + len(volunteer_users),
        activities=done.activities,
        signups=done.signups,
        attendances=done.attendances,
        service_records=len(records),
        points_postings=points.postings,
        reward_items=points.items,
        redemptions=points.redemptions,
        service_requests=demand.requests,
    )
    activities_advance(at=timezone.now())  # past activities 已结束, the running one 进行中
    write_dashboards()  # last: the rollups read everything seeded above
    # One row for the whole bulk load rather than thousands: the log says where the data came from.
    audit_record(actor=None, action="create", target=root, org=root, after=asdict(summary), reason=SEED_REASON)
    return summary
