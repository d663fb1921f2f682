"""The audit log in the permission matrix: read by administrators, changed by nobody."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, SUBTREE, Expected, World
from redvest.audit.models import AuditEntry
from redvest.core.roles import Role


def build(world: World) -> None:
    for position, node in world.nodes.items():
        entry = AuditEntry.objects.create(action="create", target_type="orgs.orgnode", target_id=str(node.pk), org=node)
        world.put("audit", position, entry)


EXPECTED: Expected = {
    "audit": {
        Role.SYSTEM_ADMIN: (ALL, NONE),
        Role.ORG_ADMIN: (SUBTREE, NONE),
    },
}
