from __future__ import annotations

from typing import Any

import pytest

from redvest.accounts.models import Role, User
from redvest.households.models import Household
from redvest.households.tests.factories import HouseholdFactory
from redvest.orgs.models import OrgKind
from redvest.orgs.tests.factories import OrgTree, org_node, role_user
from redvest.teams.tests.factories import TeamFactory, leader_login, org_admin_at, volunteer_login


class HouseholdWorld:
    """OrgTree plus community_b under town_b; org admins at town_a and town_b; a volunteer looking after
    `mine` (community_a); a team (leader login) looking after `team_household`; a stranger volunteer;
    a dispatcher at town_a; `far` at community_b, looked after by another team."""

    def __init__(self) -> None:
        self.tree = OrgTree()
        self.community_a = self.tree.community_a
        self.community_b = org_node(name="画溪社区", kind=OrgKind.COMMUNITY, parent=self.tree.town_b)
        self.admin = org_admin_at(self.tree.town_a)
        self.other_admin = org_admin_at(self.tree.town_b)
        self.dispatcher: User = role_user(role=Role.DISPATCHER, org=self.tree.town_a)
        self.volunteer_user = volunteer_login(self.community_a)
        self.volunteer = self.volunteer_user.volunteer
        self.stranger = volunteer_login(self.community_a)
        self.team = TeamFactory(org=self.tree.town_a)
        self.leader = leader_login(self.team)
        self.mine: Household = HouseholdFactory(org=self.community_a, volunteer=self.volunteer, team=None)
        self.team_household: Household = HouseholdFactory(org=self.community_a, team=self.team)
        self.far: Household = HouseholdFactory(org=self.community_b)

    def fresh(self, user: User) -> Any:
        """The same user without cached grants."""
        return User.objects.get(pk=user.pk)


@pytest.fixture
def hw(db: Any) -> HouseholdWorld:
    return HouseholdWorld()
