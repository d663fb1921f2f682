"""A small world for activity tests: a county tree, a team at town_a with its leader, an org admin,
volunteers with logins, and an activity run by the team. Times are explicit (`at=`), never frozen."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from redvest.accounts.models import Role, User
from redvest.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from redvest.activities.codes import code_at
from redvest.activities.models import Activity
from redvest.activities.services import Position
from redvest.activities.tests.factories import ActivityFactory
from redvest.orgs.tests.factories import OrgTree
from redvest.teams.models import Team
from redvest.teams.tests.factories import TeamFactory
from redvest.volunteers.models import Volunteer
from redvest.volunteers.tests.factories import VolunteerFactory

SITE = Position(latitude=Decimal("30.900000"), longitude=Decimal("119.900000"))
NEAR = Position(latitude=Decimal("30.901000"), longitude=Decimal("119.900000"))  # ~111 m north
FAR = Position(latitude=Decimal("30.920000"), longitude=Decimal("119.900000"))  # ~2.2 km north


@dataclass
class World:
    tree: OrgTree
    team: Team
    other_team: Team
    leader_user: User
    other_leader_user: User
    admin_user: User
    volunteer_users: list[User]
    activity: Activity

    def volunteer(self, i: int = 0) -> Volunteer:
        return Volunteer.objects.get(user=self.volunteer_users[i])

    def code(self, at: datetime.datetime, activity: Activity | None = None) -> str:
        return code_at((activity or self.activity).checkin_secret, at)


def make_user_volunteer(org: object, **kw: object) -> User:
    user = UserFactory()
    VolunteerFactory(org=org, user=user, **kw)
    return user


@pytest.fixture
def world(db: None) -> World:
    tree = OrgTree()
    leader_user = make_user_volunteer(tree.town_a)
    team = TeamFactory(org=tree.town_a, leader=Volunteer.objects.get(user=leader_user))
    other_leader_user = make_user_volunteer(tree.town_b)
    other_team = TeamFactory(org=tree.town_b, leader=Volunteer.objects.get(user=other_leader_user))
    admin_user = UserFactory()
    RoleAssignmentFactory(user=admin_user, role=Role.ORG_ADMIN, org=tree.town_a)
    volunteer_users = [make_user_volunteer(tree.community_a) for _ in range(3)]
    start = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0) + datetime.timedelta(days=2)
    activity = ActivityFactory(
        org=tree.town_a,
        start_at=start,
        end_at=start + datetime.timedelta(hours=2),
        recruit_start=start - datetime.timedelta(days=5),
        recruit_end=start,
        quota=2,
        requires_approval=True,
    )
    activity.teams.add(team)
    return World(
        tree=tree,
        team=team,
        other_team=other_team,
        leader_user=leader_user,
        other_leader_user=other_leader_user,
        admin_user=admin_user,
        volunteer_users=volunteer_users,
        activity=activity,
    )
