"""`seed_demo`: the whole demo county in one transaction, the same every time.

Everything random comes from one `random.Random(20260701)`; dates are counted back from the fixed
reference day 2026-07-01. Only the rows' created/updated times are "now".
"""

from __future__ import annotations

import datetime
import random
from dataclasses import asdict, dataclass

from django.db import transaction

from redvest.accounts.models import User
from redvest.audit.services import audit_record
from redvest.demo import data
from redvest.demo.county import CountyPlan, plan_county
from redvest.demo.people import PersonMaker
from redvest.demo.roster import RosterPlan, plan_roster
from redvest.demo.stations import write_stations
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
    volunteer_users = create_volunteer_users(roster.teams[f"det:{data.DEMO_UNIT}"], password_hash=password_hash)
    summary = SeedSummary(
        org_nodes=len(nodes),
        units=len(plan.county.units),
        stations=stations,
        teams=len(roster.teams),
        volunteers=len(roster.volunteers),
        brands=len(brands),
        users=len(staff) + len(volunteer_users),
    )
    # One row for the whole bulk load rather than thousands: the log says where the data came from.
    root = nodes["root"].node
    audit_record(actor=None, action="create", target=root, org=root, after=asdict(summary), reason=SEED_REASON)
    return summary
