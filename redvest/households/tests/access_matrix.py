"""联户 in the permission matrix: a household at each position looked after by that position's team; at
the own position a volunteer world's user looks after it instead. One contact logged for each."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.households.tests.factories import HouseholdContactFactory, HouseholdFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        if position == "own" and world.role == Role.VOLUNTEER and world.me is not None:
            household = HouseholdFactory(org=node, volunteer=world.me, team=None)
        else:
            household = HouseholdFactory(org=node, team=world.at("team", position))
        world.put("household", position, household)
        world.put("household_contact", position, HouseholdContactFactory(household=household))


# The liaison (volunteer, or the team's leader and liaison) views the household and appends to its log;
# editing and reassigning a household is for administrators.
EXPECTED: Expected = {
    "household": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, frozenset()),
        Role.TEAM_LIAISON: (OWN, frozenset()),
        Role.VOLUNTEER: (OWN, frozenset()),
    },
    "household_contact": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, OWN),
        Role.TEAM_LIAISON: (OWN, OWN),
        Role.VOLUNTEER: (OWN, OWN),
    },
}
