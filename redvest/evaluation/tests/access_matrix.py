"""Evaluation schemes and rounds in the permission matrix: a round reviewed at each position (and its
scheme). Published rankings are public pages, outside the matrix."""

from __future__ import annotations

from redvest.accounts.tests.matrix import ALL, SUBTREE, Expected, World
from redvest.core.roles import Role
from redvest.evaluation.tests.factories import EvaluationRoundFactory


def build(world: World) -> None:
    for position, node in world.nodes.items():
        evaluation = world.put("evaluation_round", position, EvaluationRoundFactory(org=node))
        world.put("evaluation_scheme", position, evaluation.scheme)


EXPECTED: Expected = {
    "evaluation_round": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
    "evaluation_scheme": {
        Role.SYSTEM_ADMIN: (ALL, ALL),
        Role.ORG_ADMIN: (SUBTREE, SUBTREE),
    },
}
