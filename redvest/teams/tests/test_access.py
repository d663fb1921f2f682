"""Teams' access rules: the roles a team's roster gives, after the volunteer record's."""

from __future__ import annotations

import pytest

from redvest.accounts.models import Role
from redvest.accounts.tests.factories import UserFactory
from redvest.core.policy import grants_for
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import VolunteerStatus
from redvest.volunteers.tests.factories import VolunteerFactory


@pytest.mark.django_db
def test_a_team_leaders_roles_come_from_the_roster_in_three_queries(django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    tree = OrgTree()
    user = UserFactory(is_superuser=True)
    me = VolunteerFactory(org=tree.community_a, user=user)
    led = TeamFactory(org=tree.town_a, leader=me)
    liaised = TeamFactory(org=tree.town_b, liaison=me)
    TeamFactory(org=tree.town_b, leader=me, is_active=False)
    with django_assert_num_queries(3):  # role assignments, the volunteer record, the teams it leads
        grants = grants_for(user)
    assert [(g.role, g.path) for g in grants[:2]] == [(Role.SYSTEM_ADMIN, ""), (Role.VOLUNTEER, tree.community_a.path)]
    assert grants[1].volunteer_id == me.pk
    assert {(g.role, g.team_id) for g in grants[2:]} == {(Role.TEAM_LEADER, led.pk), (Role.TEAM_LIAISON, liaised.pk)}


@pytest.mark.django_db
def test_a_deregistered_volunteer_leads_nothing() -> None:
    tree = OrgTree()
    user = UserFactory()
    me = VolunteerFactory(org=tree.town_a, user=user, status=VolunteerStatus.DEREGISTERED)
    TeamFactory(org=tree.town_a, leader=me)
    assert grants_for(user) == []
