"""Teams and brand projects in the permission matrix; the world user leads or liaises the own-position
team when the role says so."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.teams.tests.factories import (
    BrandProjectFactory,
    MembershipFactory,
    TeamAnnouncementFactory,
    TeamFactory,
)


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("team", position, TeamFactory(org=node))
        world.put("brand", position, BrandProjectFactory(owner=node))
        world.put("team_announcement", position, TeamAnnouncementFactory(team=world.at("team", position)))
    if world.me is None:
        return
    own_team = world.at("team", "own")
    MembershipFactory(team=own_team, volunteer=world.me)
    if world.role == Role.TEAM_LEADER:
        own_team.leader = world.me
    elif world.role == Role.TEAM_LIAISON:
        own_team.liaison = world.me
    own_team.save()
    # The own-node volunteer is a member of the leader's team (activity relation).
    MembershipFactory(team=own_team, volunteer=world.at("volunteer", "own"), kind="activity")


EXPECTED: Expected = {
    "team": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.TEAM_LEADER: (ALL, OWN),
        Role.TEAM_LIAISON: (ALL, OWN),
        Role.VOLUNTEER: (ALL, NONE),
    },
    # 群公告: a team's members read its notices (the volunteer is a member of the own team), its leader
    # and liaison post them.
    "team_announcement": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, OWN),
        Role.TEAM_LIAISON: (OWN, OWN),
        Role.VOLUNTEER: (OWN, NONE),
    },
    "brand": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
    },
}
