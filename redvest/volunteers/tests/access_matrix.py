"""The volunteer ledger in the permission matrix, and the volunteer record of a world whose role comes
from the roster (volunteer, team leader, liaison)."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import LEAD_ROLES, Role
from redvest.volunteers.tests.factories import VolunteerFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("volunteer", position, VolunteerFactory(org=node))
    if world.role in LEAD_ROLES | {Role.VOLUNTEER}:
        world.me = VolunteerFactory(org=world.nodes["own"], user=world.user)


# Leaders and liaisons see their team's current members (the own-position volunteer is one); a
# volunteer sees and changes their own record only (test_volunteer_sees_and_changes_own_record_only).
EXPECTED: Expected = {
    "volunteer": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.DISPATCHER: (SUBTREE, NONE),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
    },
}
