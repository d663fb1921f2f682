"""A small world for the ledger tests: two towns, a team in town A running an activity that ended an
hour ago, its leader, a volunteer (with a login) and org admins of each town."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.models import Activity
from redvest.activities.tests.factories import ActivityFactory
from redvest.orgs.tests.factories import OrgTree
from redvest.records.tests.factories import calendar_around_today
from redvest.teams.models import Team
from redvest.teams.tests.factories import MembershipFactory, TeamFactory
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory


@dataclass
class World:
    tree: OrgTree
    team: Team
    leader: Volunteer
    leader_user: User
    volunteer: Volunteer
    volunteer_user: User
    other_volunteer: Volunteer
    other_volunteer_user: User
    admin_user: User  # org admin of town A
    other_admin_user: User  # org admin of town B
    other_leader_user: User  # leads a team in town A that did not run the activity
    activity: Activity


def ended_activity(*, org: object, team: Team, hours_ago: float = 1, duration_hours: float = 2) -> Activity:
    end = timezone.now() - datetime.timedelta(hours=hours_ago)
    activity = ActivityFactory(org=org, start_at=end - datetime.timedelta(hours=duration_hours), end_at=end)
    activity.teams.add(team)
    return activity


@pytest.fixture
def w(db: None) -> World:
    calendar_around_today()
    tree = OrgTree()
    leader_user = UserFactory(name="负责人")
    leader = VolunteerFactory(org=tree.town_a, user=leader_user, name="王队长")
    team = TeamFactory(org=tree.town_a, leader=leader)
    volunteer_user = UserFactory(name="李志愿")
    volunteer = VolunteerFactory(org=tree.town_a, user=volunteer_user, name="李志愿")
    MembershipFactory(team=team, volunteer=volunteer)
    other_volunteer_user = UserFactory()
    other_volunteer = VolunteerFactory(org=tree.town_a, user=other_volunteer_user, name="赵其他")
    admin_user = UserFactory()
    RoleAssignmentFactory(user=admin_user, role=Role.ORG_ADMIN, org=tree.town_a)
    other_admin_user = UserFactory()
    RoleAssignmentFactory(user=other_admin_user, role=Role.ORG_ADMIN, org=tree.town_b)
    other_leader_user = UserFactory()
    TeamFactory(org=tree.town_a, leader=VolunteerFactory(org=tree.town_a, user=other_leader_user))
    return World(
        tree=tree,
        team=team,
        leader=leader,
        leader_user=leader_user,
        volunteer=volunteer,
        volunteer_user=volunteer_user,
        other_volunteer=other_volunteer,
        other_volunteer_user=other_volunteer_user,
        admin_user=admin_user,
        other_admin_user=other_admin_user,
        other_leader_user=other_leader_user,
        activity=ended_activity(org=tree.town_a, team=team),
    )
