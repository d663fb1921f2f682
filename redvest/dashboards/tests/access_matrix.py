"""Excel exports in the permission matrix: one of each position's subtree, requested by someone else
(requesters see their own)."""

from __future__ import annotations

from redvest.accounts.tests.factories import UserFactory
from redvest.accounts.tests.matrix import ALL, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.dashboards.tests.factories import DataExportFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("data_export", position, DataExportFactory(org=node, created_by=UserFactory()))


EXPECTED: Expected = {
    "data_export": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
}
