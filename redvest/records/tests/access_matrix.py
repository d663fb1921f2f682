"""Service records, certificates and proposals to add credit minutes in the permission matrix."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.records.tests.factories import CertificateFactory, CorrectionProposalFactory, ServiceRecordFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        volunteer = world.at("volunteer", position)
        record = ServiceRecordFactory(volunteer=volunteer, activity=world.at("activity", position))
        world.put("record", position, record)
        world.put("correction_proposal", position, CorrectionProposalFactory(record=record, anchor_org=node))
        world.put("certificate", position, CertificateFactory(volunteer=volunteer, issuing_org=node))


# Own-position activities are run by the leader's team; records and certificates are other people's.
# Adding credit minutes is decided strictly above the proposal's node: seen at their node, decided
# below; leaders follow the proposals about their team's activities, never decide them.
EXPECTED: Expected = {
    "record": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, OWN),
        Role.TEAM_LIAISON: (OWN, OWN),
    },
    "certificate": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
    "correction_proposal": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, frozenset({"descendant"})),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
    },
}
