"""The org tree and its stations in the permission matrix (see redvest/accounts/tests/matrix.py)."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.orgs.models import Station


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("org", position, node)
        world.put("station", position, Station.objects.create(node=node, address=f"{node.name}站点"))


# Volunteers (and leaders, who are volunteers too) look up the whole network; residents and merchants
# the stations. Dispatchers their service area; a station keeper changes their own station only.
EXPECTED: Expected = {
    "org": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.STATION_KEEPER: (SUBTREE, OWN),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
    },
    "station": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.STATION_KEEPER: (SUBTREE, OWN),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
        Role.MERCHANT: (ALL, NONE),
        Role.RESIDENT: (ALL, NONE),
    },
}
