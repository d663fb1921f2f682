from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Team
from redvest.teams.tests.factories import TeamFactory


@dataclass
class Ledger:
    """The shared tree with one team per town and an org admin for the county and for each town."""

    tree: OrgTree
    team_a: Team
    team_community: Team
    team_b: Team
    county_admin: User
    admin_a: User
    admin_b: User


@pytest.fixture
def ledger(db: Any) -> Ledger:
    tree = OrgTree()
    county_admin = UserFactory(username="county_admin")
    admin_a = UserFactory(username="admin_a")
    admin_b = UserFactory(username="admin_b")
    RoleAssignmentFactory(user=county_admin, org=tree.county, role=Role.ORG_ADMIN)
    RoleAssignmentFactory(user=admin_a, org=tree.town_a, role=Role.ORG_ADMIN)
    RoleAssignmentFactory(user=admin_b, org=tree.town_b, role=Role.ORG_ADMIN)
    return Ledger(
        tree=tree,
        team_a=TeamFactory(org=tree.town_a, name="雉城先锋队"),
        team_community=TeamFactory(org=tree.community_a, name="城东服务队"),
        team_b=TeamFactory(org=tree.town_b, name="画溪先锋队"),
        county_admin=county_admin,
        admin_a=admin_a,
        admin_b=admin_b,
    )
