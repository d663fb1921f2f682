"""Points resources in the permission matrix: a volunteer's points account, earning rule, good-deed
claim, bank reward item, alliance merchant (operated by the world's user when the role is merchant),
reservation of a bank item, pioneer-index entry."""

from __future__ import annotations

from redvest.accounts.tests.factories import UserFactory
from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.points.tests.factories import (
    EarningRuleFactory,
    MerchantFactory,
    PioneerEntryFactory,
    PointsClaimFactory,
    RedemptionFactory,
    RewardItemFactory,
    VolunteerAccountFactory,
)


def build(world: World) -> None:
    operator = world.user if world.role == Role.MERCHANT else UserFactory()
    for position, node in world.nodes.items():
        volunteer = world.at("volunteer", position)
        world.put("points_account", position, VolunteerAccountFactory(volunteer=volunteer))
        world.put("earning_rule", position, EarningRuleFactory(org=node))
        world.put("points_claim", position, PointsClaimFactory(volunteer=volunteer))
        item = world.put("reward", position, RewardItemFactory(org=node))
        world.put("merchant", position, MerchantFactory(org=node, operator=operator))
        world.put("redemption", position, RedemptionFactory(volunteer=volunteer, item=item))
        world.put("pioneer_index", position, PioneerEntryFactory(volunteer=volunteer))


# Other people's points accounts, claims, reservations and index entries stay private. The bank counter
# of a keeper's own station: its items and the reservations picked up there. The catalog is public to
# merchants; their own shop only where their role is held.
EXPECTED: Expected = {
    "points_account": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
    "earning_rule": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
    },
    "points_claim": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
    "reward": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.STATION_KEEPER: (SUBTREE, OWN),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
        Role.MERCHANT: (ALL, NONE),
    },
    "merchant": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
        Role.MERCHANT: (OWN, OWN),
    },
    "redemption": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.STATION_KEEPER: (OWN, OWN),
    },
    "pioneer_index": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
}
