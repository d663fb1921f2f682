"""Who organises activities (activities.access): admins over the node, a team's leader or liaison at
or below the team's node; the organiser's links for those roles only."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.access import can_organise, require_can_organise
from redvest.core.errors import PermissionDenied
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.tests.factories import VolunteerFactory


@pytest.mark.django_db
def test_a_team_leader_organises_for_their_team_at_or_below_its_node() -> None:
    tree = OrgTree()
    user = UserFactory()
    team = TeamFactory(org=tree.town_a, leader=VolunteerFactory(org=tree.town_a, user=user))
    other = TeamFactory(org=tree.town_a)
    assert can_organise(user)
    require_can_organise(user, org=tree.community_a, teams=[team])
    with pytest.raises(PermissionDenied):
        require_can_organise(user, org=tree.county, teams=[team])  # above the team's node
    with pytest.raises(PermissionDenied):
        require_can_organise(user, org=tree.town_a, teams=[other])


@pytest.mark.django_db
def test_org_admins_organise_in_their_subtree_and_volunteers_not_at_all() -> None:
    tree = OrgTree()
    admin = UserFactory()
    RoleAssignmentFactory(user=admin, role=Role.ORG_ADMIN, org=tree.town_a)
    require_can_organise(admin, org=tree.community_a, teams=[])
    with pytest.raises(PermissionDenied):
        require_can_organise(admin, org=tree.town_b, teams=[])
    volunteer = UserFactory()
    VolunteerFactory(org=tree.town_a, user=volunteer)
    assert can_organise(admin) and not can_organise(volunteer)
