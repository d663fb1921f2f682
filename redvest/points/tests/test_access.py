"""Who runs a node's good-deeds bank (points.access): system admins, org admins over it, the keeper of
exactly that station."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.orgs.models import OrgNode
from redvest.orgs.tests.factories import OrgTree
from redvest.points.access import can_manage_bank
from redvest.points.selectors.ledger import bank_orgs


@pytest.mark.django_db
def test_bank_nodes_of_keepers_and_admins() -> None:
    tree = OrgTree()
    admin, keeper, nobody, root = UserFactory(), UserFactory(), UserFactory(), UserFactory(is_superuser=True)
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=tree.town_a)
    RoleAssignmentFactory(user=keeper, role=Role.STATION_KEEPER, org=tree.community_a)
    assert set(bank_orgs(user=admin)) == {tree.town_a, tree.community_a}
    assert set(bank_orgs(user=keeper)) == {tree.community_a}
    assert not bank_orgs(user=nobody).exists()
    assert bank_orgs(user=root).count() == OrgNode.objects.count()
    assert can_manage_bank(keeper, tree.community_a) and not can_manage_bank(keeper, tree.town_a)
    assert can_manage_bank(admin, tree.community_a) and not can_manage_bank(admin, tree.town_b)
