from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.models import OrgKind, OrgNode
from redvest.orgs.tests.factories import OrgTree, org_node
from redvest.points.models import Merchant, PointsAccount, TxnKind
from redvest.points.services import bank_account, ledger_post, volunteer_account
from redvest.points.tests.factories import EarningRuleFactory, MerchantFactory
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory


@dataclass
class Bank:
    """The shared tree; a 志愿服务 rule (10/h) at the county; admins for the county and each town;
    a service point under community_a with its keeper; a volunteer (with login) in community_a;
    an approved merchant in town_a with its operator."""

    tree: OrgTree
    point: OrgNode
    county_admin: User
    admin_a: User
    admin_b: User
    keeper: User
    volunteer: Volunteer
    merchant: Merchant
    give: Callable[..., PointsAccount]


@pytest.fixture
def bank(db: Any) -> Bank:
    tree = OrgTree()
    point = org_node(name="城东服务点", kind=OrgKind.SERVICE_POINT, parent=tree.community_a)
    EarningRuleFactory(org=tree.county)
    county_admin = UserFactory(username="county_admin")
    admin_a = UserFactory(username="admin_a")
    admin_b = UserFactory(username="admin_b")
    keeper = UserFactory(username="keeper")
    RoleAssignmentFactory(user=county_admin, org=tree.county, role=Role.ORG_ADMIN)
    RoleAssignmentFactory(user=admin_a, org=tree.town_a, role=Role.ORG_ADMIN)
    RoleAssignmentFactory(user=admin_b, org=tree.town_b, role=Role.ORG_ADMIN)
    RoleAssignmentFactory(user=keeper, org=point, role=Role.STATION_KEEPER)
    volunteer = VolunteerFactory(org=tree.community_a, user=UserFactory(username="vol"), name="张红梅")
    merchant = MerchantFactory(org=tree.town_a, operator=UserFactory(username="shop"), name="城东超市")
    RoleAssignmentFactory(user=merchant.operator, org=tree.town_a, role=Role.MERCHANT)

    def give(points: int, to: Volunteer | None = None) -> PointsAccount:
        """Put points on a volunteer's account straight from the county bank (test setup)."""
        account = volunteer_account(volunteer=to or volunteer)
        ledger_post(
            kind=TxnKind.AWARD,
            legs=[(bank_account(org=tree.county), -points), (account, points)],
            actor=None,
            memo="测试入账",
        )
        account.refresh_from_db()
        return account

    return Bank(
        tree=tree,
        point=point,
        county_admin=county_admin,
        admin_a=admin_a,
        admin_b=admin_b,
        keeper=keeper,
        volunteer=volunteer,
        merchant=merchant,
        give=give,
    )
