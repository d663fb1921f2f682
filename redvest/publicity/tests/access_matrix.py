"""Publicity in the permission matrix: a commitment of each position's volunteer, a published exemplar
and a training session there."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, NONE, OWN, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.publicity.models import ExemplarStatus
from redvest.publicity.tests.factories import CommitmentFactory, ExemplarFactory, TrainingSessionFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        world.put("commitment", position, CommitmentFactory(volunteer=world.at("volunteer", position)))
        world.put("exemplar", position, ExemplarFactory(org=node, status=ExemplarStatus.PUBLISHED))
        world.put("training_session", position, TrainingSessionFactory(org=node))


# Leaders see their members' commitments (the own-position volunteer is in the team); everyone in the
# network sees published stories and every session; a volunteer's own commitment is not in the world.
EXPECTED: Expected = {
    "commitment": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (OWN, NONE),
        Role.TEAM_LIAISON: (OWN, NONE),
    },
    "exemplar": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
    },
    "training_session": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
        Role.TEAM_LEADER: (ALL, NONE),
        Role.TEAM_LIAISON: (ALL, NONE),
        Role.VOLUNTEER: (ALL, NONE),
    },
}
