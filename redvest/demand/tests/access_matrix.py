"""Demand requests and dispatch parts in the permission matrix: a request in each position's area,
registered at that position's station and sent to its team (parts sent to a station: demand/tests/test_policy)."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.demand.tests.factories import DispatchFactory, ServiceRequestFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        request = world.put(
            "request", position, ServiceRequestFactory(area=node, intake_station=world.at("station", position))
        )
        world.put("dispatch", position, DispatchFactory(request=request, team=world.at("team", position)))


EXPECTED: Expected = {
    "request": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, SUBTREE),
        Role.STATION_KEEPER: (OWN, OWN),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
    },
    "dispatch": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, OWN),
        Role.TEAM_LIAISON: (OWN, OWN),
    },
}
