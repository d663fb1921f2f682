"""Exchange batches in the permission matrix: one at each position; only administrators of the subtree
(and system admins) see or change them — the packages hold full ID numbers."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.exchange.tests.factories import ExchangeBatchFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("exchange_batch", position, ExchangeBatchFactory(org=node))


EXPECTED: Expected = {
    "exchange_batch": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
}
