"""Care pairing in the permission matrix: a person in need at each position, paired with that position's
team and visited once; at the own position a volunteer world's user is the partner instead."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.care.tests.factories import CarePairingFactory, CareRecipientFactory, CareVisitFactory
from redvest.core.roles import Role


def build(world: World) -> None:
    for position, node in world.nodes.items():
        recipient = world.put("care_recipient", position, CareRecipientFactory(org=node))
        if position == "own" and world.role == Role.VOLUNTEER and world.me is not None:
            pairing = CarePairingFactory(recipient=recipient, volunteer=world.me)
        else:
            pairing = CarePairingFactory(recipient=recipient, team=world.at("team", position))
        world.put("care_pairing", position, pairing)
        world.put("care_visit", position, CareVisitFactory(recipient=recipient, pairing=pairing))


# Dispatchers see the people in need of their service area, never their health data nor the pairings
# and visits; the partners of the own position's pairing see it and log visits.
EXPECTED: Expected = {
    "care_recipient": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
        Role.VOLUNTEER: (OWN, NONE),
    },
    "care_pairing": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
        Role.VOLUNTEER: (OWN, NONE),
    },
    "care_visit": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, OWN),
        Role.TEAM_LIAISON: (OWN, OWN),
        Role.VOLUNTEER: (OWN, OWN),
    },
}
