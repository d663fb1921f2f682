"""Activities in the permission matrix: each position's activity is run by that position's team."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.activities.tests.factories import ActivityFactory
from redvest.core.roles import Role


def build(world: World) -> None:
    for position, node in world.nodes.items():
        activity = ActivityFactory(org=node)
        activity.teams.add(world.at("team", position))
        world.put("activity", position, activity)


EXPECTED: Expected = {
    "activity": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.TEAM_LEADER: (ALL, OWN),
        Role.TEAM_LIAISON: (ALL, OWN),
        Role.VOLUNTEER: (ALL, NONE),
    },
}
