"""Who opens a dashboard (dashboards.access): administrators of the subtree see every panel, a
dispatcher the requests panel of the area their hotline serves, nobody else."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.dashboards.access import dashboard_access
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import OrgTree, org_node


@pytest.mark.django_db
def test_dashboard_access_by_role() -> None:
    tree = OrgTree()
    hotline = org_node(name="96345热线中心", kind=OrgKind.HOTLINE, parent=tree.county)
    for node in (tree.town_a, tree.town_b, tree.community_a):
        node.refresh_from_db()  # siblings are ordered by name: adding the hotline renumbers the towns' paths
    admin, dispatcher, keeper = UserFactory(), UserFactory(), UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=tree.town_a)
    RoleAssignmentFactory(user=dispatcher, role=Role.DISPATCHER, org=hotline)
    RoleAssignmentFactory(user=keeper, role=Role.STATION_KEEPER, org=tree.town_a)
    assert dashboard_access(admin, tree.community_a) == "full"
    assert dashboard_access(admin, tree.town_b) is None
    assert dashboard_access(dispatcher, tree.town_b) == "requests"  # the hotline serves the whole county
    assert dashboard_access(keeper, tree.town_a) is None
