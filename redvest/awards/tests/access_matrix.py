"""Award campaigns and nominations in the permission matrix: a campaign run at each position and an
entry nominated there (judges: awards/tests)."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, SUBTREE, Expected, World
from redvest.awards.tests.factories import AwardCampaignFactory, NominationFactory
from redvest.core.roles import Role


def build(world: World) -> None:
    for position, node in world.nodes.items():
        campaign = world.put("award_campaign", position, AwardCampaignFactory(org=node))
        nomination = NominationFactory(campaign=campaign, org=node, volunteer=world.at("volunteer", position))
        world.put("nomination", position, nomination)


# Campaigns run above an org admin are visible too: their units nominate into them.
EXPECTED: Expected = {
    "award_campaign": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE | {"ancestor"}, SUBTREE),
    },
    "nomination": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
}
