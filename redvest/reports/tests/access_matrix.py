"""Quarterly reports and circulars in the permission matrix: a report filed at each position and a
published circular issued there."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.reports.models import CircularStatus
from redvest.reports.tests.factories import CircularFactory, QuarterlyReportFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("quarterly_report", position, QuarterlyReportFactory(org=node))
        world.put("circular", position, CircularFactory(org=node, status=CircularStatus.PUBLISHED))


# Their node files, the nodes below are reviewed; published circulars from above are read.
EXPECTED: Expected = {
    "quarterly_report": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
    "circular": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE | {"ancestor"}, SUBTREE),
    },
}
